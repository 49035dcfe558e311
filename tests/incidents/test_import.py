from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kalantar.incidents.importer import ImportRefused, import_text
from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.incidents.services import verify_counts
from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.portal import rollup
from kalantar.portal.models import ClosedIncidentCount
from tests.conftest import feature, square

HEADER = "occurred_at,category,lat,lon,source,external_id\n"
GOOD = (
    HEADER
    + "2025-03-01T21:00:00+00:00,snatching,34.85,48.55,,A1\n"  # 00:30 on 2 March in Tehran
    + "2025-03-02T08:00:00+03:30,snatching,۳۴.۸۵,۴۸.۵۶,call_110,A2\n"
    + "2025-03-02T09:00:00+03:30,fraud,34.85,48.65,,\n"
)


def test_import_creates_incidents_and_counts(org_tree):
    result = import_text(GOOD)
    assert (result.created, result.updated) == (3, 0)
    a1 = Incident.objects.get(external_id="A1")
    assert a1.station.code == "HM01K01" and a1.day == date(2025, 3, 2)
    assert a1.source == "import" and a1.h3_cell
    assert Incident.objects.get(external_id="A2").source == "call_110"
    assert Incident.objects.get(category="fraud").station.code == "HM01K02"
    assert DailyCount.objects.get(station__code="HM01K01", category="snatching").count == 2
    assert len(set(Incident.objects.values_list("number", flat=True))) == 3


def test_reimport_updates_and_moves_counts(org_tree):
    import_text(GOOD)
    moved = HEADER + "2025-03-05T08:00:00+03:30,assault,34.85,48.65,,A1\n"
    result = import_text(moved)
    assert (result.created, result.updated) == (0, 1)
    assert Incident.objects.count() == 3
    a1 = Incident.objects.get(external_id="A1")
    assert (a1.category, a1.station.code, a1.day) == ("assault", "HM01K02", date(2025, 3, 5))
    assert DailyCount.objects.get(station__code="HM01K01", category="snatching").count == 1
    assert DailyCount.objects.get(category="assault").count == 1


def test_imported_times_survive_the_round_trip(org_tree):
    import_text(GOOD)
    a2 = Incident.objects.get(external_id="A2")
    assert a2.occurred_at.isoformat() == "2025-03-02T04:30:00+00:00"


def test_imported_times_match_times_written_by_the_orm(org_tree):
    import_text(
        HEADER
        + "2025-03-02T08:00:00+03:30,snatching,34.85,48.55,,T1\n"
        + "2025-03-02T08:00:00.250000+03:30,snatching,34.85,48.55,,T2\n"
    )
    # Equality lookups compare stored text on SQLite: the bulk path must write Django's.
    exact = datetime(2025, 3, 2, 4, 30, tzinfo=UTC)
    assert Incident.objects.get(occurred_at=exact).external_id == "T1"
    assert Incident.objects.get(received_at=exact.replace(microsecond=250_000)).external_id == "T2"


def test_reimport_updates_after_the_database_gathered_statistics(org_tree):
    import_text(GOOD)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result = import_text(HEADER + "2025-03-05T08:00:00+03:30,fraud,34.85,48.55,,A2\n")
    assert (result.created, result.updated) == (0, 1)
    assert Incident.objects.filter(external_id="A2").get().category == "fraud"
    assert Incident.objects.count() == 3


BAD_ROWS = [
    ("2025-03-02T08:00:00+03:30,dragon-theft,34.85,48.55,,", "ناشناخته"),
    ("2025-03-02 08:00,snatching,34.85,48.55,,", "ISO"),
    ("2025-03-02T08:00:00+03:30,snatching,abc,48.55,,", "عرض"),
    ("2025-03-02T08:00:00+03:30,snatching,10,10,,", "خارج"),
    ("2025-03-02T08:00:00+03:30,snatching,34.85,48.55,pigeon,", "منبع"),
    ("2025-03-02T08:00:00+03:30,snatching,34.85", "ستون"),
    ("2025-03-02T08:00:00+03:30,snatching,34.85,48.55,,A1", "A1"),
]


@pytest.mark.parametrize(("row", "words"), BAD_ROWS)
def test_one_bad_row_refuses_the_whole_file_naming_its_line(org_tree, row, words):
    text = GOOD + row + "\n"
    with pytest.raises(ImportRefused) as err:
        import_text(text)
    assert err.value.errors[0].startswith("سطر ۵") or "سطر 5" in err.value.errors[0]
    assert words in err.value.errors[0]
    assert Incident.objects.count() == 0 and DailyCount.objects.count() == 0


def test_missing_columns_are_reported(org_tree):
    with pytest.raises(ImportRefused) as err:
        import_text("when,category,lat\n2025-01-01T00:00:00+03:30,fraud,34\n")
    assert "occurred_at" in err.value.errors[0] and "lon" in err.value.errors[0]


def test_command_prints_errors_and_exits_nonzero(org_tree, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "2025-03-02T08:00:00+03:30,dragon-theft,34.85,48.55,,\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_incidents", str(path))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "dragon-theft" in err and "هیچ" in err
    assert Incident.objects.count() == 0


def test_command_imports_with_progress(org_tree, tmp_path, capsys):
    path = tmp_path / "good.csv"
    path.write_text("\ufeff" + GOOD)
    call_command("import_incidents", str(path))
    out, err = capsys.readouterr()
    assert Incident.objects.count() == 3
    assert "۳ رویداد" in out and err  # Persian digits; progress lines go to stderr


def test_verify_counts_command_fixes_only_when_asked(org_tree, capsys):
    import_text(GOOD)
    expected = sorted(DailyCount.objects.values_list("station_id", "category", "day", "count"))
    DailyCount.objects.update(count=99)
    with pytest.raises(CommandError):
        call_command("verify_counts")
    assert set(DailyCount.objects.values_list("count", flat=True)) == {99}
    call_command("verify_counts", "--fix")
    assert sorted(DailyCount.objects.values_list("station_id", "category", "day", "count")) == (
        expected
    )
    call_command("verify_counts")  # nothing left to report


def test_cli_entry_point_exists():
    out = subprocess.run(
        [sys.executable, "-m", "kalantar", "help", "import_incidents"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "external_id" in out.stdout


def _command_sums_from_stations():
    expected = Counter()
    for station_path, category, day, n in DailyCount.objects.values_list(
        "station__path", "category", "day", "count"
    ):
        for code in station_path.strip("/").split("/")[:-1]:
            expected[(code, category, day)] += n
    assert Unit.objects.filter(code="IR").exists()
    return +expected


def test_command_sums_follow_every_change(org_tree):
    import_text(GOOD)
    import_text(HEADER + "2025-03-05T08:00:00+03:30,assault,34.25,48.85,,A1\n")  # to HM02
    stored = +Counter(
        {
            (u, c, d): n
            for u, c, d, n in UnitDailyCount.objects.values_list(
                "unit__code", "category", "day", "count"
            )
        }
    )
    assert stored == _command_sums_from_stations()
    assert stored[("HM02", "assault", date(2025, 3, 5))] == 1
    assert stored[("HM", "snatching", date(2025, 3, 2))] == 1  # A1 moved away from it
    assert not any(verify_counts())
    UnitDailyCount.objects.all().delete()
    verify_counts(fix=True)
    assert UnitDailyCount.objects.count() == len(stored)


def _public_counts():
    return sorted(
        ClosedIncidentCount.objects.values_list("station_id", "month", "category", "cell", "count")
    )


def test_public_counts_follow_imports_without_a_recount(org_tree):
    import_text(GOOD)
    imported = _public_counts()
    assert sum(row[-1] for row in imported) == 3
    rollup.refresh()  # recount from the incidents: nothing changes
    assert _public_counts() == imported
    import_text(HEADER + "2024-11-05T08:00:00+03:30,assault,34.25,48.85,,A1\n")  # moved
    moved = _public_counts()
    rollup.refresh()
    assert _public_counts() == moved
    assert sum(row[-1] for row in moved) == 3


def test_a_file_with_persian_digits_imports_like_one_with_latin_digits(org_tree):
    persian = (
        HEADER
        + "۲۰۲۵-۰۳-۰۲T۰۸:۰۰:۰۰+۰۳:۳۰,snatching,۳۴.۸۵,۴۸.۵۵,,۱۲\n"
        + '2025-03-02T09:00:00+03:30,fraud,34.85,48.65,,"B\n7"\n'  # a field over two lines
    )
    assert import_text(persian).created == 2
    assert Incident.objects.get(external_id="12").day == date(2025, 3, 2)
    assert Incident.objects.get(external_id="B\n7").station.code == "HM01K02"


def test_imported_incidents_carry_their_province_and_change_it_when_moved(org_tree):
    nation = org_tree["IR"]
    tehran = org_services.create_unit(
        by=None, code="TH", name="استان تهران", kind=Unit.Kind.PROVINCE, parent=nation
    )
    org_services.create_unit(
        by=None, code="TH01", name="شهرستان تهران", kind=Unit.Kind.COUNTY, parent=tehran
    )
    org_services.import_jurisdictions(
        by=None,
        data={
            "type": "FeatureCollection",
            "features": [feature("TH01K01", "کلانتری ۱ تهران", "TH01", square(51.3, 35.6))],
        },
    )
    import_text(GOOD)
    assert set(Incident.objects.values_list("province_id", flat=True)) == {org_tree["HM"].pk}

    import_text(HEADER + "2025-03-05T08:00:00+03:30,assault,35.65,51.35,,A1\n")
    moved = Incident.objects.get(external_id="A1")
    assert (moved.station.code, moved.province_id) == ("TH01K01", tehran.pk)
