"""Hypothesis on the CSV importers (incidents and alarm subscribers): any file is imported or
refused with messages by line, never an exception; the incidents importer's fast column
check accepts exactly what its row-by-row check accepts."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from kalantar.alarms import services as alarm_services
from kalantar.alarms.importing import COLUMNS as SUBSCRIBER_COLUMNS
from kalantar.alarms.importing import read_csv
from kalantar.incidents import importer
from kalantar.incidents.models import Incident
from tests.fuzz.conftest import budget

text = st.text(max_size=12)
offsets = st.sampled_from(["+03:30", "+00:00", "-14:00", "+14:00", "Z", "", "+3:30"])
times = st.one_of(
    st.builds(
        lambda year, month, day, offset: f"{year:04d}-{month:02d}-{day:02d}T08:30:00{offset}",
        st.sampled_from([1, 2, 1899, 1900, 2024, 2025, 9999]),
        st.integers(1, 12),
        st.integers(1, 31),
        offsets,
    ),
    st.sampled_from(["2025-03-02T08:00:00+03:30", "۲۰۲۵-۰۳-۰۲T۰۸:۰۰:۰۰+۰۳:۳۰", "2025-03-02"]),
    text,
)
numbers = st.one_of(
    st.sampled_from(["34.85", "48.55", "۳۴٫۸۵", "3_4.85", "3.485e1", "nan", "-inf", "", "."]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(-200, 200, places=6, allow_nan=False).map(str),
    text,
)
near_k01 = st.tuples(
    st.floats(34.8001, 34.8999).map(lambda v: f"{v:.5f}"),
    st.floats(48.5001, 48.5999).map(lambda v: f"{v:.5f}"),
)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@st.composite
def incident_files(draw) -> str:
    header = ["occurred_at", "category", "lat", "lon"]
    if draw(st.booleans()):
        header += draw(st.permutations(["source", "external_id"]))
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.lists(st.sampled_from([*header, "extra", ""]), max_size=7))
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        lat, lon = draw(st.one_of(near_k01, st.tuples(numbers, numbers)))
        row = {
            "occurred_at": draw(times),
            "category": draw(st.one_of(st.sampled_from(["snatching", "fraud", "SNATCHING"]), text)),
            "lat": lat,
            "lon": lon,
            "source": draw(st.one_of(st.sampled_from(["", "call_110", "import"]), text)),
            "external_id": draw(st.one_of(st.sampled_from(["", "A1", "A2"]), text)),
        }
        record = [row.get(name, "") for name in header]
        if draw(st.integers(0, 9)) == 0:
            record = draw(st.lists(text, max_size=7))
        rows.append(record)
    body = _csv(rows)
    return draw(st.one_of(st.just(body), st.just(body + draw(text)), text))


@pytest.mark.django_db
@budget(150)
@given(body=incident_files())
def test_any_incidents_file_is_imported_or_refused_by_line(org_tree, body):
    with transaction.atomic():
        before = Incident.objects.count()
        try:
            rows = importer.parse(io.StringIO(body))
        except importer.ImportRefused as refused:
            assert refused.errors and refused.total >= len(refused.errors)
            assert Incident.objects.count() == before
        else:
            result = importer.import_rows(rows)
            assert result.created + result.updated == len(rows)
        transaction.set_rollback(True)


VALID_SUBSCRIBER = {
    "name": st.sampled_from(["طلافروشی", "منزل"]),
    "kind": st.sampled_from(["shop", "home", "bank"]),
    "phone": st.sampled_from(["08138200000", ""]),
    "supervision_minutes": st.sampled_from(["60", "0", "۱۵"]),
    "key": st.sampled_from(["", "0123456789abcdef"]),
}
ODD_SUBSCRIBER = {
    "account": st.one_of(st.sampled_from(["12", "G123", "1" * 17]), text),
    "name": st.sampled_from(["ط" * 201, " ", "\x00", "x" * 1000]),
    "kind": text,
    "phone": text,
    "supervision_minutes": st.one_of(st.sampled_from(["6_0", "1e3", "-1", "9" * 30]), numbers),
    "key": text,
}


@st.composite
def subscriber_files(draw) -> str:
    """Rows that are right but for at most one field, so that most reach the import."""
    header = list(SUBSCRIBER_COLUMNS)
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.lists(st.sampled_from([*header, "extra"]), max_size=9))
    rows = [header]
    for number in range(draw(st.integers(0, 4))):
        odd = draw(st.sampled_from([None, "location", *ODD_SUBSCRIBER]))
        row = {name: draw(ODD_SUBSCRIBER[name] if name == odd else valid)
               for name, valid in VALID_SUBSCRIBER.items()}  # fmt: skip
        # Each row its own panel, unless its account is the odd field.
        row["account"] = draw(ODD_SUBSCRIBER["account"]) if odd == "account" else f"A{number:03d}"
        row["lat"], row["lon"] = draw(
            st.tuples(numbers, numbers) if odd == "location" else near_k01
        )
        rows.append([row.get(name, "") for name in header])
    return _csv(rows) if draw(st.integers(0, 9)) else draw(text)


@pytest.mark.django_db
@budget(100)
@given(body=subscriber_files())
def test_any_subscribers_file_is_imported_or_refused_by_line(org_tree, body):
    with transaction.atomic():
        rows, problems = read_csv(io.StringIO(body))
        problems += alarm_services.check_rows(rows)
        if not problems:
            try:
                alarm_services.import_subscribers(by=None, rows=rows)
            except ValidationError as refused:
                assert refused.messages
        transaction.set_rollback(True)
