"""Open311 GeoReport v2: what a citizen's app sees and sends, in JSON and in XML."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kalantar.complaints import workflow
from kalantar.complaints.models import Category, Complaint, Open311Key
from kalantar.complaints.open311 import keys as open311_keys
from kalantar.core.models import AuditEntry

from .conftest import INSIDE_HM02, VALID_NATIONAL_CODE

BASE = "/open311/v2"
NAME = ("علی", "رضایی")
PHONE = "09121234567"
EMAIL = "ali@example.com"


@pytest.fixture
def api_key(org_tree) -> str:
    _key, raw = open311_keys.create_key(by=None, name="Hamedan citizen app")
    return raw


def post(client, fmt: str, data: dict):
    body = urlencode(data, doseq=True)
    return client.post(
        f"{BASE}/requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
    )


def report(api_key: str, **overrides) -> dict:
    """A vehicle-theft report from an identified citizen, inside station HM01K01."""
    return {
        "api_key": api_key,
        "service_code": "vehicle-theft",
        "lat": "34.85123",
        "long": "48.55678",
        "address_string": "همدان، میدان امام، خیابان اکباتان",
        "first_name": NAME[0],
        "last_name": NAME[1],
        "phone": PHONE,
        "email": EMAIL,
        "attribute[national_code]": VALID_NATIONAL_CODE,
        "attribute[plate]": "۱۲ب۳۴۵ ایران ۱۸",
        "description": "پراید سفید از جلوی منزل سرقت شد\nدیشب ساعت ۲ صدای دزدگیر آمد.",
        **overrides,
    }


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    declaration = response.content.split(b"\n", 1)[0]
    assert declaration.startswith(b"<?xml ") and b"utf-8" in declaration.lower()
    return ET.fromstring(response.content)


def json_errors(response, status: int) -> list[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    errors = response.json()
    assert errors and all(e["code"] == status for e in errors)
    return [e["description"] for e in errors]


def xml_errors(response, status: int) -> list[str]:
    assert response.status_code == status, response.content
    root = xml_of(response)
    assert root.tag == "errors"
    assert [e.findtext("code") for e in root.findall("error")] == [str(status)] * len(root)
    return [e.findtext("description") for e in root.findall("error")]


def assert_no_personal_data(text: str) -> None:
    for secret in (NAME[1], VALID_NATIONAL_CODE, PHONE, EMAIL, "دزدگیر", "12ب345"):
        assert secret not in text


# ---------------------------------------------------------------- services


def test_service_list_in_json_is_persian_by_default_and_english_on_request(client, org_tree):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = {s["service_code"]: s for s in response.json()}
    active = set(Category.objects.filter(is_active=True).values_list("code", flat=True))
    assert set(services) == active
    theft = services["vehicle-theft"]
    assert theft["service_name"] == "سرقت خودرو"
    # A theft needs the reporter's national code: declared, so a client knows to ask for it.
    assert theft["metadata"] is True and theft["type"] == "realtime"
    assert "Vehicle theft" in theft["keywords"] and theft["group"] and theft["description"]

    english = client.get(f"{BASE}/services.json?locale=en").json()
    assert {s["service_code"]: s["service_name"] for s in english}["noise"] == "Noise or nuisance"
    by_header = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")
    assert by_header["Content-Language"] == "en"
    assert "Vehicle theft" in {s["service_name"] for s in by_header.json()}


def test_service_list_in_xml(client, org_tree):
    Category.objects.filter(code="other").update(is_active=False)
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert "other" not in services
    noise = services["noise"]
    assert noise.findtext("service_name") == "مزاحمت صوتی و ایجاد مزاحمت"
    assert noise.findtext("metadata") == "false" and noise.findtext("type") == "realtime"
    assert [child.tag for child in noise] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]


def test_an_anonymous_service_has_no_attributes_and_unknown_codes_are_404(client, org_tree):
    assert client.get(f"{BASE}/services/noise.json").json() == {
        "service_code": "noise",
        "attributes": [],
    }
    root = xml_of(client.get(f"{BASE}/services/noise.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "noise"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0

    assert "no-such-thing" in json_errors(client.get(f"{BASE}/services/no-such-thing.json"), 404)[0]
    assert xml_errors(client.get(f"{BASE}/services/no-such-thing.xml"), 404)


def test_jurisdiction_id_is_a_province_code(client, org_tree):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=HM").status_code == 200
    assert client.get(f"{BASE}/services.json?jurisdiction_id=").status_code == 200
    assert "TH" in json_errors(client.get(f"{BASE}/services.json?jurisdiction_id=TH"), 404)[0]
    # A station is not a jurisdiction: only provinces are.
    assert xml_errors(client.get(f"{BASE}/services.xml?jurisdiction_id=HM01K01"), 404)


# ---------------------------------------------------------------- reporting


def test_report_in_json_is_filed_and_reads_back_without_personal_data(client, api_key, org_tree):
    response = post(client, "json", report(api_key))
    assert response.status_code == 200, response.content
    [created] = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None and created["service_notice"]

    complaint = Complaint.objects.get(open311_id=created["service_request_id"])
    assert complaint.channel == Complaint.Channel.OPEN311
    assert complaint.category.code == "vehicle-theft"
    assert complaint.unit.code == "HM01K01"
    assert complaint.summary == "پراید سفید از جلوی منزل سرقت شد"
    # Stored text keeps Latin digits (the one normal form), whatever the app sent.
    assert "دزدگیر" in complaint.narrative and "plate: 12ب345 ایران 18" in complaint.narrative
    assert EMAIL in complaint.narrative and VALID_NATIONAL_CODE not in complaint.narrative
    assert complaint.complainant_name == "علی رضایی" and not complaint.is_anonymous
    assert (complaint.national_code, complaint.mobile) == (VALID_NATIONAL_CODE, PHONE)
    assert complaint.location_text == "همدان، میدان امام، خیابان اکباتان"
    # Filed through the service (its own audit entry) and tied to the application's key.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"complaints.file", "complaints.open311.report"} <= actions
    key = Open311Key.objects.get()
    assert key.last_used_at is not None

    # A theft is not published: only the application that filed it reads it, with its key.
    json_errors(client.get(f"{BASE}/requests/{complaint.open311_id}.json"), 404)
    read = client.get(f"{BASE}/requests/{complaint.open311_id}.json?api_key={api_key}")
    assert read.status_code == 200
    [item] = read.json()
    assert item["service_request_id"] == complaint.open311_id
    assert item["status"] == "open"
    assert item["status_notes"] == str(workflow.CITIZEN_TEXT[workflow.REGISTERED])
    assert (item["service_code"], item["service_name"]) == ("vehicle-theft", "سرقت خودرو")
    assert item["description"] == complaint.summary
    assert item["agency_responsible"] == org_tree["HM01K01"].name
    assert item["service_notice"] == created["service_notice"]
    assert item["address"] == complaint.location_text
    assert (item["lat"], item["long"]) == (34.851, 48.557)  # rounded to about 100 m
    assert item["requested_datetime"].endswith("+03:30")
    assert item["updated_datetime"] == item["requested_datetime"]
    expected = timezone.localtime(complaint.closure_due).isoformat(timespec="seconds")
    assert item["expected_datetime"] == expected
    assert "media_url" not in item
    assert_no_personal_data(read.content.decode())


def test_report_in_xml_reads_back_in_xml(client, api_key, org_tree):
    data = report(api_key, service_code="noise", description="صدای بلند موسیقی هر شب تا ۳ صبح")
    for field in ("first_name", "last_name", "phone", "email", "attribute[national_code]"):
        del data[field]
    response = post(client, "xml", data)
    assert response.status_code == 200, response.content
    root = xml_of(response)
    assert root.tag == "service_requests"
    [created] = root.findall("request")
    code = created.findtext("service_request_id")
    assert created.find("account_id") is not None and created.findtext("account_id") == ""
    assert Complaint.objects.get(open311_id=code).is_anonymous  # noise may be anonymous

    read = client.get(f"{BASE}/requests/{code}.xml?locale=en")
    [item] = xml_of(read).findall("request")
    assert item.findtext("service_request_id") == code
    assert item.findtext("status") == "open"
    assert item.findtext("service_name") == "Noise or nuisance"
    assert item.findtext("description") == "صدای بلند موسیقی هر شب تا 3 صبح"
    assert (item.findtext("lat"), item.findtext("long")) == ("34.851", "48.557")
    assert item.findtext("requested_datetime").endswith("+03:30")
    assert item.find("media_url") is None
    assert_no_personal_data(read.content.decode())


def test_reporting_needs_a_valid_active_key(client, api_key, org_tree):
    without = report(api_key)
    del without["api_key"]
    assert "api_key" in json_errors(post(client, "json", without), 403)[0]
    assert xml_errors(post(client, "xml", report("o311_not-a-real-key")), 403)
    Open311Key.objects.update(is_active=False)
    json_errors(post(client, "json", report(api_key)), 403)
    assert not Complaint.objects.exists()


def test_service_code_missing_is_400_and_unknown_is_404(client, api_key, org_tree):
    missing = report(api_key)
    del missing["service_code"]
    assert "service_code" in json_errors(post(client, "json", missing), 400)[0]
    assert xml_errors(post(client, "xml", report(api_key, service_code="graffiti")), 404)
    assert not Complaint.objects.exists()


def test_a_place_outside_every_jurisdiction_is_400_and_stores_nothing(client, api_key, org_tree):
    [error] = json_errors(post(client, "json", report(api_key, lat="35.5", long="51.4")), 400)
    assert error.startswith("lat, long:")
    assert not Complaint.objects.exists()
    filings = ("complaints.file", "complaints.open311.report")
    assert not AuditEntry.objects.filter(action__in=filings).exists()


def test_an_address_alone_cannot_be_routed(client, api_key, org_tree):
    data = report(api_key)
    del data["lat"], data["long"]
    [error] = xml_errors(post(client, "xml", data), 400)
    assert "lat" in error and "long" in error
    assert not Complaint.objects.exists()


def test_identity_is_required_where_anonymity_is_not_allowed(client, api_key, org_tree):
    data = report(api_key)
    for field in ("first_name", "last_name", "attribute[national_code]"):
        del data[field]
    errors = json_errors(post(client, "json", data), 400)
    assert any(e.startswith("first_name, last_name:") for e in errors)
    assert any(e.startswith("attribute[national_code]:") for e in errors)
    bad_code = json_errors(
        post(client, "json", report(api_key, **{"attribute[national_code]": "1234567890"})), 400
    )
    assert bad_code[0].startswith("attribute[national_code]:")
    assert not Complaint.objects.exists()


def test_reporting_respects_the_jurisdiction_id(client, api_key, org_tree):
    inside = post(client, "json", report(api_key, jurisdiction_id="HM"))
    assert inside.status_code == 200, inside.content
    json_errors(post(client, "json", report(api_key, jurisdiction_id="TH")), 404)
    assert Complaint.objects.count() == 1


def test_csrf_does_not_block_reports(api_key, org_tree):
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "json", report(api_key)).status_code == 200


# ---------------------------------------------------------------- reading


@pytest.fixture
def filed(file, org_tree):
    """Public-space reports of two kinds, several statuses and ages (days ago → Open311 id),
    among complaints that are never published."""
    now = timezone.now()
    noise = Category.objects.get(code="noise")
    hazard = Category.objects.get(code="public-hazard")

    def at(days: int, **overrides) -> str:
        moment = now - timedelta(days=days)
        complaint = file(
            now=moment, incident_at=moment - timedelta(hours=1), **{"category": hazard, **overrides}
        )
        return complaint.open311_id

    codes = {
        "fresh": at(1),
        "noise": at(5, category=noise, **INSIDE_HM02),
        "closed": at(10),
        "month_ago": at(40),
        "old": at(100),
    }
    at(2, category=Category.objects.get(code="home-burglary"))  # about people: never listed
    Complaint.objects.filter(open311_id=codes["closed"]).update(status=workflow.RESOLVED)
    return codes


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{BASE}/requests.json{query}")
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_requests_default_to_the_last_90_days_newest_first(client, filed):
    codes = listed(client)
    assert codes == [filed[k] for k in ("fresh", "noise", "closed", "month_ago")]
    root = xml_of(client.get(f"{BASE}/requests.xml"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == codes
    assert_no_personal_data(client.get(f"{BASE}/requests.json").content.decode())


def test_requests_filter_by_status_and_service_code(client, filed):
    assert filed["closed"] not in listed(client, "?status=open")
    assert listed(client, "?status=closed") == [filed["closed"]]
    assert len(listed(client, "?status=open,closed")) == 4
    closed = client.get(f"{BASE}/requests.json?status=closed").json()[0]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == str(workflow.CITIZEN_TEXT[workflow.RESOLVED])
    assert listed(client, "?service_code=noise") == [filed["noise"]]
    assert len(listed(client, "?service_code=noise,public-hazard")) == 4
    assert listed(client, "?service_code=home-burglary") == []
    assert "status" in json_errors(client.get(f"{BASE}/requests.json?status=pending"), 400)[0]


def test_requests_filter_by_date_range(client, filed):
    now = timezone.now()
    start = (now - timedelta(days=45)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=7)).isoformat(timespec="seconds")
    query = "?" + urlencode({"start_date": start, "end_date": end})
    assert listed(client, query) == [filed["closed"], filed["month_ago"]]
    # Only a start: 90 days from it. The old complaint is found this way.
    start_old = (now - timedelta(days=120)).date().isoformat()
    assert listed(client, f"?start_date={start_old}") == [filed["month_ago"], filed["old"]]
    # An unescaped "+" in the offset arrives as a space and is still understood.
    end_plus = timezone.localtime(now - timedelta(days=7)).isoformat(timespec="seconds")
    assert listed(client, f"?start_date={start}&end_date={end_plus}") == listed(client, query)

    too_long = "?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z"
    [span_error] = json_errors(client.get(f"{BASE}/requests.json{too_long}"), 400)
    assert "90" in span_error or "۹۰" in span_error
    xml_errors(client.get(f"{BASE}/requests.xml?start_date=yesterday"), 400)
    reversed_range = "?start_date=2025-02-01&end_date=2025-01-01"
    json_errors(client.get(f"{BASE}/requests.json{reversed_range}"), 400)


def test_request_ids_override_the_other_filters(client, filed):
    ids = f"{filed['old']},{filed['noise']}"
    assert set(listed(client, f"?service_request_id={ids}&status=closed")) == {
        filed["old"],
        filed["noise"],
    }


def test_requests_of_one_province_only(client, filed):
    assert len(listed(client, "?jurisdiction_id=HM")) == 4
    json_errors(client.get(f"{BASE}/requests.json?jurisdiction_id=TH"), 404)


def test_one_request_and_unknown_ids(client, filed):
    code = filed["old"]  # a single request is found whatever its age
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests/{code}.json").json()] == [
        code
    ]
    assert "1234567890" in json_errors(client.get(f"{BASE}/requests/1234567890.json"), 404)[0]
    xml_errors(client.get(f"{BASE}/requests/nonsense.xml"), 404)


def test_tokens_map_to_the_request_id(client, filed):
    code = filed["fresh"]
    assert client.get(f"{BASE}/tokens/{code}.json").json() == [
        {"service_request_id": code, "token": code}
    ]
    [item] = xml_of(client.get(f"{BASE}/tokens/{code}.xml")).findall("request")
    assert (item.findtext("service_request_id"), item.findtext("token")) == (code, code)
    json_errors(client.get(f"{BASE}/tokens/1234567890.json"), 404)


def test_other_addresses_and_methods_answer_in_the_standard_shape(client, org_tree):
    xml_errors(client.get(f"{BASE}/nothing-here.xml"), 404)
    json_errors(client.get(f"{BASE}/services.html"), 404)
    refused = client.delete(f"{BASE}/services.json")
    assert refused["Allow"] == "GET"
    json_errors(refused, 405)


def test_discovery_points_at_this_endpoint(client, org_tree, settings):
    settings.SITE_URL = "https://kalantar.example"
    [endpoint] = client.get(f"{BASE}/discovery.json").json()["endpoints"]
    assert endpoint["url"] == "https://kalantar.example/open311/v2"
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


# ---------------------------------------------------------------- keys


def test_create_open311_key_prints_the_key_once_and_stores_its_digest(org_tree):
    out = io.StringIO()
    call_command("create_open311_key", "--name", "Hamedan citizen app", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("o311_")
    key = Open311Key.objects.get()
    assert key.name == "Hamedan citizen app" and raw.startswith(key.prefix)
    assert raw not in (key.digest, key.prefix)
    assert open311_keys.key_for(raw) == key
    assert open311_keys.key_for(raw + "x") is None and open311_keys.key_for("") is None
    assert AuditEntry.objects.filter(action="complaints.open311_key.create").exists()


def test_an_administrator_issues_a_key_in_the_admin_and_revokes_it(make_user, client):
    """The admin shows the new key once; only its prefix is listed; a revoked key is refused."""
    client.force_login(make_user("admin", "sysadmin", "IR"))
    response = client.post("/admin/complaints/open311key/add/", {"name": "  برنامهٔ شهروند  "})
    assert response.status_code == 200
    html = response.content.decode()
    raw = html.split('id="open311-key"')[1].split(">", 1)[1].split("<", 1)[0]
    key = Open311Key.objects.get()
    assert key.name == "برنامهٔ شهروند" and raw.startswith(key.prefix)
    assert "no-cache" in response["Cache-Control"]
    assert post(Client(), "json", report(raw)).status_code == 200
    listing = client.get("/admin/complaints/open311key/").content.decode()
    assert key.prefix in listing and raw not in listing
    assert raw not in client.get(f"/admin/complaints/open311key/{key.pk}/change/").content.decode()

    client.post(
        "/admin/complaints/open311key/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert post(Client(), "json", report(raw)).status_code == 403
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert {"complaints.open311_key.create", "complaints.open311_key.revoke"} <= set(actions)


def test_a_revoked_key_is_restored_from_its_page_and_a_blank_name_is_refused(make_user, client):
    key, raw = open311_keys.create_key(by=None, name="Hamedan citizen app")
    open311_keys.set_active(key, by=None, active=False)
    client.force_login(make_user("admin", "sysadmin", "IR"))
    page = f"/admin/complaints/open311key/{key.pk}/change/"
    response = client.post(page, {"name": "Hamedan citizen app", "is_active": "on"})
    assert response.status_code == 302
    assert post(Client(), "json", report(raw)).status_code == 200
    assert AuditEntry.objects.filter(action="complaints.open311_key.reactivate").exists()
    refused = client.post("/admin/complaints/open311key/add/", {"name": "\u200c "})
    assert refused.status_code == 200 and Open311Key.objects.count() == 1
    assert client.get("/admin/complaints/open311key/add/").status_code == 200


def test_the_keys_admin_is_persian_and_only_for_administrators(make_user, client):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    assert client.get("/admin/complaints/open311key/add/").status_code in (302, 403)
    client.force_login(make_user("admin", "sysadmin", "IR"))
    html = client.post("/admin/complaints/open311key/add/", {"name": "app"}).content.decode()
    assert "دوباره نشان داده نمی‌شود" in html
