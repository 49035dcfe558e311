from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kalantar.core import audit
from kalantar.core.models import AppendOnlyError, AuditEntry
from kalantar.core.services import audit_log_page
from tests.conftest import append_only_bypass


def _write_entries(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record("test.event", object_type="test", object_id=i, detail={"i": i})


def _sql(statement: str, params=()) -> None:
    """Run a statement as an attacker with write access to the database would: with the
    append-only triggers switched off around it."""
    before, after = append_only_bypass(connection)
    with connection.cursor() as cursor:
        for bypass in before:
            cursor.execute(bypass)
        cursor.execute(statement, params)
        for restore in after:
            cursor.execute(restore)


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


@pytest.mark.django_db
def test_reading_the_audit_log_is_recorded_with_the_filter_and_page():
    _write_entries(3)
    result = audit_log_page(by=None, action="test.", page_number="1")
    assert [e.action for e in result.page] == ["test.event"] * 3
    read = AuditEntry.objects.filter(action="core.audit.read").get()
    assert read.detail == {"filter": "test.", "page": 1}
    assert ("core.audit.read", audit.action_label("core.audit.read")) in result.actions
