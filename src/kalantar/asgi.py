"""ASGI entry point, served by uvicorn."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
# Web requests may each run their ORM work on a fresh thread: on PostgreSQL a pool keeps
# the connections bounded. Long-running workers (the alarm receiver, the scheduler) keep
# one connection per thread instead, so they are not pooled.
os.environ.setdefault("DB_POOL", "true")
application = get_asgi_application()

from kalantar.core.checks import refuse_unsafe_production  # noqa: E402  (needs the apps)

refuse_unsafe_production()
