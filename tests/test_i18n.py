"""Translations: every Persian catalogue is complete, and Persian pages show no English."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint

SRC = Path(__file__).resolve().parents[1] / "src" / "kalantar"
CATALOGUES = sorted(SRC.glob("locale/fa/LC_MESSAGES/django.po")) + sorted(
    SRC.glob("*/locale/fa/LC_MESSAGES/django.po")
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# Latin words a Persian page may rightly show: the language switch, file formats, acronyms.
ALLOWED_LATIN = {"English", "JPEG", "PNG", "PDF", "CSV", "JSON", "API", "SMS"}
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC).parents[2]))
def test_persian_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    assert po.metadata.get("Language") == "fa"
    problems = []
    for entry in (e for e in po if not e.obsolete):
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(texts):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        for text in texts:
            found = set(PLACEHOLDER.findall(text))
            if found - wanted or (not entry.msgid_plural and found != wanted):
                problems.append(f"placeholders differ: {entry.msgid!r} → {text!r}")
    assert not problems, "\n".join(problems)


def _visible_latin(html: str) -> set[str]:
    """Latin words a reader sees: text and the attributes shown as tooltips or read aloud."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    shown = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    words = set(LATIN_WORD.findall(text + " " + " ".join(shown)))
    return words - ALLOWED_LATIN


STAFF_PAGES = [
    ("home", []),
    ("org:map", []),
    ("org:unit_list", []),
    ("org:unit_detail", ["HM01K01"]),
    ("complaints:queue", []),
    ("complaints:new", []),
    ("complaints:dashboard", []),
    ("evidence:desk", []),
    ("evidence:items", []),
    ("community:volunteers", []),
    ("community:volunteer_new", []),
    ("community:groups", []),
    ("community:hours", []),
    ("community:sessions", []),
    ("community:alerts", []),
    ("community:alert_new", []),
    ("community:reports", []),
]
PUBLIC_PAGES = [
    "login",
    "portal:file",
    "portal:track",
    "portal:help",
    "community:subscribe",
    "community:public_report",
]


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_in_persian_show_no_english(client, make_user, name, args):
    chief = make_user("chief", "station_chief", "HM01K01")
    chief.first_name, chief.last_name = "زهرا", "محمدی"  # else the menu shows the username
    chief.save()
    client.force_login(chief)
    client.cookies["kalantar_language"] = "fa"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert _visible_latin(response.content.decode()) == set()


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_in_persian_show_no_english(client, org_tree, name):
    client.cookies["kalantar_language"] = "fa"
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _visible_latin(response.content.decode()) == set()


def test_map_controls_are_labelled_in_the_page_language(client, make_user):
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    client.cookies["kalantar_language"] = "fa"
    html = client.get(reverse("org:map")).content.decode()
    assert 'data-label-zoom-in="بزرگ\u200cنمایی"' in html
    assert "kalantar/leaflet_i18n.js" in html
    client.cookies["kalantar_language"] = "en"
    assert 'data-label-zoom-in="Zoom in"' in client.get(reverse("org:map")).content.decode()


def test_desk_form_names_categories_and_stations_in_the_page_language(client, make_user):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse("complaints:new")).content.decode()
    assert ">Home burglary</option>" in html and "سرقت از منزل" not in html
    client.cookies["kalantar_language"] = "fa"
    html = client.get(reverse("complaints:new")).content.decode()
    assert ">سرقت از منزل</option>" in html and ">کلانتری ۱۱ همدان</option>" in html


def test_portal_attachment_limits_are_written_in_persian_digits(client, org_tree, settings):
    settings.ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    client.cookies["kalantar_language"] = "fa"
    html = client.get(reverse("portal:file")).content.decode()
    assert "تا ۵ مگابایت" in html
    client.cookies["kalantar_language"] = "en"
    assert "of 5 MB each" in client.get(reverse("portal:file")).content.decode()


PERSIAN_LETTER = re.compile(r"[\u0600-\u06ff]")


def _visible_persian(html: str) -> set[str]:
    """Persian words a reader of an English page sees (the language switch aside)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    shown = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    words = {w for w in (text + " " + " ".join(shown)).split() if PERSIAN_LETTER.search(w)}
    return words - {"فارسی"}


def test_audit_log_names_actions_and_objects_in_the_page_language(client, make_user):
    admin = make_user("admin", "sysadmin", "HM")
    admin.first_name, admin.last_name = "زهرا", "محمدی"
    admin.save()
    file_complaint(
        by=None,
        channel="online",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now(),
            summary="سرقت",
            narrative="درب منزل شکسته شد.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            lon=48.55,
            lat=34.85,
        ),
    )
    client.force_login(admin)
    client.cookies["kalantar_language"] = "fa"
    html = client.get(reverse("core:audit_log")).content.decode()
    assert "ثبت شکایت" in html and "complaints.file<" not in html
    # Only what is Latin by nature: the username and the command that verifies the chain.
    assert _visible_latin(html) == {"admin", "kalantar"}
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse("core:audit_log")).content.decode()
    assert "Complaint filed" in html and "ثبت شکایت" not in html


def test_django_length_messages_have_persian_digits_on_persian_pages(client, make_user):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    client.cookies["kalantar_language"] = "fa"
    html = client.post(reverse("complaints:new"), {"complainant_name": "ع" * 151}).content.decode()
    error = html.split('id="id_complainant_name-error"')[1].split("</div>")[0]
    assert "۱۵۰" in error and "۱۵۱" in error
    assert not re.search(r"[0-9]", error)
    client.cookies["kalantar_language"] = "en"
    html = client.post(reverse("complaints:new"), {"complainant_name": "x" * 151}).content.decode()
    error = html.split('id="id_complainant_name-error"')[1].split("</div>")[0]
    assert "at most 150 characters (it has 151)" in error


ENGLISH_CHECKED_PAGES = [
    ("home", []),
    ("complaints:queue", []),
    ("complaints:dashboard", []),
    ("problems:list", []),
    ("core:audit_log", []),
]


@pytest.mark.parametrize(("name", "args"), ENGLISH_CHECKED_PAGES)
def test_staff_pages_in_english_show_no_persian(client, make_user, name, args):
    admin = make_user("admin", "sysadmin", "HM01K01")
    admin.first_name, admin.last_name = "Zahra", "Mohammadi"
    admin.save()
    client.force_login(admin)
    client.cookies["kalantar_language"] = "en"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    # Unit names are data: the test tree's units have no English names.
    assert _visible_persian(response.content.decode()) - {"کلانتری", "۱۱", "همدان"} == set()


@pytest.mark.parametrize(("name", "args"), [("problems:list", []), ("core:audit_log", [])])
def test_more_staff_pages_in_persian_show_no_english(client, make_user, name, args):
    admin = make_user("admin", "sysadmin", "HM01K01")
    admin.first_name, admin.last_name = "زهرا", "محمدی"
    admin.save()
    client.force_login(admin)
    client.cookies["kalantar_language"] = "fa"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    # The audit log's own reads are listed with the username and the verifying command.
    assert _visible_latin(response.content.decode()) <= {"admin", "kalantar"}


def test_a_word_two_apps_use_differently_reads_as_each_page_means_it():
    """Catalogues share one namespace, and the first app's translation wins: a word that
    means something else on another page carries a context there."""
    with translation.override("fa"):
        assert pgettext("end a dispatch", "Clear") == "پایان مأموریت"
        assert gettext("Clear") == "پاک کردن"
        assert pgettext("deletion", "Approve") == "تأیید حذف"
        assert gettext("Approve") == "تأیید"  # the volunteers' hours ledger
        assert pgettext("a referral", "Evidence") == "شواهد"
        assert gettext("Evidence") == "مدارک تصویری"
        assert pgettext("assessment", "Finding") == "یافته"
        assert gettext("Finding") == "نتیجهٔ رسیدگی"
        assert pgettext("framework", "area") == "محور"


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_catalogue_gives_a_shared_word_the_same_translation(language):
    """Django merges the apps' catalogues and one translation of each (context, msgid)
    wins, so an app whose catalogue says otherwise shows a word it never chose: a
    complaint's status change read "از"/"تا" as dates, a problem's contact "موقعیت"."""
    chosen: dict[tuple[str | None, str], dict[str, list[str]]] = {}
    for path in sorted(SRC.glob(f"**/locale/{language}/LC_MESSAGES/django.po")):
        app = str(path.relative_to(SRC).parents[2])
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                texts = chosen.setdefault((entry.msgctxt, entry.msgid), {})
                texts.setdefault(entry.msgstr, []).append(app)
    disagreements = {key: texts for key, texts in chosen.items() if len(texts) > 1}
    assert not disagreements, "\n".join(f"{key}: {texts}" for key, texts in disagreements.items())


def test_status_changes_and_contact_titles_carry_their_own_words():
    with translation.override("fa"):
        assert pgettext("status change", "from") == "از وضعیت"
        assert gettext("from") == "از"  # a volunteer's duty, a programme period
        assert pgettext("job title", "Position") == "سمت"
        assert gettext("Position") == "موقعیت"  # a recording's GPS track
        assert pgettext("source record", "Record") == "پرونده"
        assert gettext("Record") == "ثبت"
