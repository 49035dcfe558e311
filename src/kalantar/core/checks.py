"""System checks that refuse an unsafe production configuration.

The settings module already refuses to start without SECRET_KEY, ALLOWED_HOSTS and the
receipt key; what it cannot refuse without breaking development (DEBUG, a wildcard host,
the public address, a per-process cache) is checked here, so `kalantar check --deploy`
fails before the first citizen sees a 500 or a rate limit that every worker counts alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Backends every web process of a deployment shares, with the client library each loads
# only on first use (so a missing one passed every check and failed the first request).
# A rate limit kept anywhere else is counted once per process, or not at all (dummy).
SHARED_CACHE_BACKENDS = {
    "django.core.cache.backends.redis.RedisCache": "redis",
    "kalantar.core.cache.TolerantRedisCache": "redis",
    "django.core.cache.backends.memcached.PyMemcacheCache": "pymemcache",
    "django.core.cache.backends.memcached.PyLibMCCache": "pylibmc",
    "django.core.cache.backends.db.DatabaseCache": None,
}


def _production() -> bool:
    return settings.PRODUCTION


@checks.register(checks.Tags.caches)
def shared_cache(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.Error]:
    """Production (DEBUG off) needs a cache shared by every process, and its client."""
    if not _production() or settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in SHARED_CACHE_BACKENDS:
        return [
            checks.Error(
                f"The default cache ({backend}) is not shared between processes: the "
                "citizen pages' rate limits would be counted once per worker.",
                hint="Set CACHE_URL, e.g. redis://127.0.0.1:6379/1.",
                id="kalantar.E001",
            )
        ]
    client = SHARED_CACHE_BACKENDS[backend]
    try:
        if client:
            importlib.import_module(client)
    except ImportError as error:
        return [
            checks.Error(
                f"The default cache's client library cannot be loaded: {error}",
                hint=f"Install {client}.",
                id="kalantar.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def production_settings(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.Error]:
    if not _production():
        return []
    return list(_production_errors(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SITE_URL))


def _production_errors(
    debug: bool, allowed_hosts: Iterable[str], site_url: str
) -> Iterable[checks.Error]:
    if debug:
        yield checks.Error(
            "DEBUG is on: error pages would show settings and citizens' data.",
            hint="Remove DEBUG from the environment.",
            id="kalantar.E003",
        )
    if "*" in allowed_hosts:
        yield checks.Error(
            "ALLOWED_HOSTS accepts any host: links in password and referral e-mails "
            "could point to another site.",
            hint="List the site's host names.",
            id="kalantar.E004",
        )
    if not site_url.startswith(("https://", "http://")):
        yield checks.Error(
            "SITE_URL is not set: receipts' QR codes need the site's public address.",
            hint="Set SITE_URL, e.g. https://kalantar.example.",
            id="kalantar.E005",
        )


def refuse_unsafe_production() -> None:
    """Raise on any error above. The web server runs no system checks of its own, and a
    production site without a shared cache or with DEBUG on must not start serving."""
    errors = [*shared_cache(), *production_settings()]
    if errors:
        raise ImproperlyConfigured(" ".join(f"({e.id}) {e.msg} {e.hint}" for e in errors))
