"""The audit log: every write that matters, and every sensitive read, leaves a link here.

`record` must be called inside the transaction of the change it records, so the change
and its audit entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from kalantar.core.context import current_ip
from kalantar.core.models import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditAction:
    """What an audit entry's action code means, for the people who read the log."""

    code: str
    fa: str
    en: str

    @property
    def label(self) -> str:
        return self.en if (get_language() or "fa").startswith("en") else self.fa


# Filled by each app's AppConfig.ready() with the actions it writes; a test checks that every
# action written anywhere is registered. Labels are kept here rather than in the .po
# catalogues so each action has its two spellings in one place, next to its code.
_ACTIONS: dict[str, AuditAction] = {}


def register_actions(*actions: AuditAction) -> None:
    for action in actions:
        known = _ACTIONS.get(action.code)
        if known is not None and known != action:
            raise ImproperlyConfigured(f"audit action {action.code!r} is registered twice")
        _ACTIONS[action.code] = action


def registered_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda a: a.code)


def action_label(code: str) -> str:
    """The action's name in the current language; the code itself if nobody registered it."""
    action = _ACTIONS.get(code)
    return action.label if action is not None else code


# PostgreSQL advisory lock of the chain's appends. Any constant works; it only has to be
# the same for every writer of this database.
_PG_LOCK_KEY = 0x4B414C41


def entry_digest(*, seq: int, prev_hash: str, **fields: Any) -> str:
    """SHA-256 over the canonical JSON array [seq, <the entry's fields>, prev_hash]
    (compact separators, sorted keys, UTF-8); `fields` are those of `_digest_middle`."""
    return _wrap_digest(seq, _digest_middle(**fields), prev_hash)


def _wrap_digest(seq: int, middle: str, prev_hash: str) -> str:
    payload = f"[{json.dumps(seq)},{middle},{json.dumps(prev_hash)}]"
    return hashlib.sha256(payload.encode()).hexdigest()


def _digest_middle(
    *,
    at: str,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    ip: str | None,
    outcome: str,
    detail: Any,
) -> str:
    """The canonical JSON of the entry's fields without its brackets: the part of the digest
    between the seq and the previous hash. PostgreSQL wraps it the same way once it knows
    those two (see `_append_postgresql`), so both writers hash the same bytes."""
    return json.dumps(
        [at, actor_username, action, object_type, object_id, ip, outcome, detail],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )[1:-1]


def _timestamp(at) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEntry.Outcome.OK,
    detail: dict | None = None,
    ip: str | None = None,
) -> int:
    """Append one entry to the chain (inside the caller's transaction); return its seq.

    Not the entry itself: nothing needs it, and building a model instance for every citizen
    lookup was a measurable part of the lookup's cost."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_username = getattr(actor, "username", "") or ""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    detail_json = json.dumps(detail or {}, ensure_ascii=False, default=str)
    fields = {
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "ip": ip if ip is not None else current_ip(),
        "outcome": str(outcome),
        "detail": json.loads(detail_json),  # as it will read back: JSON types only
    }
    at = timezone.now()
    entry = _NewEntry(
        at=at,
        actor_id=actor.pk if actor is not None else None,
        fields=fields,
        detail_json=detail_json,
        middle=_digest_middle(at=_timestamp(at), **fields),
    )
    if connection.vendor == "postgresql":
        return _append_postgresql(entry)
    return _append(entry)


@dataclass(frozen=True)
class _NewEntry:
    """An entry before the chain gives it its seq and previous hash."""

    at: datetime
    actor_id: int | None
    fields: dict[str, Any]
    detail_json: str
    middle: str  # the digest's part between seq and previous hash


_INSERT_SQL = (
    "INSERT INTO core_auditentry (seq, at, actor_id, actor_username, action, object_type,"
    " object_id, ip, outcome, detail, prev_hash, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _append(entry: _NewEntry) -> int:
    # Plain SQL rather than the ORM: every citizen lookup is audited, and building the two
    # statements through the ORM took about three times as long (bench/complaints.py prints both).
    # No savepoint: the entry belongs to the caller's transaction, and if the append fails
    # the whole change must roll back anyway. On SQLite every transaction opens with
    # BEGIN IMMEDIATE (see settings), which serialises appends.
    fields, ops = entry.fields, connection.ops
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM core_auditentry ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        cursor.execute(
            _INSERT_SQL,
            [
                seq,
                ops.adapt_datetimefield_value(entry.at),
                entry.actor_id,
                fields["actor_username"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                ops.adapt_ipaddressfield_value(fields["ip"]),
                fields["outcome"],
                entry.detail_json,
                prev_hash,
                _wrap_digest(seq, entry.middle, prev_hash),
            ],
        )
    return seq


def _append_postgresql(entry: _NewEntry) -> int:
    """Lock the chain, read its last entry, hash and insert, in one statement.

    One round trip instead of four: every citizen lookup is audited, and the round trips
    of the append were most of its cost. A single statement is atomic by itself, so it joins
    the caller's transaction when there is one and needs none of its own otherwise.
    """
    fields = entry.fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM kalantar_audit_append("
            "%s, %s, %s, %s, %s, %s, %s, %s::inet, %s, %s::jsonb, %s)",
            [
                _PG_LOCK_KEY,
                entry.at,
                entry.actor_id,
                fields["actor_username"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                fields["ip"],
                fields["outcome"],
                entry.detail_json,
                entry.middle,
            ],
        )
        return cursor.fetchone()[1]


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str  # "modified" | "removed" | "inserted"
    message: str


def verify_chain(*, chunk_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return (entries checked, first break or None)."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for row in _rows(chunk_size):
        seq = row["seq"]
        if seq > expected_seq:
            return checked, ChainBreak(
                expected_seq, "removed", f"entry {expected_seq} is missing (removed)"
            )
        recomputed = entry_digest(
            seq=seq,
            at=_timestamp(row["at"]),
            actor_username=row["actor_username"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            ip=row["ip"],
            outcome=row["outcome"],
            detail=row["detail"],
            prev_hash=row["prev_hash"],
        )
        if recomputed != row["hash"]:
            return checked, ChainBreak(seq, "modified", f"entry {seq} was modified")
        if row["prev_hash"] != prev_hash:
            return checked, ChainBreak(
                seq, "inserted", f"entry {seq} does not follow entry {seq - 1} (inserted)"
            )
        prev_hash, expected_seq, checked = row["hash"], seq + 1, checked + 1
    return checked, None


def _rows(chunk_size: int) -> Iterator[dict]:
    fields = (
        "seq",
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "ip",
        "outcome",
        "detail",
        "prev_hash",
        "hash",
    )
    yield from AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=chunk_size)
