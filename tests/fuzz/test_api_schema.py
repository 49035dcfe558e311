"""Schemathesis against /api/openapi.json, in-process: no 500 and every answer as documented.

Two credentials: the bearer token of one station's chief (scoped to HM01K01, with data to
reach past the 404s) and an Open311 key, which the staff API does not accept. Each operation
gets valid inputs and invalid ones (out-of-range pages, wrong types, missing fields).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kalantar.api import api
from kalantar.complaints import services as complaint_services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.open311 import keys as open311_keys
from kalantar.people.services import create_token
from tests.fuzz.conftest import budget

load_all_checks()
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)
# Per operation and credential; 25 operations × (16 + 3) ≈ 500 requests per database.
EXAMPLES = {"staff": 16, "open311": 3}
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
)


@pytest.fixture
def credentials(make_user) -> dict[str, str]:
    chief = make_user("fuzzchief", "station_chief", "HM01K01")
    _token, staff = create_token(by=None, user=chief)
    _key, open311 = open311_keys.create_key(by=None, name="fuzz")
    complaint_services.file_complaint(
        by=None,
        channel="online",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now() - timedelta(hours=3),
            summary="سرقت از منزل",
            narrative="دیشب درب منزل را شکسته و طلاها را برده‌اند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            mobile="09121234567",
            lon=48.55,
            lat=34.85,
        ),
    )
    return {"staff": staff, "open311": open311}


@pytest.fixture
def api_schema(credentials):
    # As Django's test client does: the test's transaction must outlive each request, which
    # would otherwise close the connection when it finishes (on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(cases, token: str, examples: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=cases)
    @budget(examples)
    def call(case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    call()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_answers_are_documented_and_never_500(api_schema, credentials, method, path):
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    # Both credentials in one test: the data is set up once per operation.
    for who, examples in EXAMPLES.items():
        _fuzz(cases, credentials[who], examples)
