from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalantar.core.models import AuditEntry
from kalantar.people.models import Commendation
from kalantar.people.services import record_commendation

pytestmark = pytest.mark.django_db


def test_a_commendation_lands_on_the_officers_record_and_is_audited(chief1, make_user):
    officer = make_user("officer1", "desk_officer", "HM01K01")
    thanks = record_commendation(
        by=chief1,
        officer=officer,
        source=Commendation.Source.FEEDBACK_197,
        note="  برخورد محترمانه   با مراجعه‌کننده ",
        reference="۱۹۷-۱۲",
    )
    assert list(officer.commendations.all()) == [thanks]
    assert thanks.note == "برخورد محترمانه با مراجعه‌کننده"
    entry = AuditEntry.objects.get(action="people.commendation.record")
    assert entry.object_id == str(thanks.pk)


def test_records_are_scoped_to_the_officers_unit(chief1, chief2, make_user):
    officer = make_user("officer1", "desk_officer", "HM01K01")
    record_commendation(by=chief1, officer=officer, source=Commendation.Source.CITIZEN)
    assert Commendation.objects.visible_to(chief1).count() == 1
    assert Commendation.objects.visible_to(chief2).count() == 0


def test_an_unknown_source_changes_nothing(chief1, make_user):
    officer = make_user("officer1", "desk_officer", "HM01K01")
    with pytest.raises(ValidationError):
        record_commendation(by=chief1, officer=officer, source="rumour")
    assert not Commendation.objects.exists()
    assert not AuditEntry.objects.filter(action="people.commendation.record").exists()
