from __future__ import annotations

from kalantar.complaints.models import Complaint
from kalantar.people.services import create_token

from .conftest import INSIDE_K01, INSIDE_K02, VALID_NATIONAL_CODE


def _auth(user) -> dict:
    _token, raw = create_token(by=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _payload(**overrides) -> dict:
    return {
        "category": "home-burglary",
        "incident_at": "2025-03-20T10:00:00+03:30",
        "summary": "سرقت",
        "narrative": "درب منزل شکسته و وسایل برده شده است.",
        "complainant_name": "علی رضایی",
        "national_code": VALID_NATIONAL_CODE,
        **INSIDE_K01,
        **overrides,
    }


def test_create_list_and_change_status_through_the_api(client, make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    headers = _auth(desk)
    created = client.post("/api/complaints", _payload(), content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    listed = client.get("/api/complaints", **headers).json()
    assert [c["tracking_code"] for c in listed["items"]] == [code]
    moved = client.post(
        f"/api/complaints/{code}/status",
        {"status": "rejected", "reason": "تکراری"},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 200 and moved.json()["status"] == "rejected"
    wrong = client.post(
        f"/api/complaints/{code}/status",
        {"status": "investigating"},
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 422


def test_api_rejects_bad_input_and_respects_scope(client, make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    headers = _auth(desk)
    bad = client.post(
        "/api/complaints",
        _payload(national_code="1234567890"),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and Complaint.objects.count() == 0
    other = make_user("desk2", "desk_officer", "HM01K02")
    theirs = client.post(
        "/api/complaints", _payload(**INSIDE_K02), content_type="application/json", **_auth(other)
    )
    code = theirs.json()["tracking_code"]
    assert client.get(f"/api/complaints/{code}", **headers).status_code == 404
    analyst = make_user("analyst", "analyst", "HM")
    assert (
        client.post(
            "/api/complaints", _payload(), content_type="application/json", **_auth(analyst)
        ).status_code
        == 403
    )


def test_the_channel_follows_the_credential(client, make_user):
    """A desk officer's token files desk complaints; claiming another channel is refused."""
    headers = _auth(make_user("desk", "desk_officer", "HM01K01"))
    for channel in ("online", "open311", "phone110", "line197"):
        refused = client.post(
            "/api/complaints", _payload(channel=channel), content_type="application/json", **headers
        )
        assert refused.status_code == 422, channel
        assert "channel" in refused.json()["detail"] or "کانال" in refused.json()["detail"]
    assert Complaint.objects.count() == 0
    for payload in (_payload(), _payload(channel="desk")):
        created = client.post(
            "/api/complaints", payload, content_type="application/json", **headers
        )
        assert created.status_code == 201 and created.json()["channel"] == "desk"
    assert set(Complaint.objects.values_list("channel", flat=True)) == {"desk"}
