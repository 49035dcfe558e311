"""Static files' storages whose URLs are worked out once per file and process.

Every page asks for a dozen of the same URLs ({% static %} in base.html), and each asked
the storage again (quoting, joining, and in production the manifest's hashed name). The
answer only changes with a new deployment (a new manifest, a new process) or new
settings (Django then builds a new storage), so each storage object remembers its own."""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _RememberedUrls:
    def url(self, name, *args, **kwargs):
        if args or kwargs:
            return super().url(name, *args, **kwargs)
        known = self.__dict__.setdefault("_kalantar_urls", {})
        url = known.get(name)
        if url is None:
            url = known[name] = super().url(name)
        return url


class DevelopmentStaticStorage(_RememberedUrls, StaticFilesStorage):
    pass


class ProductionStaticStorage(_RememberedUrls, CompressedManifestStaticFilesStorage):
    pass
