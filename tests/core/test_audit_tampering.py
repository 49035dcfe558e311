"""The ten tamperings of the audit log that `audit_verify` must catch.

Each is done as an attacker with write access to the database would: with the table's
append-only triggers switched off, and with the published (unkeyed or wrongly keyed) digest
functions, but without the audit key, which lives outside the database.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kalantar.core import audit
from kalantar.core.audit_checkpoints import checkpoint_path
from kalantar.core.extensions import periodic_jobs
from kalantar.core.models import AuditEntry
from kalantar.people.models import User
from tests.conftest import append_only_bypass

ENTRIES = 8


@pytest.fixture
def chain(db):
    """Eight entries, the first four by a user, and a signed checkpoint of the head."""
    officer = User.objects.create_user(username="officer", password="Long-enough-pass-123")
    for i in range(ENTRIES):
        with transaction.atomic():
            audit.record(
                "test.event",
                actor=officer if i < 4 else None,
                object_type="test",
                object_id=i,
                detail={"i": i, "متن": "ی"},
                ip="10.0.0.1",
            )
    assert audit.write_checkpoint().seq == ENTRIES
    return officer


def _as_attacker(statement: str, params=()) -> None:
    before, after = append_only_bypass(connection)
    with connection.cursor() as cursor:
        for bypass in before:
            cursor.execute(bypass)
        cursor.execute(statement, params)
        for restore in after:
            cursor.execute(restore)


def _caught(reason: str, seq: int) -> None:
    _checked, broken = audit.verify_chain()
    assert broken is not None, "the tampering went unnoticed"
    assert (broken.reason, broken.seq) == (reason, seq), broken
    with pytest.raises(CommandError, match=str(seq)):
        call_command("audit_verify")


def _row(seq: int) -> dict:
    return AuditEntry.objects.filter(seq=seq).values(*audit._ROW_FIELDS).get()


def _columns(row: dict) -> dict:
    return {
        "seq": row["seq"],
        "at": audit._timestamp(row["at"]),
        "actor_id": row["actor_id"],
        "actor_username": row["actor_username"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "ip": row["ip"],
        "outcome": row["outcome"],
        "detail": row["detail"],
        "prev_hash": row["prev_hash"],
    }


def test_the_untouched_chain_verifies(chain, capsys):
    call_command("audit_verify")
    assert str(ENTRIES) in capsys.readouterr().out


def test_1_deleting_the_last_entry_is_caught(chain):
    _as_attacker("DELETE FROM core_auditentry WHERE seq = %s", [ENTRIES])
    _caught("truncated", ENTRIES)


def test_2_deleting_the_last_entries_is_caught(chain):
    _as_attacker("DELETE FROM core_auditentry WHERE seq > %s", [3])
    _caught("truncated", 4)


def test_3_deleting_the_whole_log_is_caught(chain):
    _as_attacker("DELETE FROM core_auditentry")
    _caught("truncated", 1)


def test_4_deleting_an_entry_in_the_middle_is_caught(chain):
    _as_attacker("DELETE FROM core_auditentry WHERE seq = 4")
    _caught("removed", 4)


def test_5_changing_the_actor_id_is_caught(chain):
    other = User.objects.create_user(username="other", password="Long-enough-pass-123")
    _as_attacker("UPDATE core_auditentry SET actor_id = %s WHERE seq = 2", [other.pk])
    _caught("modified", 2)


def test_6_changing_the_action_is_caught(chain):
    _as_attacker("UPDATE core_auditentry SET action = 'test.harmless' WHERE seq = 3")
    _caught("modified", 3)


def test_7_changing_the_target_is_caught(chain):
    _as_attacker("UPDATE core_auditentry SET object_id = '999' WHERE seq = 5")
    _caught("modified", 5)
    _as_attacker("UPDATE core_auditentry SET object_id = '5', object_type = 'x' WHERE seq = 5")
    _caught("modified", 5)


def test_8_changing_the_time_is_caught(chain):
    moved = _row(6)["at"].replace(year=2020)
    _as_attacker("UPDATE core_auditentry SET at = %s WHERE seq = 6", [moved])
    _caught("modified", 6)


@pytest.mark.parametrize("digest", ["unkeyed", "guessed key"])
def test_9_editing_data_and_recomputing_the_later_hashes_is_caught(chain, digest):
    """The attacker rewrites entry 3 and re-chains 3..8 with the published digest
    functions: the old unkeyed SHA-256, or the keyed one with a key of their own."""

    def forge(columns: dict) -> str:
        if digest == "unkeyed":
            return audit.legacy_digest(**columns)
        return audit.entry_mac(key=b"a guess", **columns)

    prev_hash = _row(2)["hash"]
    for seq in range(3, ENTRIES + 1):
        columns = {**_columns(_row(seq)), "prev_hash": prev_hash}
        if seq == 3:
            columns["detail"] = {"i": 3, "متن": "پاک شد"}
        prev_hash = forge(columns)
        _as_attacker(
            "UPDATE core_auditentry SET detail = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [json.dumps(columns["detail"]), columns["prev_hash"], prev_hash, seq],
        )
    _caught("modified", 3)


def test_9b_rewriting_the_whole_log_unkeyed_is_caught_by_the_checkpoint(chain):
    """Without any keyed entry left to contradict them, unkeyed entries would pass as the
    legacy prefix; the checkpoint, which sealed none as legacy, refuses them."""
    prev_hash = audit.GENESIS
    for seq in range(1, ENTRIES + 1):
        columns = {**_columns(_row(seq)), "prev_hash": prev_hash}
        prev_hash = audit.legacy_digest(**columns)
        _as_attacker(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [columns["prev_hash"], prev_hash, seq],
        )
    _caught("modified", 1)


def test_10_inserting_a_forged_entry_is_caught(chain):
    last = _row(ENTRIES)
    forged = {
        **_columns(last),
        "seq": ENTRIES + 1,
        "action": "test.forged",
        "prev_hash": last["hash"],
    }
    _as_attacker(
        "INSERT INTO core_auditentry (seq, at, actor_id, actor_username, action, object_type,"
        " object_id, ip, outcome, detail, prev_hash, hash)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        [
            ENTRIES + 1,
            last["at"],
            None,
            "intruder",
            "test.forged",
            "test",
            "x",
            None,
            "ok",
            "{}",
            last["hash"],
            audit.legacy_digest(**forged),
        ],
    )
    _caught("modified", ENTRIES + 1)


def test_a_forged_checkpoint_is_caught(chain):
    path = checkpoint_path()
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**line, "seq": 3}) + "\n")
    _caught("checkpoint", 0)


def test_the_database_refuses_to_change_or_delete_entries(chain):
    statements = [
        "UPDATE core_auditentry SET action = 'x' WHERE seq = 1",
        "DELETE FROM core_auditentry WHERE seq = 8",
        "DELETE FROM core_auditentry",
    ]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE core_auditentry")
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEntry.objects.count() == ENTRIES
    call_command("audit_verify")


def test_a_checkpoint_is_written_only_for_a_chain_that_verifies(chain):
    with transaction.atomic():
        audit.record("test.after")
    _as_attacker("UPDATE core_auditentry SET action = 'x' WHERE seq = %s", [ENTRIES + 1])
    with pytest.raises(audit.AuditChainBroken):
        audit.write_checkpoint()
    assert len(checkpoint_path().read_text().splitlines()) == 1


def test_nothing_new_means_no_new_checkpoint(chain):
    assert audit.write_checkpoint() is None
    with transaction.atomic():
        audit.record("test.after")
    assert audit.write_checkpoint().seq == ENTRIES + 1
    call_command("audit_verify")


def test_entries_written_before_the_key_are_sealed_by_the_first_checkpoint(db, capsys):
    """A log from before the chain was keyed: verify names the unsealed entries; the first
    checkpoint seals them as legacy; a keyed entry then follows, and all verifies."""
    prev_hash = audit.GENESIS
    for seq in (1, 2, 3):
        columns = {
            "seq": seq,
            "at": "2025-03-20T10:00:00.000001+00:00",
            "actor_id": None,
            "actor_username": "desk",
            "action": "test.old",
            "object_type": "test",
            "object_id": str(seq),
            "ip": None,
            "outcome": "ok",
            "detail": {},
            "prev_hash": prev_hash,
        }
        prev_hash = audit.legacy_digest(**columns)
        _as_attacker(
            "INSERT INTO core_auditentry (seq, at, actor_username, action, object_type,"
            " object_id, outcome, detail, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            [
                seq,
                "2025-03-20 10:00:00.000001+00:00",
                "desk",
                "test.old",
                "test",
                str(seq),
                "ok",
                "{}",
                columns["prev_hash"],
                prev_hash,
            ],
        )
    assert audit.verify_chain()[1].reason == "unsealed"
    checkpoint = audit.write_checkpoint()
    assert (checkpoint.seq, checkpoint.legacy_until) == (3, 3)
    with transaction.atomic():
        audit.record("test.new")
    assert audit.verify_chain() == (4, None)
    # A legacy-style entry after the sealed prefix is refused.
    _as_attacker("UPDATE core_auditentry SET hash = %s WHERE seq = 4", ["0" * 64])
    assert audit.verify_chain()[1].reason == "modified"


def test_the_scheduler_writes_checkpoints(chain):
    job = next(j for j in periodic_jobs() if j.name == "audit_checkpoint")
    assert job.run() is None  # nothing new since the fixture's checkpoint
    with transaction.atomic():
        audit.record("test.after")
    assert str(ENTRIES + 1) in job.run()
    assert checkpoint_path().stat().st_mode & 0o777 == 0o600
    _as_attacker("DELETE FROM core_auditentry WHERE seq = %s", [ENTRIES + 1])
    _caught("truncated", ENTRIES + 1)
