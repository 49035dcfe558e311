"""Input an operator or a client can get wrong: a clear Persian answer, nothing changed; and
the incident a dispatched alarm opens has the alarm's class."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kalantar.alarms import codes
from kalantar.alarms.models import Alarm
from kalantar.alarms.services import INCIDENT_CATEGORY, dispatch_alarm
from kalantar.incidents import categories
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Dispatch, Incident
from kalantar.incidents.services import add_patrol_unit, open_incident
from kalantar.people.services import create_token
from tests.alarms.helpers import raise_alarm

CHOOSE_UNIT = "یک گشت انتخاب کنید"


@pytest.fixture
def operator(client, make_user):
    user = make_user("op", "alarm_operator", "HM")
    client.force_login(user)
    return user


def test_stream_with_a_version_that_is_not_a_number(client, operator):
    response = client.get("/alarms/stream/?v=abc", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400
    assert "عدد" in response.content.decode()


@pytest.mark.parametrize("unit", ["abc", "", "1.5", "-1", "99999999999999999999999"])
def test_alarm_dispatch_with_a_unit_that_is_not_one(client, operator, make_subscriber, unit):
    alarm = raise_alarm(make_subscriber("1234"))
    html = client.post(
        f"/alarms/{alarm.pk}/dispatch/", {"unit": unit}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert CHOOSE_UNIT in html
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.NEW and not Incident.objects.exists()


def test_alarm_dispatch_api_with_a_unit_that_is_not_one(client, make_user, make_subscriber):
    alarm = raise_alarm(make_subscriber("1234"))
    _token, raw = create_token(by=None, user=make_user("op", "alarm_operator", "HM"))
    for unit in ("abc", "", 10**30):
        r = client.post(
            f"/api/alarms/{alarm.pk}/dispatch/",
            {"unit": unit},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_ACCEPT_LANGUAGE="fa",
        )
        assert r.status_code == 422 and CHOOSE_UNIT in r.json()["detail"]
    assert Alarm.objects.get().state == Alarm.State.NEW and not Incident.objects.exists()


def test_incident_dispatch_with_a_unit_that_is_not_one(client, make_user, org_tree):
    report = IncidentReport(
        source="call_110", category="assault", lon=48.55, lat=34.85, occurred_at=timezone.now()
    )
    incident = open_incident(by=None, report=report)
    client.force_login(make_user("disp", "dispatcher", "HM"))
    response = client.post(
        f"/incidents/{incident.number}/dispatch/",
        {"unit": "abc", "next": "/incidents/board/"},
        HTTP_ACCEPT_LANGUAGE="fa",
        follow=True,
    )
    assert response.status_code == 200
    assert CHOOSE_UNIT in response.content.decode()
    assert not Dispatch.objects.exists()


# --- the incident follows the alarm's class --------------------------------------------------


def test_every_alarm_class_has_its_own_incident_category():
    for alarm_class in codes.ALARM_CATEGORIES | {codes.UNKNOWN}:
        assert categories.is_known(INCIDENT_CATEGORY[alarm_class]), alarm_class
    assert len({INCIDENT_CATEGORY[c] for c in (codes.FIRE, codes.BURGLARY, codes.MEDICAL)}) == 3


@pytest.mark.parametrize(
    ("code", "name_fa"),
    [
        ("FA", "آتش"),
        ("PA", "اضطرار"),
        ("MA", "پزشکی"),
        ("BA", "سرقت"),
        ("TA", "دستکاری"),
        ("WA", "فنی"),
    ],
)
def test_dispatched_alarm_opens_an_incident_of_its_class(
    make_user, make_subscriber, org_tree, code, name_fa
):
    alarm = raise_alarm(make_subscriber("1234"), code)
    unit = add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="گشت ۱")
    dispatch_alarm(by=make_user("op", "alarm_operator", "HM"), alarm=alarm, unit=unit)
    incident = Incident.objects.get()
    assert incident.category == INCIDENT_CATEGORY[alarm.category]
    assert name_fa in categories.get(incident.category).name_fa
    if code != "BA":
        assert "دزدگیر" not in categories.get(incident.category).name_fa
