"""The new-incident form chooses no type for the officer, and says so when none is chosen."""

from __future__ import annotations

from kalantar.incidents.forms import IncidentForm
from tests.conftest import VerifiedClient, control_classes


def test_no_incident_type_is_chosen_for_the_officer(make_user):
    client = VerifiedClient()
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    page = client.get("/incidents/new/").content.decode()
    select = page[
        page.index('name="category"') : page.index("</select>", page.index('name="category"'))
    ]
    assert '<option value="" selected>' in select
    assert select.count("selected") == 1


def test_an_incident_without_a_type_is_refused_in_persian(db):
    form = IncidentForm(data={"source": "call_110", "priority": "3"})
    assert not form.is_valid()
    assert form.errors["category"] == ["نوع رویداد را انتخاب کنید."]


def test_the_form_wears_bootstrap_classes_and_the_map_point_none(make_user):
    client = VerifiedClient()
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    classes = control_classes(client.get("/incidents/new/").content.decode())
    assert classes["category"] == classes["priority"] == ["form-select"]
    assert classes["occurred_at"] == classes["narrative"] == ["form-control"]
    assert classes["lat"] == classes["lon"] == []
