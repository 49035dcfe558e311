"""The operator console: scoped queue, live stream, and the steps through the web."""

from __future__ import annotations

from kalantar.alarms.models import Alarm, AlarmEvent, Subscriber
from kalantar.incidents.services import add_patrol_unit
from tests.alarms.conftest import IN_HM02
from tests.alarms.helpers import raise_alarm


def login(client, user):
    client.force_login(user)


def test_operator_sees_the_whole_centre_station_staff_only_their_own(
    client, make_user, make_subscriber
):
    a = raise_alarm(make_subscriber("1234", name="طلافروشی همدان"))
    b = raise_alarm(make_subscriber("5678", where=IN_HM02, name="بانک ملایر"))
    login(client, make_user("op", "alarm_operator", "HM"))
    page = client.get("/alarms/").content.decode()
    assert "طلافروشی همدان" in page and "بانک ملایر" in page
    client.logout()
    login(client, make_user("chief1", "station_chief", "HM01K01"))
    page = client.get("/alarms/").content.decode()
    assert "طلافروشی همدان" in page and "بانک ملایر" not in page
    assert client.get(f"/alarms/{b.pk}/").status_code == 404
    assert client.post(f"/alarms/{b.pk}/acknowledge/").status_code == 404
    assert client.get(f"/alarms/{a.pk}/").status_code == 200


def test_queue_sorted_by_priority_then_age(client, make_user, make_subscriber):
    burglary = raise_alarm(make_subscriber("1234", name="اول"), "BA")
    fire = raise_alarm(make_subscriber("1235", name="دوم"), "FA")
    login(client, make_user("op", "alarm_operator", "HM"))
    rows = client.get("/alarms/queue/").content.decode()
    assert rows.index(f'data-id="{fire.pk}"') < rows.index(f'data-id="{burglary.pk}"')


def test_acknowledge_dispatch_resolve_through_the_console(
    client, make_user, make_subscriber, org_tree
):
    alarm = raise_alarm(make_subscriber("1234"))
    unit = add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="گشت ۱۱")
    login(client, make_user("op", "alarm_operator", "HM"))
    html = client.post(f"/alarms/{alarm.pk}/acknowledge/", HTTP_HX_REQUEST="true").content.decode()
    assert "تأییدشده" in html
    client.post(
        f"/alarms/{alarm.pk}/action/",
        {"action": "call_premises", "text": "پاسخ نداد"},
        HTTP_HX_REQUEST="true",
    )
    html = client.post(
        f"/alarms/{alarm.pk}/dispatch/", {"unit": unit.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.DISPATCHED and alarm.incident is not None
    assert "پاسخ نداد" in html
    html = client.post(
        f"/alarms/{alarm.pk}/resolve/",
        {"outcome": "cancelled", "passcode": "9"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "رمز نگهدارندهٔ کلید درست نیست" in html
    client.post(f"/alarms/{alarm.pk}/resolve/", {"outcome": "false_user"}, HTTP_HX_REQUEST="true")
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.RESOLVED and alarm.outcome == "false_user"


def test_desk_officer_may_look_but_not_work(client, make_user, make_subscriber):
    alarm = raise_alarm(make_subscriber("1234"))
    login(client, make_user("desk", "desk_officer", "HM01K01"))
    assert client.get("/alarms/").status_code == 200
    assert client.post(f"/alarms/{alarm.pk}/acknowledge/").status_code == 403
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.NEW


def test_stream_announces_a_new_alarm(client, make_user, make_subscriber):
    sub = make_subscriber("1234")
    login(client, make_user("op", "alarm_operator", "HM"))
    response = client.get("/alarms/stream/?v=0")
    assert response["Content-Type"] == "text/event-stream"
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"retry:")
    raise_alarm(sub)
    first = next(chunks)
    assert first.startswith(b"event: queue")
    response.close()


def test_subscriber_pages_are_scoped(client, make_user, make_subscriber):
    mine = make_subscriber("1234", name="منزل من")
    other = make_subscriber("5678", where=IN_HM02, name="منزل دیگر")
    login(client, make_user("chief1", "station_chief", "HM01K01"))
    assert "منزل من" in client.get("/alarms/subscribers/").content.decode()
    assert "منزل دیگر" not in client.get("/alarms/subscribers/").content.decode()
    assert client.get(f"/alarms/subscribers/{mine.pk}/").status_code == 200
    assert client.get(f"/alarms/subscribers/{other.pk}/").status_code == 404


def test_premises_names_show_persian_digits_on_persian_pages(client, make_user, make_subscriber):
    alarm = raise_alarm(make_subscriber("1234", name="داروخانه ۱۶"))
    login(client, make_user("op", "alarm_operator", "HM"))
    for path in ("/alarms/queue/", f"/alarms/{alarm.pk}/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
        assert "داروخانه ۱۶" in page and "داروخانه 16" not in page
    page = client.get("/alarms/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "داروخانه 16" in page


def test_alarm_pages_speak_persian_digits_and_words(client, make_user, make_subscriber, org_tree):
    sub = make_subscriber("1234", name="داروخانه ۱۶")
    for n in range(4):
        make_subscriber(f"222{n}", name=f"منزل {n}")
    Subscriber.objects.exclude(pk=sub.pk).update(comm_state=Subscriber.Comm.LOST)
    alarm = raise_alarm(sub, "FA")
    AlarmEvent.objects.create(
        subscriber=sub, account="1234", token="NULL", seq="0002", category="heartbeat",
        priority=9, received_at=alarm.opened_at, dedup_key="link-test",
    )  # fmt: skip
    add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="گشت ۱۱-۱")
    login(client, make_user("op", "alarm_operator", "HM"))

    console = client.get("/alarms/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "۴ پنل خاموش" in console and "4 پنل" not in console
    detail = client.get(f"/alarms/{alarm.pk}/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    # The Persian call sign stays whole beside the unit's kind, in either page direction.
    assert "&#x2068;گشت ۱۱-۱&#x2069; — " in detail
    english = client.get(f"/alarms/{alarm.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&#x2068;گشت 11-1&#x2069; — " in english and "<bdi>داروخانه 16</bdi>" in english

    page = client.get(f"/alarms/subscribers/{sub.pk}/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "نوع شکایت" not in page and "نوع هشدار" in page  # the alarm's class, not a complaint
    assert "NULL" not in page and "آزمون ارتباط" in page


def test_the_nearest_available_patrol_of_the_station_is_offered_first(
    client, make_user, make_subscriber, org_tree
):
    alarm = raise_alarm(make_subscriber("1234"))  # premises at 48.55, 34.85
    station = org_tree["HM01K01"]
    far = add_patrol_unit(by=None, station=station, call_sign="11-1", lon=48.59, lat=34.89)
    near = add_patrol_unit(by=None, station=station, call_sign="11-2", lon=48.551, lat=34.851)
    other = add_patrol_unit(by=None, station=org_tree["HM02K01"], call_sign="21-1")
    login(client, make_user("op", "alarm_operator", "HM"))
    html = client.get(f"/alarms/{alarm.pk}/", HTTP_HX_REQUEST="true").content.decode()
    offered = html.split('id="dispatch-unit"', 1)[1].split("</select>", 1)[0]
    assert offered.index(f'value="{near.pk}"') < offered.index(f'value="{far.pk}"')
    assert f'value="{other.pk}"' not in offered
