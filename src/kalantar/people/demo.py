"""The demo's users: one per role, all with the published demo password. The privileged
ones share one published authenticator key, so the demo stays easy to try: add
DEMO_TOTP_SECRET to any authenticator app, or run `kalantar demo_otp`."""

from __future__ import annotations

from base64 import b32decode

from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.org.demo import NATIONAL_CODE
from kalantar.people import services
from kalantar.people.models import User
from kalantar.people.roles import role_label
from kalantar.people.selectors import needs_second_factor

DEMO_PASSWORD = "kalantar-demo"

# (username, role, unit code, first name, last name)
DEMO_USERS = (
    ("admin", "sysadmin", NATIONAL_CODE, "مدیر", "سامانه"),
    ("province", "province_commander", "HM", "علی", "رضایی"),
    ("county", "county_commander", "HM01", "محمد", "کریمی"),
    ("chief", "station_chief", "HM01K01", "حسین", "احمدی"),
    ("desk", "desk_officer", "HM01K01", "زهرا", "محمدی"),
    ("desk2", "desk_officer", "HM02K01", "مریم", "حسینی"),
    ("dispatcher", "dispatcher", "HM01K01", "رضا", "موسوی"),
    ("operator", "alarm_operator", "HM", "فاطمه", "کاظمی"),
    ("inspector", "inspector", "HMINS", "مهدی", "جعفری"),
    ("analyst", "analyst", "HM", "سارا", "نوری"),
    ("registrar", "security_registrar", "HM", "امیر", "قاسمی"),
    ("programme", "programme_office", NATIONAL_CODE, "نرگس", "صادقی"),
)

# Accounts the domain apps' demo loaders add with their records (the 197 line's operator,
# the community liaison officer and a volunteer, a security institution's desk): listed
# with the rest once they exist, by their roles, else by what they are.
APP_DEMO_ACCOUNTS = {
    "line197": "",
    "liaison": "",
    "volunteer": "",
    "institution-desk": _("A security institution's desk"),
}

# Published in the README: demo only, never in production (the command refuses there).
DEMO_TOTP_SECRET = "KALANTARDEMOKEY2FA234567KALANTAR"


def add_demo_users() -> int:
    for username, role, code, first, last in DEMO_USERS:
        user = services.add_user(
            by=None,
            username=username,
            role=role,
            unit_code=code,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            check_password=False,
        )
        if role == "sysadmin":
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return len(DEMO_USERS)


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, unit) of the demo users that exist."""
    users = {u.username: u for u in User.objects.select_related("unit")}
    rows = []
    for username, role, _code, _first, _last in DEMO_USERS:
        user = users.get(username)
        if user is not None:
            rows.append((username, str(role_label(role)), user.unit.name if user.unit else ""))
    for username, what in APP_DEMO_ACCOUNTS.items():
        user = users.get(username)
        if user is not None:
            roles = ", ".join(str(label) for label in user.role_labels()) or str(what)
            rows.append((username, roles, user.unit.name if user.unit else ""))
    return rows


def demo_totp_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def enrol_demo_users() -> int:
    """Give every privileged demo user the published key (no recovery codes: they would be
    used up by the first visitor; each user can issue their own on the two-factor page)."""
    enrolled = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if not needs_second_factor(user) or TOTPDevice.objects.filter(user=user).exists():
            continue
        TOTPDevice.objects.create(
            user=user, name="authenticator", key=demo_totp_hex(), confirmed=True
        )
        enrolled += 1
    return enrolled


def demo_code() -> str:
    """The code an authenticator app holding the demo key shows now."""
    return f"{TOTP(bytes.fromhex(demo_totp_hex())).token():06d}"
