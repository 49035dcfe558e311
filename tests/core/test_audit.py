from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kalantar.core import audit
from kalantar.core.models import AppendOnlyError, AuditEntry


def _write_entries(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record("test.event", object_type="test", object_id=i, detail={"i": i})


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_message() -> str:
    with pytest.raises(CommandError) as err:
        call_command("audit_verify")
    return str(err.value)


@pytest.mark.django_db
def test_an_intact_chain_verifies(capsys):
    _write_entries(5)
    call_command("audit_verify")
    assert "5" in capsys.readouterr().out


@pytest.mark.django_db
def test_entries_chain_each_to_the_previous_hash():
    _write_entries(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


@pytest.mark.django_db
def test_modified_entry_is_named():
    _write_entries(5)
    _sql("UPDATE core_auditentry SET object_id = %s WHERE seq = 3", ["tampered"])
    message = _verify_message()
    assert "3" in message
    checked, broken = audit.verify_chain()
    assert (broken.seq, broken.reason, checked) == (3, "modified", 2)


@pytest.mark.django_db
def test_removed_entry_is_named():
    _write_entries(5)
    _sql("DELETE FROM core_auditentry WHERE seq = 2")
    _verify_message()
    _checked, broken = audit.verify_chain()
    assert (broken.seq, broken.reason) == (2, "removed")


@pytest.mark.django_db
def test_inserted_entry_is_named():
    """An entry forged with a valid hash of its own but slipped in after the fact."""
    _write_entries(4)
    last = AuditEntry.objects.order_by("-seq").first()
    forged = {
        "seq": 5,
        "at": last.at,
        "actor_username": "intruder",
        "action": "test.forged",
        "object_type": "test",
        "object_id": "x",
        "ip": None,
        "outcome": "ok",
        "detail": {},
        "prev_hash": "f" * 64,  # does not follow entry 4
    }
    digest = audit.entry_digest(**{**forged, "at": audit._timestamp(last.at)})
    _sql(
        "INSERT INTO core_auditentry (seq, at, actor_username, action, object_type, object_id,"
        " ip, outcome, detail, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        [5, last.at, "intruder", "test.forged", "test", "x", None, "ok", "{}", "f" * 64, digest],
    )
    _verify_message()
    _checked, broken = audit.verify_chain()
    assert (broken.seq, broken.reason) == (5, "inserted")


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_entries():
    _write_entries(2)
    entry = AuditEntry.objects.first()
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.filter(action="test.event").count() == 2


@pytest.mark.django_db
def test_audit_entry_is_rolled_back_with_the_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.doomed")
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.filter(action="test.doomed").exists()


@pytest.mark.django_db
def test_times_keep_sub_second_precision_in_utc():
    _write_entries(1)
    entry = AuditEntry.objects.get()
    assert entry.at.utcoffset().total_seconds() == 0
    assert audit._timestamp(entry.at).count(".") == 1


def test_the_digest_the_database_computes_is_the_chain_digest():
    # PostgreSQL appends by hashing "[seq," + the middle + ',"prev_hash"]' itself.
    fields = {
        "at": "2025-03-20T10:00:00.000001+00:00",
        "actor_username": "ستوان",
        "action": "complaints.citizen_lookup",
        "object_type": "complaints.complaint",
        "object_id": "42",
        "ip": None,
        "outcome": "denied",
        "detail": {"code": "1234567890", "purpose": "status", "متن": ["ی", 1.5, None]},
    }
    prev_hash = "ab" * 32
    payload = f'[7,{audit._digest_middle(**fields)},"{prev_hash}"]'
    assert hashlib.sha256(payload.encode()).hexdigest() == audit.entry_digest(
        seq=7, prev_hash=prev_hash, **fields
    )
    # And both are the chain's published form: the canonical JSON of the whole entry, so
    # entries written before the append moved into the database still verify.
    canonical = json.dumps(
        [7, *fields.values(), prev_hash], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert (
        audit.entry_digest(seq=7, prev_hash=prev_hash, **fields)
        == hashlib.sha256(canonical.encode()).hexdigest()
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database reports a lock between threads instead of waiting",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_unbroken_chain():
    def append(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record("test.concurrent", object_type="test", object_id=f"{worker}-{i}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append, range(4)))

    checked, broken = audit.verify_chain()
    assert broken is None
    assert checked == AuditEntry.objects.count() == 40
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 41)
    )
