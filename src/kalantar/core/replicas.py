"""Reads from PostgreSQL streaming replicas that never show a user a stale copy of what
they just wrote.

With `DATABASE_REPLICA_URLS` set, the read-only selectors of reports, analytics, the
portal's statistics and Open311 run inside `reads_from_replica()`. Everything else, and
every write, stays on the primary. After a request that wrote, the primary's WAL position
is remembered for `STICKY_SECONDS` (in the session of a logged-in user; for an API client,
which keeps no cookie, in the shared cache under its Open311 api_key or bearer token; in a
signed cookie otherwise); until then a replica serves that user only once it has replayed
that position.
A request that has written reads the primary for the rest of its course; a replica that is
down, lagging or promoted leaves the primary to serve. Without replicas nothing here runs
a query: the embedded default is unchanged.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

STICKY_SECONDS = 30
# A replica that failed to answer is left alone this long before it is tried again, so a
# dead host costs one connection timeout per process, not one per page.
RETRY_DOWN_SECONDS = 10.0
SESSION_KEY = "_kalantar_wal_position"
COOKIE_NAME = "kalantar_wal"
COOKIE_SALT = "kalantar.core.replicas"
API_CACHE_PREFIX = "kalantar:wal:api:"

# Statements that never change data. Anything else counts as a write: taking the primary
# for a read now and then costs less than one stale page.
_READS = ("SELECT", "SHOW", "SET", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@dataclass
class _RequestState:
    """What one request knows: the position its user last wrote (if still sticky) and
    whether it has itself written."""

    needed: str | None
    wrote: bool = False


_request: ContextVar[_RequestState | None] = ContextVar("kalantar_replica_request", default=None)
_chosen: ContextVar[str | None] = ContextVar("kalantar_replica_chosen", default=None)
_down_until: dict[str, float] = {}


def replica_aliases() -> list[str]:
    """The database aliases of the configured replicas (settings.DATABASE_REPLICAS)."""
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def is_write(sql: str) -> bool:
    return not sql.lstrip().upper().startswith(_READS)


@contextlib.contextmanager
def reads_from_replica() -> Iterator[str | None]:
    """Within this block (or the function it decorates) reads go to a replica that has
    replayed the user's last write, if there is one; yields the alias chosen (None: the
    primary). Nested blocks keep the outer choice."""
    if _chosen.get() is not None:
        yield _chosen.get()
        return
    alias = _pick_replica()
    token = _chosen.set(alias)
    try:
        yield alias
    finally:
        _chosen.reset(token)


def _pick_replica() -> str | None:
    replicas = replica_aliases()
    state = _request.get()
    # Outside a request (commands, periodic jobs) nobody tracks the writes: the primary.
    if not replicas or state is None or state.wrote:
        return None
    for alias in random.sample(replicas, len(replicas)):
        if _down_until.get(alias, 0.0) > time.monotonic():
            continue
        if _has_replayed(alias, state.needed or "0/0"):
            return alias
    return None


def _has_replayed(alias: str, position: str) -> bool:
    """Whether the replica answers and has replayed `position`. A promoted server (no
    longer in recovery) answers NULL, hence false: it is no replica of ours any more."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            row = cursor.fetchone()
    except DatabaseError:
        _down_until[alias] = time.monotonic() + RETRY_DOWN_SECONDS
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        return False
    return bool(row and row[0])


def forget_down_replicas() -> None:
    """Try every replica again at the next read (after an operator brought one back)."""
    _down_until.clear()


def _primary_position() -> str:
    # The insert position, not the flushed one: with synchronous_commit off a commit may
    # not be flushed yet, and its record lies below the insert position in any case.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def _api_identity(request: HttpRequest) -> str | None:
    """The cache key of an API client's credential (a bearer token, or an Open311 api_key
    in the query or a form body), digested: the cache never holds a credential. Whether
    the credential is valid does not matter here: a made-up one only has its own slot."""
    credential = request.META.get("HTTP_AUTHORIZATION", "")
    if not credential.lower().startswith("bearer "):
        credential = request.GET.get("api_key", "")
        if not credential and request.content_type == "application/x-www-form-urlencoded":
            # A form body is read once and kept (request.body stays readable); a multipart
            # one would be consumed, so it is not looked into.
            credential = request.POST.get("api_key", "")
    if not credential:
        return None
    return API_CACHE_PREFIX + salted_hmac(COOKIE_SALT, credential.strip()).hexdigest()


def _remembered_position(request: HttpRequest, api_identity: str | None) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        saved = request.session.get(SESSION_KEY)
        if saved and saved[1] > time.time():
            return saved[0]
        return None
    if api_identity is not None:
        return cache.get(api_identity)
    return request.get_signed_cookie(
        COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=STICKY_SECONDS
    )


def _remember(
    request: HttpRequest, response: HttpResponse, position: str, api_identity: str | None
) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        request.session[SESSION_KEY] = [position, time.time() + STICKY_SECONDS]
        return
    if api_identity is not None:
        # Shared by every web process (Redis with CACHE_URL): the client's next request
        # may land on any of them.
        cache.set(api_identity, position, timeout=STICKY_SECONDS)
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        position,
        salt=COOKIE_SALT,
        max_age=STICKY_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class _WriteWatcher:
    """An execute wrapper of the primary's connection that notes any statement that writes."""

    def __init__(self, state: _RequestState) -> None:
        self.state = state

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict):
        if not self.state.wrote and is_write(sql):
            self.state.wrote = True
        return execute(sql, params, many, context)


class ReplicaStickinessMiddleware:
    """Remembers, after a request that wrote, where the primary's WAL stood, so the same
    user's next reads within STICKY_SECONDS wait for a replica that has replayed it.

    Placed inside SessionMiddleware: the session (with the position in it) is saved after
    this middleware has returned, and that save is not counted as the user's write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        api_identity = _api_identity(request)
        state = _RequestState(needed=_remembered_position(request, api_identity))
        token = _request.set(state)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(_WriteWatcher(state)):
                response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote:
            _remember(request, response, _primary_position(), api_identity)
        return response


class ReplicaRouter:
    """Sends the reads of a `reads_from_replica()` block to the replica it chose; every
    write, and every other read, to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        return _chosen.get()

    def db_for_write(self, model, **hints) -> str | None:
        # An object read from a replica is saved to the primary, never back to the replica.
        return DEFAULT_DB_ALIAS if replica_aliases() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # A replica holds the primary's rows: objects from either may refer to each other.
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db in replica_aliases() else None
