"""The jurisdiction import started from a page runs in the background: the page answers
at once, the worker imports, a retried run imports nothing twice, a bad file changes
nothing and is explained in Persian, and only those who may see it find the job."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kalantar.core import jobs
from kalantar.core.models import AuditEntry, Job, Task
from kalantar.org.models import Jurisdiction, Unit
from tests.background import run_background_tasks
from tests.conftest import feature, square

PREPARING = "در حال آماده‌سازی"


def fc(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


OUTPOST = fc(feature("HM02P01", "پاسگاه انتظامی سامن", "HM02", square(49.0, 34.2), "pasgah"))


@pytest.fixture
def admin(make_user):
    return make_user("admin1", "sysadmin", "HM")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _upload(client, text: str | bytes, name: str = "stations.geojson"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/units/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_page_answers_at_once_then_the_worker_imports(admin_client, admin):
    assert "ورود حوزه‌های استحفاظی" in admin_client.get("/units/").content.decode()
    response = _upload(admin_client, OUTPOST)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not Unit.objects.filter(code="HM02P01").exists()
    assert PREPARING in admin_client.get(job.get_absolute_url()).content.decode()

    assert run_background_tasks() == 1
    outpost = Unit.objects.get(code="HM02P01")
    assert outpost.parent.code == "HM02" and outpost.jurisdiction.area_km2 > 100
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "وارد شد: ۱ مورد جدید، ۰ مورد به‌روزرسانی‌شده." in page
    entry = AuditEntry.objects.get(action="org.jurisdictions.import", actor=admin)
    assert entry.detail["codes"] == ["HM02P01"]


def test_a_retried_run_imports_nothing_twice(admin_client, settings, monkeypatch):
    settings.TASK_RETRY_BASE_SECONDS = 0
    finish, crashes = jobs._finish, []

    def crash_once(job, result):
        if not crashes:
            crashes.append(Unit.objects.filter(code="HM02P01").exists())
            raise ConnectionError("worker lost its database")
        finish(job, result)

    monkeypatch.setattr(jobs, "_finish", crash_once)
    _upload(admin_client, OUTPOST)
    run_background_tasks()
    assert crashes == [True]
    # Delivered once more after its commit (the worker died before the queue heard).
    Task.objects.filter(name=jobs.TASK_NAME).update(status=Task.Status.QUEUED)
    run_background_tasks()
    assert Unit.objects.filter(code="HM02P01").count() == 1
    imports = AuditEntry.objects.filter(action="org.jurisdictions.import", actor__isnull=False)
    assert imports.count() == 1
    assert Job.objects.get().status == Job.Status.DONE


def test_bad_features_are_listed_in_persian_and_nothing_is_imported(admin_client):
    bad = fc(
        feature("HM01K03", "کلانتری ۱۳", "HM01", square(48.55, 34.85)),  # overlaps K01
        feature("HM09K01", "الف", "HM09", square(50.5, 30.0)),  # unknown parent
    )
    _upload(admin_client, bad)
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and len(job.errors) == 3  # K01, K02, HM09
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "چیزی تغییر نکرد" in page and "هم‌پوشانی" in page and "«HM09»" in page
    assert not Unit.objects.filter(code__in=["HM01K03", "HM09K01"]).exists()


def test_a_file_that_is_not_json_fails_with_a_persian_message(admin_client):
    _upload(admin_client, "{not json")
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.errors[0].startswith("فایل، JSON معتبری نیست")
    assert Jurisdiction.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("stations.shp", b"{}", "فقط پرونده‌های .geojson، .json"),
        ("stations.geojson", b"%PDF-1.4 not a map", "پروندهٔ متنی نیست"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_at_once(admin_client, name, data, message):
    response = _upload(admin_client, data, name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_too_large_is_refused_at_once(admin_client, monkeypatch):
    monkeypatch.setattr(jobs, "IMPORT_MAX_BYTES", 1024 * 1024)
    response = _upload(admin_client, " " * (1024 * 1024 + 1))
    assert response.status_code == 400 and "بیش از ۱ مگابایت" in response.content.decode()
    assert not Job.objects.exists()


def test_a_county_administrator_imports_only_under_their_county(client, make_user):
    client.force_login(make_user("admin2", "sysadmin", "HM01"))
    _upload(client, OUTPOST)  # an outpost of HM02
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "بیرون از یگان‌های شماست" in job.errors[0]
    assert not Unit.objects.filter(code="HM02P01").exists()


def test_only_those_who_may_see_the_job_find_it(make_user, client):
    starter = make_user("admin1", "sysadmin", "HM01")
    client.force_login(starter)
    _upload(client, fc(feature("HM01K03", "کلانتری ۱۳", "HM01", square(48.3, 34.8))))
    job = Job.objects.get()
    run_background_tasks()
    assert client.get(job.get_absolute_url()).status_code == 200
    for other in (
        make_user("admin2", "sysadmin", "HM02"),  # another county's administrator
        make_user("chief1", "station_chief", "HM01K01"),  # in scope, not permitted
    ):
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(make_user("chief2", "station_chief", "HM01K02"))
    assert client.get("/units/import/").status_code == 403
