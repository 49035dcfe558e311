"""The alarm API: scoped lists, events by account, and the operator's steps by token."""

from __future__ import annotations

from kalantar.alarms.models import Alarm
from kalantar.incidents.services import add_patrol_unit
from kalantar.people.services import create_token
from tests.alarms.conftest import IN_HM02
from tests.alarms.helpers import raise_alarm


def bearer(user) -> dict:
    _token, raw = create_token(by=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_lists_are_scoped_to_the_users_units(client, make_user, make_subscriber):
    raise_alarm(make_subscriber("1234"))
    raise_alarm(make_subscriber("5678", where=IN_HM02))
    operator = bearer(make_user("op", "alarm_operator", "HM"))
    chief = bearer(make_user("chief2", "station_chief", "HM02K01"))
    assert client.get("/api/alarms/", **operator).json()["count"] == 2
    items = client.get("/api/alarms/", **chief).json()["items"]
    assert [i["station"] for i in items] == ["HM02K01"]
    assert client.get("/api/alarms/events/?account=1234", **chief).json()["count"] == 0
    events = client.get("/api/alarms/events/?account=1234", **operator).json()
    assert events["count"] == 1 and events["items"][0]["code"] == "BA"
    assert client.get("/api/alarms/").status_code == 401


def test_acknowledge_dispatch_resolve(client, make_user, make_subscriber, org_tree):
    alarm = raise_alarm(make_subscriber("1234"))
    unit = add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="گشت ۱")
    auth = bearer(make_user("op", "alarm_operator", "HM"))
    r = client.post(f"/api/alarms/{alarm.pk}/acknowledge/", **auth)
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    r = client.post(f"/api/alarms/{alarm.pk}/acknowledge/", **auth)
    assert r.status_code == 422
    r = client.post(
        f"/api/alarms/{alarm.pk}/dispatch/",
        {"unit": unit.pk},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["incident"]
    r = client.post(
        f"/api/alarms/{alarm.pk}/resolve/",
        {"outcome": "nonsense"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/alarms/{alarm.pk}/resolve/",
        {"outcome": "real"},
        content_type="application/json",
        **auth,
    )
    assert r.json()["state"] == "resolved"
    assert Alarm.objects.get().outcome == "real"


def test_other_station_cannot_act(client, make_user, make_subscriber):
    alarm = raise_alarm(make_subscriber("1234"))
    auth = bearer(make_user("chief2", "station_chief", "HM02K01"))
    assert client.post(f"/api/alarms/{alarm.pk}/acknowledge/", **auth).status_code == 404
    assert Alarm.objects.get().state == "new"
