"""The demo's privileged users share one published authenticator key, so the demo stays
easy to try: add DEMO_TOTP_SECRET to any authenticator app, or run `kalantar demo_otp`."""

from __future__ import annotations

from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.people.models import User
from kalantar.people.selectors import needs_second_factor

# Published in the README: demo only, never in production (the command refuses there).
DEMO_TOTP_SECRET = "KALANTARDEMOKEY2FA234567KALANTAR"


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
