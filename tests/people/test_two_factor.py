"""Two-factor login: privileged users enrol on first log-in, then give a code after the
password before any page, the admin and the API included; recovery codes work once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.core.models import AuditEntry
from kalantar.core.persian import to_persian_digits
from kalantar.people import selectors, services
from kalantar.people.demo import demo_code, enrol_demo_users
from kalantar.people.models import User
from kalantar.people.second_factor import group_secret, normalize_code, requires_second_factor
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


# Pure rules ---------------------------------------------------------------------------


def test_who_needs_a_second_factor():
    required = ["sysadmin", "inspector"]
    assert requires_second_factor(
        roles=["inspector"], is_staff=False, is_superuser=False, required_roles=required
    )
    assert not requires_second_factor(
        roles=["desk_officer"], is_staff=False, is_superuser=False, required_roles=required
    )
    # Whoever can open the admin site needs it, whatever the role.
    assert requires_second_factor(
        roles=[], is_staff=True, is_superuser=False, required_roles=required
    )


def test_codes_are_read_as_typed():
    assert normalize_code(" ۱۲۳ ۴۵۶ ") == "123456"
    assert normalize_code("ABCD-EFGH") == "abcdefgh"
    assert group_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"


# Enrolment ----------------------------------------------------------------------------


def test_a_privileged_user_enrols_before_any_other_page(make_user):
    make_user("admin", "sysadmin", "IR")
    client = password_login("admin")
    for path in ("/", "/complaints/", "/admin/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/enrol/"), path
    assert client.get("/api/units").status_code == 401
    page = client.get("/account/enrol/?next=/audit/")
    html = page.content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    assert page.status_code == 200 and "<svg" in main and "<script" not in main
    assert "راه‌اندازی ورود دومرحله‌ای" in html
    # The menus wait until the second factor is given.
    assert 'href="/complaints/"' not in html


def test_enrolment_confirms_with_the_first_code_then_shows_recovery_codes_once(make_user):
    admin = make_user("admin", "sysadmin", "IR")
    client = password_login("admin")
    client.get("/account/enrol/")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # The key shown is the device's, in groups of four.
    assert re.search(
        r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", client.get("/account/enrol/").content.decode()
    )
    wrong = client.post("/account/enrol/", {"code": "000000", "next": "/audit/"})
    assert wrong.status_code == 200 and "کد درست نیست" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    device.throttling_failure_count = 0  # the wrong code's wait is not this test's subject
    device.save()
    response = client.post("/account/enrol/", {"code": code_for(device), "next": "/audit/"})
    assert response.status_code == 302 and response["Location"] == "/account/recovery-codes/"
    page = client.get("/account/recovery-codes/").content.decode()
    codes = re.findall(r'<li class="col py-1">(\w+)</li>', page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
    )
    assert 'href="/audit/"' in page
    # Shown once: the page does not show them again.
    assert client.get("/account/recovery-codes/")["Location"] == "/account/two-factor/"
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(action="people.second_factor.enrol", actor=admin).exists()


def test_who_knows_only_the_password_cannot_enrol_a_new_authenticator(make_user):
    admin = make_user("admin", "sysadmin", "IR")
    original = enrolled(admin)
    client = password_login("admin")
    assert client.get("/account/enrol/")["Location"].startswith("/account/verify/")
    client.post("/account/enrol/", {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=admin)) == [original]
    assert client.get("/")["Location"].startswith("/account/verify/")


# Verification -------------------------------------------------------------------------


def test_the_code_is_asked_after_the_password(make_user):
    county = make_user("county", "county_commander", "HM01")
    device = enrolled(county)
    client = password_login("county")
    response = client.get("/complaints/")
    assert response["Location"] == "/account/verify/?next=%2Fcomplaints%2F"
    page = client.get(response["Location"]).content.decode()
    assert "ورود دومرحله‌ای" in page and "کدهای بازیابی" in page
    wrong = client.post("/account/verify/", {"code": "000000", "next": "/complaints/"})
    assert "کد درست نیست" in wrong.content.decode()
    assert client.get("/complaints/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    # Typed with Persian digits and a space, as people do.
    code = to_persian_digits(code_for(device))
    response = client.post(
        "/account/verify/", {"code": f"{code[:3]} {code[3:]}", "next": "/complaints/"}
    )
    assert response.status_code == 302 and response["Location"] == "/complaints/"
    assert client.get("/complaints/").status_code == 200
    assert client.get("/api/units").status_code == 200
    assert AuditEntry.objects.filter(
        action="people.second_factor.refuse", actor=county, outcome="denied"
    ).exists()


def test_a_wrong_code_makes_the_next_one_wait(make_user):
    county = make_user("county", "county_commander", "HM01")
    device = enrolled(county)
    client = password_login("county")
    client.post("/account/verify/", {"code": "000000"})
    # Right away, even the right code is refused: guessing is slowed down.
    response = client.post("/account/verify/", {"code": code_for(device)})
    assert response.status_code == 200 and "صبر کنید" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_works_only_once(make_user):
    county = make_user("county", "county_commander", "HM01")
    device = enrolled(county)
    code = code_for(device)
    first = password_login("county")
    assert first.post("/account/verify/", {"code": code})["Location"] == "/"
    second = password_login("county")
    assert second.post("/account/verify/", {"code": code}).status_code == 200
    assert second.get("/").status_code == 302


def test_a_recovery_code_works_once(make_user):
    inspector = make_user("inspector", "inspector", "HMINS")
    enrolled(inspector)
    codes = services.regenerate_recovery_codes(by=inspector, user=inspector)
    client = password_login("inspector")
    response = client.post("/account/verify/", {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "کد بازیابی" in response.content.decode()  # how many are left
    assert selectors.recovery_codes_left(inspector) == 9
    again = password_login("inspector")
    assert again.post("/account/verify/", {"code": codes[0]}).status_code == 200
    assert again.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="people.second_factor.recovery_code_use").count() == 1


def test_other_roles_are_not_asked(make_user):
    make_user("desk", "desk_officer", "HM01K01")
    client = password_login("desk")
    assert client.get("/").status_code == 200
    assert client.get("/account/enrol/")["Location"] == "/"


def test_the_roles_are_a_setting(make_user, settings):
    settings.TWO_FACTOR_ROLES = ["analyst"]
    make_user("analyst", "analyst", "HM")
    make_user("county", "county_commander", "HM01")
    assert password_login("analyst").get("/")["Location"].startswith("/account/enrol/")
    assert password_login("county").get("/").status_code == 200


def test_the_admin_site_is_behind_the_second_factor(org_tree):
    User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/account/enrol/")
    assert client.get("/admin/people/user/")["Location"].startswith("/account/enrol/")


def test_tests_client_gives_the_second_factor(client, make_user):
    """The shared `client` fixture stands for a user who has passed both steps."""
    client.force_login(make_user("admin", "sysadmin", "IR"))
    assert client.get("/audit/").status_code == 200


def test_an_administrator_resets_a_lost_phone(client, make_user):
    admin = make_user("admin", "sysadmin", "IR")
    county = make_user("county", "county_commander", "HM01")
    enrolled(county)
    services.regenerate_recovery_codes(by=county, user=county)
    victim_session = password_login("county")
    client.force_login(admin)
    response = client.post(
        "/admin/people/user/",
        {"action": "reset_second_factor", "_selected_action": [county.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county).exists()
    assert selectors.recovery_codes_left(county) == 0
    # The open session ended; the next log-in leads to enrolment.
    assert victim_session.get("/map/")["Location"].startswith("/login/")
    assert password_login("county").get("/")["Location"].startswith("/account/enrol/")
    assert AuditEntry.objects.filter(
        action="people.second_factor.reset", actor=admin, object_id=str(county.pk)
    ).exists()


def test_renewing_recovery_codes_shows_new_ones_once(client, make_user):
    admin = make_user("admin", "sysadmin", "IR")
    client.force_login(admin)
    old = services.regenerate_recovery_codes(by=admin, user=admin)
    assert "۱۰" in client.get("/account/two-factor/").content.decode()
    response = client.post("/account/two-factor/renew/", follow=True)
    new = re.findall(r'<li class="col py-1">(\w+)</li>', response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert selectors.recovery_codes_left(admin) == 10


def test_the_demo_key_logs_the_privileged_demo_users_in(make_user):
    make_user("admin", "sysadmin", "IR")
    make_user("desk", "desk_officer", "HM01K01")
    assert enrol_demo_users() == 1  # the desk officer needs none
    client = password_login("admin")
    assert client.get("/")["Location"].startswith("/account/verify/")
    assert client.post("/account/verify/", {"code": demo_code()})["Location"] == "/"
    assert password_login("desk").get("/").status_code == 200
