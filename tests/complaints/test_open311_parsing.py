"""Open311 parameters as values, without a database or a request."""

from __future__ import annotations

import pytest

from kalantar.complaints.open311.errors import Open311Error
from kalantar.complaints.open311.parsing import Params, location, report, request_filter


def test_ids_override_every_other_filter_even_a_wrong_one():
    wanted = request_filter(Params(query={"service_request_id": "AB12, cd34", "status": "x"}))
    assert wanted.ids == ["ab12", "cd34"] and wanted.open is None


def test_a_status_and_a_window_are_checked():
    assert request_filter(Params(query={"status": "closed"})).open is False
    with pytest.raises(Open311Error) as refused:
        request_filter(Params(query={"start_date": "2025-01-01", "end_date": "2024-12-01"}))
    assert refused.value.status == 400


def test_the_body_wins_over_the_query_and_digits_may_be_persian():
    params = Params(body={"lat": "۳۴.۸", "long": "48.5"}, query={"lat": "1"})
    assert location(params) == (34.8, 48.5)


def test_a_report_keeps_the_national_code_apart_and_the_rest_for_the_station():
    params = Params(
        body={"description": "Loud music\nevery night", "first_name": "Ali", "email": "a@b.c"},
        attributes={"national_code": ["0499370899"], "floor": ["3"]},
    )
    sent = report(params, name_limit=150, address_limit=300)
    assert sent.summary == "Loud music" and sent.national_code == "0499370899"
    assert "floor: 3" in sent.narrative and "a@b.c" in sent.narrative
    assert "0499370899" not in sent.narrative
    assert not sent.is_anonymous(allowed=True)
