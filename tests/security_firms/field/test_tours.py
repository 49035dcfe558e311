"""Guard tours: scans from the phone page flagged as a supervisor would want, refused codes
that change nothing, rounds closed with their missed stops, and who sees a site's report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.security_firms import tours
from kalantar.security_firms.field_views import PHONE_COOKIE
from kalantar.security_firms.models import Checkpoint, Guard, TourRound, TourScan
from kalantar.security_firms.tour_rules import TEHRAN
from tests.security_firms.field.conftest import (
    OTHER_GUARD_CODE,
    code_at,
    desk_user,
    last_start,
    make_guard,
    make_site,
    stops,
)

pytestmark = pytest.mark.django_db


def _scan(guard, stop, at, *, east_m: float = 10, **kwargs):
    checkpoint = stop.checkpoint
    return tours.record_scan(
        guard=guard,
        code=kwargs.pop("code", None) or code_at(checkpoint, at),
        lon=checkpoint.lon + east_m * 0.000011,
        lat=checkpoint.lat,
        now=at,
        **kwargs,
    )


def _nothing_stored() -> bool:
    return not TourScan.objects.exists() and not TourRound.objects.exists()


def test_a_round_walked_in_order_and_on_time_has_no_flags(guard, plan):
    start = last_start()
    for stop in stops(plan):
        scan = _scan(guard, stop, start + timedelta(minutes=stop.minutes_after_start + 2))
        assert tours.flags_of(scan) == []
        assert scan.distance_m == 10
    assert AuditEntry.objects.filter(action="security_firms.tour_scanned").count() == 3


def test_a_late_scan_says_by_how_many_minutes(guard, plan):
    first = stops(plan)[0]
    scan = _scan(guard, first, last_start() + timedelta(minutes=17))
    assert scan.minutes_late == 12
    assert tours.scan_messages(scan) == ["با تأخیر: ۱۲ دقیقه پس از زمان مقرر."]


def test_a_checkpoint_scanned_after_a_later_one_is_out_of_order(guard, plan):
    one, _two, three = stops(plan)
    start = last_start()
    _scan(guard, three, start + timedelta(minutes=18))
    scan = _scan(guard, one, start + timedelta(minutes=19))
    assert scan.out_of_order and scan.minutes_late


def test_a_scan_two_kilometres_from_the_checkpoint_is_flagged_too_far(guard, plan):
    scan = _scan(guard, stops(plan)[0], last_start(), east_m=2000)
    assert scan.too_far and 1950 <= scan.distance_m <= 2050
    assert tours.scan_messages(scan)[0].startswith("دور از نقطه: گوشی ۲")


def test_an_expired_code_is_refused_and_stores_nothing(guard, plan):
    first, start = stops(plan)[0], last_start()
    old = code_at(first.checkpoint, start - timedelta(minutes=40))
    with pytest.raises(ValidationError) as error:
        _scan(guard, first, start, code=old)
    assert "منقضی" in str(error.value)
    assert _nothing_stored()


def test_a_code_signed_with_another_key_is_refused_and_stores_nothing(guard, plan):
    first, start = stops(plan)[0], last_start()
    forged = code_at(first.checkpoint, start, key=b"a-key-of-somebody-else")
    with pytest.raises(ValidationError) as error:
        _scan(guard, first, start, code=forged)
    assert "امضای نادرست" in str(error.value)
    assert _nothing_stored()


def test_a_scan_outside_any_round_is_refused(guard, plan):
    first = stops(plan)[0]
    with pytest.raises(ValidationError) as error:
        _scan(guard, first, last_start() + timedelta(hours=1))
    assert "هیچ نوبت گشتی" in str(error.value)
    assert _nothing_stored()


def test_the_same_checkpoint_twice_in_a_round_is_refused(guard, plan):
    first, start = stops(plan)[0], last_start()
    _scan(guard, first, start)
    with pytest.raises(ValidationError):
        _scan(guard, first, start + timedelta(minutes=1))
    assert TourScan.objects.count() == 1


def test_a_guard_of_another_institution_cannot_scan_the_site(plan, other_institution):
    stranger = make_guard(other_institution, OTHER_GUARD_CODE)
    with pytest.raises(ValidationError) as error:
        _scan(stranger, stops(plan)[0], last_start())
    assert "موسسهٔ دیگری" in str(error.value)
    assert _nothing_stored()


def test_a_suspended_guard_cannot_scan(guard, plan):
    guard.status = Guard.Status.SUSPENDED
    guard.save()
    with pytest.raises(ValidationError):
        _scan(guard, stops(plan)[0], last_start())
    assert _nothing_stored()


def test_an_nfc_tag_counts_as_a_scan_of_its_checkpoint(guard, plan):
    first = stops(plan)[0]
    Checkpoint.objects.filter(pk=first.checkpoint_id).update(kind="nfc", nfc_tag="04:A2:19:7F")
    scan = tours.record_scan(guard=guard, nfc_tag="04:A2:19:7F", now=last_start())
    assert scan.method == TourScan.Method.NFC and scan.distance_m is None


def test_an_unknown_nfc_tag_is_refused(guard, plan):
    with pytest.raises(ValidationError):
        tours.record_scan(guard=guard, nfc_tag="FF:FF", now=last_start())
    assert _nothing_stored()


def test_closing_writes_the_missed_stops_and_a_round_nobody_walked(guard, plan):
    one, _two, three = stops(plan)
    start = last_start()
    _scan(guard, one, start)
    _scan(guard, three, start + timedelta(minutes=20))
    closed = tours.close_due_rounds(now=start + timedelta(hours=5))
    walked = TourRound.objects.get(starts_at=start)
    nobody = TourRound.objects.get(starts_at=start + timedelta(hours=4))
    assert closed == 2
    assert walked.missed_orders == [2] and nobody.missed_orders == [1, 2, 3]
    assert tours.close_due_rounds(now=start + timedelta(hours=5)) == 0
    with pytest.raises(ValidationError):
        _scan(guard, _two, start + timedelta(minutes=24))


def _phone_client(client, guard):
    raw = tours.issue_phone(by=None, guard=guard)
    client.get(f"/guards/phone/{raw}/")
    return client


def _under_way(plan, minutes_ago: int) -> None:
    """Make one of the plan's rounds start `minutes_ago` minutes before now."""
    start = timezone.now().astimezone(TEHRAN) - timedelta(minutes=minutes_ago)
    plan.start_times = f"{start:%H:%M}"
    plan.save()


def test_the_phone_page_records_a_scan_and_shows_its_flags(client, guard, plan):
    first = stops(plan)[0]
    _under_way(plan, 16)
    client = _phone_client(client, guard)
    code = tours.current_code(first.checkpoint)
    assert code in client.get(f"/guards/scan/?c={code}").content.decode()
    response = client.post(
        "/guards/scan/", {"code": code, "lon": first.checkpoint.lon, "lat": first.checkpoint.lat}
    )
    assert response.status_code == 200
    assert "دقیقه پس از زمان مقرر" in response.content.decode()
    assert TourScan.objects.get().minutes_late in (10, 11, 12)


def test_the_phone_page_refuses_a_forged_code_in_persian(client, guard, plan):
    first = stops(plan)[0]
    _under_way(plan, 1)
    client = _phone_client(client, guard)
    forged = code_at(first.checkpoint, timezone.now(), key=b"another-key")
    response = client.post("/guards/scan/", {"code": forged})
    assert response.status_code == 400
    assert "امضای نادرست" in response.content.decode()
    assert _nothing_stored()


def test_the_phone_pages_need_the_phones_link(client, guard, plan):
    assert client.get("/guards/phone/").status_code == 403
    client.cookies[PHONE_COOKIE] = "sfp_not-a-real-secret"
    assert client.post("/guards/scan/", {"code": "KT1.1.1.x"}).status_code == 403
    assert _nothing_stored()


def test_a_revoked_guards_phone_link_stops_working(client, guard, plan):
    client = _phone_client(client, guard)
    assert client.get("/guards/phone/").status_code == 200
    Guard.objects.filter(pk=guard.pk).update(status=Guard.Status.REVOKED)
    assert client.get("/guards/phone/").status_code == 403


def test_the_tour_report_is_seen_by_the_sites_station_and_institution_only(
    client, guard, plan, site, chief1, chief2, other_institution, org_tree
):
    start = last_start()
    _scan(guard, stops(plan)[0], start)
    tours.close_due_rounds(now=start + timedelta(hours=5))
    url = f"/guards/sites/{site.pk}/tours/"
    client.force_login(chief1)
    page = client.get(url).content.decode()
    assert "نقطه ۲" in page and "بازدید نشد" in page
    client.force_login(chief2)
    assert client.get(url).status_code == 404
    client.force_login(desk_user("desk-alvand", site.institution))
    assert client.get(url).status_code == 200
    client.force_login(desk_user("desk-amin", other_institution))
    assert client.get(url).status_code == 404
    their_site = make_site(other_institution, org_tree["HM01K01"], 48.52, 34.82, "بانک")
    assert client.get(f"/guards/sites/{their_site.pk}/tours/").status_code == 200


def test_the_checkpoint_screen_shows_the_current_code(client, chief1, plan):
    first = stops(plan)[0].checkpoint
    client.force_login(chief1)
    page = client.get(f"/guards/checkpoints/{first.pk}/screen/").content.decode()
    assert tours.current_code(first) in page and "<svg" in page
    assert 'http-equiv="refresh"' in page


def test_scans_are_rate_limited_per_phone_in_persian(client, guard, plan, settings):
    cache.clear()
    settings.GUARD_SCAN_RATE = "2/h"
    first = stops(plan)[0]
    _under_way(plan, 1)
    client = _phone_client(client, guard)
    forged = code_at(first.checkpoint, timezone.now(), key=b"another-key")
    for _ in range(2):
        assert client.post("/guards/scan/", {"code": forged}).status_code == 400
    good = tours.current_code(first.checkpoint)
    response = client.post("/guards/scan/", {"code": good})
    assert response.status_code == 429
    assert "تعداد اسکن‌های این گوشی بیش از حد است" in response.content.decode()
    assert _nothing_stored()
    # Another guard's phone at the same address is not held back.
    colleague = make_guard(guard.institution, OTHER_GUARD_CODE)
    other = _phone_client(Client(), colleague)
    assert other.post("/guards/scan/", {"code": good}).status_code == 200
