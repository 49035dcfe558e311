"""What Open311 publishes: public-space requests under their own id, the street at most, and
nothing about people; declared attributes; a limit per key; bad dates are a 400."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from kalantar.complaints.codes import format_tracking_code, is_valid_tracking_code
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.open311 import keys as open311_keys

from .test_open311 import BASE, json_errors, post, report, xml_errors, xml_of

ALLEY_ADDRESS = "همدان، خیابان بوعلی، کوچه ۱۲، پلاک ۵"


@pytest.fixture(autouse=True)
def _no_counts_left(settings):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(org_tree) -> str:
    return open311_keys.create_key(by=None, name="Hamedan citizen app")[1]


@pytest.fixture
def other_key(org_tree) -> str:
    return open311_keys.create_key(by=None, name="Another app")[1]


def _category(code: str) -> Category:
    return Category.objects.get(code=code)


def _everything_open311_says(client, complaint: Complaint, key: str = "") -> str:
    """Every answer of the read resources that could hold the complaint, in both formats."""
    query = f"?api_key={key}" if key else ""
    texts = []
    for fmt in ("json", "xml"):
        texts.append(client.get(f"{BASE}/requests.{fmt}{query}").content.decode())
        for resource in ("requests", "tokens"):
            url = f"{BASE}/{resource}/{complaint.open311_id}.{fmt}{query}"
            texts.append(client.get(url).content.decode())
    return "\n".join(texts)


# ---------------------------------------------------------------- what is published


def test_only_public_space_categories_are_publishable_after_migrating(db):
    publishable = set(Category.objects.filter(publishable=True).values_list("code", flat=True))
    assert publishable == {"noise", "public-hazard"}


@pytest.mark.parametrize(
    "code", ["harassment", "threat", "assault", "missing-person", "fraud", "home-burglary"]
)
def test_complaints_about_people_never_reach_the_public_list(client, file, code):
    complaint = file(
        category=_category(code), location_text=ALLEY_ADDRESS, summary="شکایت از همسایه"
    )
    hazard = file(category=_category("public-hazard"), location_text=ALLEY_ADDRESS)

    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert listed == [hazard.open311_id]
    json_errors(client.get(f"{BASE}/requests/{complaint.open311_id}.json"), 404)
    json_errors(client.get(f"{BASE}/tokens/{complaint.open311_id}.json"), 404)
    assert complaint.summary not in _everything_open311_says(client, complaint)


def test_a_request_is_never_known_by_its_tracking_code(client, file):
    hazard = file(category=_category("public-hazard"))
    said = _everything_open311_says(client, hazard)
    assert hazard.open311_id in said
    assert hazard.tracking_code not in said
    assert format_tracking_code(hazard.tracking_code) not in said
    # The Open311 id is no tracking code, and the tracking code opens nothing.
    assert not is_valid_tracking_code(hazard.open311_id)
    json_errors(client.get(f"{BASE}/requests/{hazard.tracking_code}.json"), 404)
    query = f"?service_request_id={hazard.tracking_code}"
    assert client.get(f"{BASE}/requests.json{query}").json() == []


def test_open311_ids_are_random_and_unrelated_to_tracking_codes(file):
    complaints = [file(category=_category("noise")) for _ in range(5)]
    ids = {c.open311_id for c in complaints}
    assert len(ids) == 5 and all(len(i) == 16 for i in ids)
    for complaint in complaints:
        assert complaint.tracking_code not in complaint.open311_id


def test_a_published_request_carries_the_street_and_no_number(client, file):
    hazard = file(category=_category("public-hazard"), location_text=ALLEY_ADDRESS)
    [item] = client.get(f"{BASE}/requests.json").json()
    assert item["address"] == "همدان، خیابان بوعلی"
    [xml_item] = xml_of(client.get(f"{BASE}/requests/{hazard.open311_id}.xml")).findall("request")
    assert xml_item.findtext("address") == "همدان، خیابان بوعلی"
    for number in ("۱۲", "12", "۵", "کوچه", "پلاک"):
        assert number not in item["address"]


def test_the_filing_key_alone_reads_its_unpublished_request(client, api_key, other_key):
    response = post(client, "json", report(api_key))
    assert response.status_code == 200, response.content
    [created] = response.json()
    request_id = created["service_request_id"]
    complaint = Complaint.objects.get(open311_id=request_id)
    assert complaint.open311_key.name == "Hamedan citizen app"

    json_errors(client.get(f"{BASE}/requests/{request_id}.json"), 404)
    json_errors(client.get(f"{BASE}/requests/{request_id}.json?api_key={other_key}"), 404)
    xml_errors(client.get(f"{BASE}/requests/{request_id}.xml?api_key=o311_wrong"), 404)
    [item] = client.get(f"{BASE}/requests/{request_id}.json?api_key={api_key}").json()
    assert item["service_request_id"] == request_id and item["service_code"] == "vehicle-theft"
    token = client.get(f"{BASE}/tokens/{request_id}.json?api_key={api_key}").json()
    assert token == [{"service_request_id": request_id, "token": request_id}]
    # Not in the public list, even for the key that filed it.
    listing = client.get(f"{BASE}/requests.json?api_key={api_key}").json()
    assert request_id not in [r["service_request_id"] for r in listing]


def test_conduct_complaints_never_appear_in_open311_even_to_their_key(client, api_key, file):
    response = post(
        client, "json", report(api_key, service_code="officer-conduct", description="برخورد بد")
    )
    assert response.status_code == 200, response.content
    [created] = response.json()
    conduct = Complaint.objects.get(open311_id=created["service_request_id"])
    assert conduct.unit.code == "HMINS" and conduct.tracking_code != created["service_request_id"]
    assert conduct.summary not in _everything_open311_says(client, conduct, key=api_key)
    json_errors(client.get(f"{BASE}/requests/{conduct.open311_id}.json?api_key={api_key}"), 404)

    services = client.get(f"{BASE}/services.json?locale=en").json()
    [conduct_service] = [s for s in services if s["service_code"] == "officer-conduct"]
    assert "never appear in Open311" in conduct_service["description"]

    # A publishable category still stays out when the complaint names an officer.
    named = file(category=_category("noise"), accused_officer="ستوان احمدی")
    json_errors(client.get(f"{BASE}/requests/{named.open311_id}.json"), 404)
    assert client.get(f"{BASE}/requests.json").json() == []


# ---------------------------------------------------------------- attributes


def test_every_service_that_needs_the_national_code_declares_it(client, org_tree):
    services = client.get(f"{BASE}/services.json").json()
    needing = set(
        Category.objects.filter(is_active=True, anonymous_allowed=False).values_list(
            "code", flat=True
        )
    )
    assert needing and {s["service_code"] for s in services if s["metadata"]} == needing
    for code in needing:
        definition = client.get(f"{BASE}/services/{code}.json").json()
        [attribute] = definition["attributes"]
        assert attribute["code"] == "national_code" and attribute["variable"] is True
        assert attribute["datatype"] == "string" and attribute["required"] is True
        assert attribute["order"] == 1
        assert "کد ملی" in attribute["description"]
    english = client.get(f"{BASE}/services/vehicle-theft.json?locale=en").json()
    assert english["attributes"][0]["description"].startswith("The reporter's national code")
    persian = client.get(f"{BASE}/services/vehicle-theft.json").json()
    assert persian["attributes"][0]["description"] != english["attributes"][0]["description"]
    root = xml_of(client.get(f"{BASE}/services/vehicle-theft.xml"))
    [attribute] = root.findall("attributes/attribute")
    assert attribute.findtext("required") == "true" and attribute.findtext("variable") == "true"


def test_a_client_that_follows_the_definition_can_file(client, api_key, org_tree):
    """Ask the service list, read the definition of a service with metadata, send each
    required attribute: the report is accepted."""
    [theft] = [
        s for s in client.get(f"{BASE}/services.json").json() if s["service_code"] == "threat"
    ]
    assert theft["metadata"] is True
    definition = client.get(f"{BASE}/services/threat.json").json()
    data = report(api_key, service_code="threat")
    del data["attribute[national_code]"], data["attribute[plate]"]
    missing = json_errors(post(client, "json", data), 400)
    assert any(e.startswith("attribute[national_code]:") for e in missing)
    for attribute in definition["attributes"]:
        if attribute["required"]:
            data[f"attribute[{attribute['code']}]"] = "0499370899"
    assert post(client, "json", data).status_code == 200


# ---------------------------------------------------------------- limits and errors


def test_filing_is_limited_per_key(client, api_key, other_key, settings):
    settings.OPEN311_FILING_RATE = "3/h"
    for _ in range(3):
        assert post(client, "json", report(api_key)).status_code == 200
    refused = post(client, "json", report(api_key))
    [message] = json_errors(refused, 429)
    assert "api_key" in message and int(refused["Retry-After"]) > 0
    xml_errors(post(client, "xml", report(api_key)), 429)
    assert Complaint.objects.count() == 3
    # Another application is not held back by the first one's flood.
    assert post(client, "json", report(other_key)).status_code == 200


def test_the_default_limit_refuses_a_burst(client, api_key):
    # Even if the burst straddles two of the limit's windows, at most two windows' worth pass.
    answers = [post(client, "json", report(api_key)).status_code for _ in range(25)]
    assert set(answers) == {200, 429} and answers.count(429) >= 5


@pytest.mark.parametrize(
    "query",
    [
        "end_date=0001-01-01",
        "start_date=9999-12-31T23:59:59%2B14:00",
        "start_date=0001-01-01T00:00:00Z",
        "end_date=9999-12-31",
    ],
)
def test_dates_out_of_range_are_a_400_in_the_standards_shape(client, org_tree, query):
    [message] = json_errors(client.get(f"{BASE}/requests.json?{query}"), 400)
    assert "date" in message
    xml_errors(client.get(f"{BASE}/requests.xml?{query}"), 400)


def test_dates_in_range_still_work(client, file):
    hazard = file(category=_category("public-hazard"))
    start = (timezone.now() - timedelta(days=3)).date().isoformat()
    listed = client.get(f"{BASE}/requests.json?start_date={start}").json()
    assert [r["service_request_id"] for r in listed] == [hazard.open311_id]
