"""The programme's pages read wholly in the page's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.transformation import services
from tests.test_i18n import _visible_latin, _visible_persian

pytestmark = pytest.mark.django_db

PAGES = [
    ("transformation:progress", []),
    ("transformation:unit", ["HM"]),
    ("transformation:station", ["HM01K01"]),
    ("transformation:self", ["HM01K01"]),
    ("transformation:framework", []),
    ("transformation:survey_links", ["HM01K01"]),
    ("transformation:figure", ["receipts_issued", "HM01K01", "1405-08"]),
]
# Data of the test tree (its units have no English names) and the framework's Persian text,
# shown where its English is missing: none here, the draft has both.
TREE = {"کلانتری", "۱۱", "۱۲", "همدان", "ملایر", "استان", "شهرستان", "ناجا", "طرح", "تحول", "۱۴۰۵"}


@pytest.fixture
def admin(make_user, enrolled):
    user = make_user("admin", "sysadmin", "IR")
    user.first_name, user.last_name = "Zahra", "Mohammadi"
    user.save()
    return user


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_in_persian_show_no_english(client, admin, name, args):
    admin.first_name, admin.last_name = "زهرا", "محمدی"
    admin.save()
    client.force_login(admin)
    client.cookies["kalantar_language"] = "fa"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert _visible_latin(response.content.decode()) == set()


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_in_english_show_no_persian(client, admin, name, args):
    client.force_login(admin)
    client.cookies["kalantar_language"] = "en"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert _visible_persian(response.content.decode()) - TREE == set()


def test_public_survey_page_in_persian(client, year, org_tree, chief1):
    token = services.issue_survey_links(by=chief1, station=org_tree["HM01K01"], year=year, count=1)
    client.cookies["kalantar_language"] = "fa"
    response = client.get(reverse("transformation:survey", args=token))
    assert response.status_code == 200
    assert _visible_latin(response.content.decode()) == set()
    assert "مأمور کلانتری" in response.content.decode()


@pytest.fixture
def editor_pages(enrolled, office, inspector):
    """The programme office's framework editor and an inspector's assessment in progress."""
    office.first_name = inspector.first_name = "رضا"
    office.save()
    inspector.save()
    assessment = services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])
    return [
        (office, reverse("transformation:framework")),
        (inspector, reverse("transformation:assessment", args=[assessment.pk])),
    ]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_editor_and_assessment_pages_read_in_the_page_language(client, editor_pages, language):
    for user, url in editor_pages:
        client.force_login(user)
        client.cookies["kalantar_language"] = language
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        if language == "fa":
            assert _visible_latin(html) == set(), url
            assert "ویرایش" in html or "پایان دادن به ارزیابی" in html
        else:
            assert _visible_persian(html) - TREE - {"رضا", "بازرسی"} == set(), url
