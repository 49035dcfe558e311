"""The audit log: every write that matters, and every sensitive read, leaves a link here.

`record` must be called inside the transaction of the change it records, so the change
and its audit entry are committed together or not at all.

Each entry's `hash` is an HMAC-SHA256, with the audit key (`settings.AUDIT_KEY`, kept outside
the database), over every column of the entry and the previous entry's hash: without the
key nobody can change, insert or reorder entries and recompute the chain. Deleting entries
from the end is caught by the signed checkpoints of the head (`audit_checkpoints`), and the
database refuses UPDATE, DELETE and TRUNCATE of the table (core migration 0004).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from kalantar.core import audit_checkpoints
from kalantar.core.audit_checkpoints import Checkpoint, CheckpointError
from kalantar.core.context import current_ip
from kalantar.core.models import AuditEntry
from kalantar.core.persian import localized

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditAction:
    """What an audit entry's action code means, for the people who read the log."""

    code: str
    fa: str
    en: str

    @property
    def label(self) -> str:
        return localized(self.fa, self.en)


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


# The entry's columns covered by its MAC, in the MAC's order, between `seq` and `prev_hash`:
# the one list the digests, the INSERT and the verification's read are built from.
_MAC_COLUMNS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "ip",
    "outcome",
    "detail",
)
# The unkeyed digest of the first entries left out the actor's id.
_LEGACY_COLUMNS = tuple(c for c in _MAC_COLUMNS if c != "actor_id")
# Every stored column but the storage id and the province, in the INSERT's order.
_ROW_FIELDS = ("seq", *_MAC_COLUMNS, "prev_hash", "hash")
# The province is where the entry is stored (the partition key of a national deployment),
# not part of what it records: outside the MAC, so the chain reads the same wherever a
# partition keeps it.
_INSERT_FIELDS = (*_ROW_FIELDS, "province_id")


def _canonical_json(values: list) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# PostgreSQL advisory lock of the chain's appends. Any constant works; it only has to be
# the same for every writer of this database.
_PG_LOCK_KEY = 0x4B414C41


def entry_mac(*, key: bytes, seq: int, prev_hash: str, **fields: Any) -> str:
    """HMAC-SHA256 with `key` over the canonical JSON array [seq, <every other column of the
    entry but its storage id>, prev_hash] (compact separators, sorted keys, UTF-8); `fields`
    are those of `_digest_middle`."""
    return _wrap_mac(key, seq, _digest_middle(**fields), prev_hash)


def _wrap_mac(key: bytes, seq: int, middle: str, prev_hash: str) -> str:
    payload = f"[{json.dumps(seq)},{middle},{json.dumps(prev_hash)}]"
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _digest_middle(**columns: Any) -> str:
    """The canonical JSON of the entry's `_MAC_COLUMNS` (`at` as `_timestamp` gives it)
    without its brackets: the part of the MAC's input between the seq and the previous hash,
    computed before the chain is locked."""
    return _canonical_json([columns[c] for c in _MAC_COLUMNS])[1:-1]


def legacy_digest(*, seq: int, prev_hash: str, **columns: Any) -> str:
    """The unkeyed SHA-256 of entries written before the chain was keyed (it left out the
    actor's id). Accepted only for the entries the first checkpoint sealed as legacy."""
    payload = _canonical_json([seq, *(columns[c] for c in _LEGACY_COLUMNS), prev_hash])
    return hashlib.sha256(payload.encode()).hexdigest()


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
    actor_id = actor.pk if actor is not None else None
    entry = _NewEntry(
        at=at,
        actor_id=actor_id,
        # An entry about a record that carries a province (incidents, complaints, evidence
        # items, alarm events) carries it too; any other entry stays central (None).
        province_id=getattr(obj, "province_id", None),
        fields=fields,
        detail_json=detail_json,
        middle=_digest_middle(at=_timestamp(at), actor_id=actor_id, **fields),
    )
    return _append(entry)


@dataclass(frozen=True)
class _NewEntry:
    """An entry before the chain gives it its seq and previous hash."""

    at: datetime
    actor_id: int | None
    province_id: int | None
    fields: dict[str, Any]
    detail_json: str
    middle: str  # the MAC's input between seq and previous hash


_INSERT_SQL = (
    f"INSERT INTO core_auditentry ({', '.join(_INSERT_FIELDS)})"
    f" VALUES ({', '.join(['%s'] * len(_INSERT_FIELDS))})"
)


def _append(entry: _NewEntry) -> int:
    """Lock the chain, read its last entry, compute the MAC here and insert.

    One implementation for both databases, so the key never reaches the database: on
    PostgreSQL a transaction-scoped advisory lock orders the appends (under READ COMMITTED
    the read that follows it sees every append committed before); on SQLite every
    transaction opens with BEGIN IMMEDIATE (see settings), which does the same.
    Plain SQL rather than the ORM: every citizen lookup is audited, and building the
    statements through the ORM took about three times as long (bench/complaints.py prints
    both). No savepoint: the entry belongs to the caller's transaction, and if the append
    fails the whole change must roll back anyway.
    """
    fields, ops = entry.fields, connection.ops
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        cursor.execute("SELECT seq, hash FROM core_auditentry ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = {
            **fields,
            "seq": seq,
            "at": ops.adapt_datetimefield_value(entry.at),
            "actor_id": entry.actor_id,
            "ip": ops.adapt_ipaddressfield_value(fields["ip"]),
            "detail": entry.detail_json,
            "prev_hash": prev_hash,
            "hash": _wrap_mac(audit_checkpoints.audit_key(), seq, entry.middle, prev_hash),
            "province_id": entry.province_id,
        }
        cursor.execute(_INSERT_SQL, [row[c] for c in _INSERT_FIELDS])
    return seq


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    # "modified" | "removed" | "inserted" | "truncated" | "rewritten" | "checkpoint" | "unsealed"
    reason: str
    message: str


class AuditChainBroken(RuntimeError):
    def __init__(self, broken: ChainBreak) -> None:
        super().__init__(broken.message)
        self.broken = broken


@dataclass
class _Walk:
    """Where a walk along the chain got to."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    legacy_until: int = 0  # the last legacy entry seen (auto mode) or allowed
    broken: ChainBreak | None = None


def verify_chain(*, chunk_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in order against the signed checkpoints; return (entries
    checked, first break or None)."""
    try:
        checkpoints = audit_checkpoints.read_checkpoints()
    except CheckpointError as error:
        return 0, ChainBreak(0, "checkpoint", str(error))
    legacy_until = checkpoints[0].legacy_until if checkpoints else 0
    walk = _walk(_rows(chunk_size), legacy_until=legacy_until, auto_legacy=not checkpoints)
    if walk.broken is None:
        walk.broken = _against_checkpoints(walk, checkpoints)
    return walk.checked, walk.broken


def _walk(
    rows: Iterator[dict],
    *,
    legacy_until: int,
    auto_legacy: bool,
    start: Checkpoint | None = None,
) -> _Walk:
    """Check each row's MAC and its link to the row before. With `start`, the walk begins at
    that checkpointed entry, trusted once its hash matches. `auto_legacy` (only before the
    first checkpoint) takes the leading run of unkeyed entries as the legacy prefix."""
    key = audit_checkpoints.audit_key()
    walk = _Walk(legacy_until=legacy_until)
    expected_seq, prev_hash = 1, GENESIS
    if start is not None and start.seq > 0:
        first = next(rows, None)
        if first is None or first["seq"] != start.seq or first["hash"] != start.hash:
            walk.broken = _checkpoint_mismatch(start.seq, first)
            return walk
        expected_seq, prev_hash = start.seq + 1, start.hash
        walk.head_seq, walk.head_hash = start.seq, start.hash
    for row in rows:
        seq = row["seq"]
        if seq > expected_seq:
            walk.broken = ChainBreak(
                expected_seq, "removed", f"entry {expected_seq} is missing (removed)"
            )
            return walk
        columns = {c: row[c] for c in _ROW_FIELDS if c != "hash"}
        columns["at"] = _timestamp(row["at"])
        keyed = hmac.compare_digest(entry_mac(key=key, **columns), row["hash"])
        if not keyed:
            legacy_allowed = seq <= walk.legacy_until or (
                auto_legacy and walk.legacy_until == seq - 1
            )
            if not (legacy_allowed and legacy_digest(**columns) == row["hash"]):
                walk.broken = ChainBreak(seq, "modified", f"entry {seq} was modified")
                return walk
            walk.legacy_until = max(walk.legacy_until, seq)
        if row["prev_hash"] != prev_hash:
            walk.broken = ChainBreak(
                seq, "inserted", f"entry {seq} does not follow entry {seq - 1} (inserted)"
            )
            return walk
        prev_hash, expected_seq = row["hash"], seq + 1
        walk.checked, walk.head_seq, walk.head_hash = walk.checked + 1, seq, row["hash"]
    return walk


def _checkpoint_mismatch(seq: int, row: dict | None) -> ChainBreak:
    if row is None:
        return ChainBreak(seq, "truncated", f"entry {seq}, recorded by a checkpoint, is gone")
    return ChainBreak(
        seq, "rewritten", f"entry {seq} differs from the one its checkpoint recorded (rewritten)"
    )


def _against_checkpoints(walk: _Walk, checkpoints: list[Checkpoint]) -> ChainBreak | None:
    """Every checkpointed entry must still be there with the hash it had."""
    if not checkpoints:
        if walk.legacy_until:
            return ChainBreak(
                walk.legacy_until,
                "unsealed",
                f"entries 1 to {walk.legacy_until} were written before the chain was keyed "
                "and no checkpoint seals them yet",
            )
        return None
    furthest = max(checkpoints, key=lambda c: c.seq)
    if furthest.seq > walk.head_seq:
        return ChainBreak(
            walk.head_seq + 1,
            "truncated",
            f"the log ends at entry {walk.head_seq} but a checkpoint of {furthest.at} recorded "
            f"entry {furthest.seq} (entries removed from the end)",
        )
    hashes = _hashes_at({c.seq for c in checkpoints if c.seq > 0})
    for checkpoint in checkpoints:
        if checkpoint.seq and hashes.get(checkpoint.seq) != checkpoint.hash:
            return _checkpoint_mismatch(checkpoint.seq, {"seq": checkpoint.seq})
    return None


def _hashes_at(seqs: set[int]) -> dict[int, str]:
    hashes: dict[int, str] = {}
    ordered = sorted(seqs)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        hashes.update(AuditEntry.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    return hashes


# --- Checkpoints -----------------------------------------------------------------------------


def write_checkpoint(*, chunk_size: int = 5000) -> Checkpoint | None:
    """Verify the entries written since the last checkpoint, then sign the head.

    Returns the new checkpoint, or None when nothing was appended since the last one.
    Raises AuditChainBroken rather than sign a chain that does not verify, and
    CheckpointError when an earlier checkpoint is bad.
    """
    checkpoints = audit_checkpoints.read_checkpoints()
    last = checkpoints[-1] if checkpoints else None
    rows = _rows(chunk_size, from_seq=last.seq if last else 1)
    if last is None:
        walk = _walk(rows, legacy_until=0, auto_legacy=True)
    else:
        walk = _walk(rows, legacy_until=last.legacy_until, auto_legacy=False, start=last)
    if walk.broken is not None:
        logger.error("The audit log does not verify: %s", walk.broken.message)
        raise AuditChainBroken(walk.broken)
    if last is not None and walk.head_seq == last.seq:
        return None
    checkpoint = Checkpoint(
        seq=walk.head_seq,
        hash=walk.head_hash,
        at=_timestamp(timezone.now()),
        legacy_until=walk.legacy_until if last is None else last.legacy_until,
    )
    audit_checkpoints.append_checkpoint(checkpoint)
    return checkpoint


def checkpoint_job() -> str | None:
    """The periodic job: a line when a checkpoint was written."""
    checkpoint = write_checkpoint()
    if checkpoint is None:
        return None
    return f"checkpoint of the audit log at entry {checkpoint.seq}"


def _rows(chunk_size: int, *, from_seq: int = 1) -> Iterator[dict]:
    rows = AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq").values(*_ROW_FIELDS)
    yield from rows.iterator(chunk_size=chunk_size)
