"""Signed, expiring answer links for agencies, which have no account.

Django's signing (HMAC with SECRET_KEY) makes a link that cannot be altered without
being rejected; the referral's nonce inside it lets the station revoke links given out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

SALT = "kalantar.problems.referral-answer"


class LinkError(ValueError):
    """A link that cannot be used; the message is for the person who opened it."""


@dataclass(frozen=True)
class LinkClaim:
    referral_id: int
    nonce: str


def link_days() -> int:
    return settings.REFERRAL_LINK_DAYS


def make_token(referral_id: int, nonce: str) -> str:
    return signing.dumps({"r": referral_id, "n": nonce}, salt=SALT)


def read_token(token: str) -> LinkClaim:
    try:
        data = signing.loads(token, salt=SALT, max_age=link_days() * 86400)
    except signing.SignatureExpired as exc:
        raise LinkError(
            _("This link has expired. Ask the police station that sent the referral for a new one.")
        ) from exc
    except signing.BadSignature as exc:
        raise LinkError(
            _("This link is not valid: it may have been copied incompletely or changed.")
        ) from exc
    try:
        return LinkClaim(int(data["r"]), str(data["n"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError(
            _("This link is not valid: it may have been copied incompletely or changed.")
        ) from exc


def answer_url(referral) -> str:
    """The agency's answer link for a referral, as sent in the e-mail and on the letter."""
    token = make_token(referral.pk, referral.link_nonce)
    return settings.SITE_URL.rstrip("/") + reverse("problems:answer", args=[token])


def status_url(referral) -> str:
    """The public status page, by the referral's random token (never its reference)."""
    return settings.SITE_URL.rstrip("/") + reverse(
        "problems:public_status", args=[referral.public_token]
    )
