"""The audit log: every write that matters, and every sensitive read, leaves a link here.

`record` must be called inside the transaction of the change it records, so the change
and its audit entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kalantar.core.context import current_ip
from kalantar.core.models import AuditEntry

GENESIS = "0" * 64
# PostgreSQL advisory lock of the chain's appends. Any constant works; it only has to be
# the same for every writer of this database.
_PG_LOCK_KEY = 0x4B414C41


def entry_digest(
    *,
    seq: int,
    at: str,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    ip: str | None,
    outcome: str,
    detail: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON array [seq, <the entry's fields>, prev_hash]
    (compact separators, sorted keys, UTF-8)."""
    middle = _digest_middle(
        at=at,
        actor_username=actor_username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip=ip,
        outcome=outcome,
        detail=detail,
    )
    return _wrap_digest(seq, middle, prev_hash)


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
    fields = {
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "ip": ip if ip is not None else current_ip(),
        "outcome": str(outcome),
        "detail": json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
    }
    if connection.vendor == "postgresql":
        return _append_postgresql(actor, fields)
    return _append(actor, fields)


_INSERT_SQL = (
    "INSERT INTO core_auditentry (seq, at, actor_id, actor_username, action, object_type,"
    " object_id, ip, outcome, detail, prev_hash, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _append(actor, fields: dict) -> int:
    # Plain SQL rather than the ORM: every citizen lookup is audited, and building the two
    # statements through the ORM took about three times as long (bench/complaints.py prints both).
    # No savepoint: the entry belongs to the caller's transaction, and if the append fails
    # the whole change must roll back anyway. On SQLite every transaction opens with
    # BEGIN IMMEDIATE (see settings), which serialises appends.
    at = timezone.now()
    middle = _digest_middle(at=_timestamp(at), **fields)
    ops = connection.ops
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM core_auditentry ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        digest = _wrap_digest(seq, middle, prev_hash)
        cursor.execute(
            _INSERT_SQL,
            [
                seq,
                ops.adapt_datetimefield_value(at),
                actor.pk if actor is not None else None,
                fields["actor_username"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                ops.adapt_ipaddressfield_value(fields["ip"]),
                fields["outcome"],
                json.dumps(fields["detail"], ensure_ascii=False),
                prev_hash,
                digest,
            ],
        )
    return seq


def _append_postgresql(actor, fields: dict) -> int:
    """Lock the chain, read its last entry, hash and insert, in one statement.

    One round trip instead of four: every citizen lookup is audited, and the round trips
    of the append were most of its cost. A single statement is atomic by itself, so it joins
    the caller's transaction when there is one and needs none of its own otherwise.
    """
    at = timezone.now()
    middle = _digest_middle(at=_timestamp(at), **fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM kalantar_audit_append("
            "%s, %s, %s, %s, %s, %s, %s, %s::inet, %s, %s::jsonb, %s)",
            [
                _PG_LOCK_KEY,
                at,
                actor.pk if actor is not None else None,
                fields["actor_username"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                fields["ip"],
                fields["outcome"],
                json.dumps(fields["detail"], ensure_ascii=False),
                middle,
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
