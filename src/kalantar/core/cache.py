"""The shared cache (CACHE_URL=redis://…) with Redis allowed to fail under the pages.

Django's Redis backend raises on every call when Redis is down, which turned each cached
public page (statistics, maps, downloads) into a 500. Here a cached read that cannot reach
Redis is a miss and a cached write is skipped, so those pages are computed from the
database instead; `add` and `incr`, which count the rate limits, still raise, and
core.limits decides what an uncounted request may do (refused to write, allowed to read).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache

from kalantar.core.limits import CACHE_UNREACHABLE

logger = logging.getLogger(__name__)

# A down host must not hold a request for the client's default (no timeout): a second to
# connect or answer, then the page goes on without the cache.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def _unreachable(operation: str, error: BaseException) -> None:
    logger.warning("Shared cache unreachable, %s skipped: %s", operation, error)


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except CACHE_UNREACHABLE as error:
            _unreachable("read", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        try:
            return super().get_many(keys, version)
        except CACHE_UNREACHABLE as error:
            _unreachable("read", error)
            return {}

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except CACHE_UNREACHABLE as error:
            _unreachable("write", error)

    def set_many(
        self, data: dict[str, Any], timeout: Any = None, version: int | None = None
    ) -> list[str]:
        try:
            return super().set_many(data, timeout, version)
        except CACHE_UNREACHABLE as error:
            _unreachable("write", error)
            return list(data)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except CACHE_UNREACHABLE as error:
            _unreachable("delete", error)
            return False
