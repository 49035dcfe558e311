"""Open311 as a published client library sees it: georeport, a GeoReport v2 client, against
the live site. It reads services, definitions and requests; filing it does not support, so
the report goes in as the standard's form POST."""

from __future__ import annotations

import pytest
import requests
from django.core.cache import cache
from georeport import GeoReport

from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.open311 import keys as open311_keys

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_cache():
    """Nothing an earlier test left in the cache counts here (the filing limits live there)."""
    cache.clear()


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_published_client_reads_what_the_standard_promises(
    live_server, org_tree, empty_cache, output_format
):
    base = f"{live_server.url}/open311/v2"
    _key, raw = open311_keys.create_key(by=None, name="georeport")
    client = GeoReport(base, jurisdiction="HM", api_key=raw, output_format=output_format)

    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert set(by_code) == set(
        Category.objects.filter(is_active=True).values_list("code", flat=True)
    )
    theft = by_code["vehicle-theft"]
    assert theft["metadata"] in (True, "true")
    definition = client.get_service_definition("vehicle-theft")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = [attributes["attribute"]]
    [national_code] = attributes
    assert national_code["code"] == "national_code"
    assert national_code["required"] in (True, "true")

    # File as the standard says (georeport cannot): the required attribute, then the rest.
    filed = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": raw,
            "jurisdiction_id": "HM",
            "service_code": "noise",
            "lat": "34.85123",
            "long": "48.55678",
            "address_string": "همدان، خیابان بوعلی، کوچه ۱۲، پلاک ۵",
            "description": "صدای بلند کارگاه تا نیمه‌شب",
        },
        timeout=30,
    )
    assert filed.status_code == 200, filed.text
    [created] = filed.json()
    request_id = created["service_request_id"]
    complaint = Complaint.objects.get(open311_id=request_id)

    listed = client.get_service_requests(status="open", service_code="noise")
    if output_format == "xml":
        listed = [listed] if isinstance(listed, dict) else listed
    assert [r["service_request_id"] for r in listed] == [request_id]
    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id
    assert one["address"] == "همدان، خیابان بوعلی"
    assert complaint.tracking_code not in str(listed) + str(one)

    # A request about a person is not published: the client is told 404.
    theft_report = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": raw,
            "service_code": "vehicle-theft",
            "lat": "34.85",
            "long": "48.55",
            "first_name": "علی",
            "last_name": "رضایی",
            "attribute[national_code]": "0499370899",
            "description": "سرقت پراید سفید از جلوی منزل",
        },
        timeout=30,
    )
    assert theft_report.status_code == 200, theft_report.text
    hidden = theft_report.json()[0]["service_request_id"]
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_request(hidden)
    assert refused.value.response.status_code == 404
    assert hidden not in str(client.get_service_requests())
