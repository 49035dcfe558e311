"""The problems API: scoped by bearer token; the public statistics need no token."""

from __future__ import annotations

from datetime import timedelta

from kalantar.core.jalali import tehran_today
from kalantar.people.services import create_token
from kalantar.problems.models import Referral


def _auth(user) -> dict:
    _token, raw = create_token(by=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_problems_and_referrals_are_scoped_to_the_token(client, referral, chief, other_chief):
    mine = client.get("/api/problems", **_auth(chief)).json()
    assert [p["number"] for p in mine["items"]] == [referral.problem.number]
    assert client.get("/api/problems", **_auth(other_chief)).json()["items"] == []
    detail = client.get(f"/api/referrals/{referral.reference}", **_auth(chief)).json()
    assert detail["status"] == "sent" and detail["agency_name"] == "شهرداری همدان"
    response = client.get(f"/api/referrals/{referral.reference}", **_auth(other_chief))
    assert response.status_code == 404
    assert client.get("/api/referrals").status_code == 401


def test_agencies_of_the_chain_of_command_are_listed(client, municipality, chief, other_chief):
    for user in (chief, other_chief):
        names = [a["name"] for a in client.get("/api/agencies", **_auth(user)).json()]
        assert names == ["شهرداری همدان"]


def test_referral_through_the_api_needs_a_deadline(client, problem, municipality, chief):
    url = f"/api/problems/{problem.number}/referrals"
    body = {"agency": municipality.pk, "subject": "روشنایی", "evidence": "شواهد", "ask": "تعمیر"}
    response = client.post(url, body, content_type="application/json", **_auth(chief))
    assert response.status_code == 422
    # A service's refusal names the field with its Persian messages.
    assert response.json()["detail"] == [
        {"field": "deadline", "messages": ["مهلتی برای پاسخ تعیین کنید."]}
    ]
    assert Referral.objects.count() == 0
    body["deadline"] = (tehran_today() + timedelta(days=5)).isoformat()
    response = client.post(url, body, content_type="application/json", **_auth(chief))
    assert response.status_code == 201 and response.json()["reference"].startswith("R-HM01K01")


def test_public_statistics_need_no_token(client, org_tree):
    response = client.get("/api/transparency/stats", {"unit": "HM", "month": "1404-07"})
    assert response.status_code == 200
    data = response.json()
    assert data["unit"]["code"] == "HM" and data["month"]["code"] == "1404-07"
    assert data["rules"]["fewer_than"] == 5
    bad = client.get("/api/transparency/stats", {"unit": "HM", "month": "1404-13"})
    assert bad.status_code == 400
