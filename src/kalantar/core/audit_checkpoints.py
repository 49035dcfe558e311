"""Signed checkpoints of the audit chain's head, kept outside the database.

A keyed chain proves that no entry was changed, but not that none were cut from its end:
whoever can write to the database can delete the last entries, or all of them. So the head
(its seq and hash) is written now and then, with the time, to an append-only file beside
the database; every line carries an HMAC with the audit key, so a line cannot be forged
without the key. `audit.verify_chain` then requires every checkpointed entry to be still
there with the same hash.

One line per checkpoint in `checkpoints.jsonl` under `settings.AUDIT_CHECKPOINT_DIR`:
`{"seq": …, "hash": …, "at": …, "legacy_until": …, "mac": …}`. `legacy_until` is the last
entry written before the chain was keyed (0 when there were none): the first checkpoint
records it, and so seals those entries (see README, "Audit log").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FILE_NAME = "checkpoints.jsonl"
# Distinguishes a checkpoint's MAC from an entry's, which uses the same key.
_LABEL = "kalantar-audit-checkpoint"


class CheckpointError(ValueError):
    """A checkpoint line is damaged or was not written with the audit key."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC
    legacy_until: int


def audit_key() -> bytes:
    return settings.AUDIT_KEY.encode()


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _mac(checkpoint: Checkpoint) -> str:
    payload = json.dumps(
        [_LABEL, checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.legacy_until],
        separators=(",", ":"),
    )
    return hmac.new(audit_key(), payload.encode(), hashlib.sha256).hexdigest()


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint written, oldest first; CheckpointError names the first bad line."""
    path = checkpoint_path()
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                checkpoints.append(_parse(line, number))
    return checkpoints


def _parse(line: str, number: int) -> Checkpoint:
    try:
        data = json.loads(line)
        checkpoint = Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            legacy_until=int(data["legacy_until"]),
        )
        mac = str(data["mac"])
    except (ValueError, TypeError, KeyError) as error:
        raise CheckpointError(f"line {number} of {FILE_NAME} is damaged") from error
    if not hmac.compare_digest(mac, _mac(checkpoint)):
        raise CheckpointError(
            f"line {number} of {FILE_NAME} was not signed with the audit key (forged or altered)"
        )
    return checkpoint


def append_checkpoint(checkpoint: Checkpoint) -> None:
    """Append one signed line; the directory and file are readable by the owner only."""
    path = checkpoint_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = json.dumps({**checkpoint.__dict__, "mac": _mac(checkpoint)}, separators=(",", ":"))
    # O_APPEND: a line written by one process is never interleaved with another's.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
