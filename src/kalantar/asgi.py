"""ASGI entry point, served by uvicorn.

Django's own handler, except that the views marked `core.streaming.streams_body` (the
evidence upload's PATCH) read their request body as it arrives instead of after Django has
copied it to a temporary file."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
# Web requests may each run their ORM work on a fresh thread: on PostgreSQL a pool keeps
# the connections bounded. Long-running workers (the alarm receiver, the scheduler) keep
# one connection per thread instead, so they are not pooled.
os.environ.setdefault("DB_POOL", "true")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from kalantar.core.checks import refuse_unsafe_production  # noqa: E402  (needs the apps)
from kalantar.core.streaming import StreamingASGIHandler, keep_heap_for_bodies  # noqa: E402

keep_heap_for_bodies()
application = StreamingASGIHandler()

refuse_unsafe_production()
