"""The SMS gateway's way in: an incoming 197 text, with the gateway's bearer token."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kalantar.core.api import responses
from kalantar.feedback import services
from kalantar.feedback.models import FeedbackMessage
from kalantar.org.selectors import unit_by_code

router = Router(tags=["feedback"])


class SmsIn(Schema):
    sender: str  # the caller's number, as the gateway gives it
    text: str
    station: str = ""  # a station code, when the short code is a station's
    lat: float | None = None
    lon: float | None = None


class MessageOut(Schema):
    number: str
    received_at: datetime
    station: str
    suggested_class: str
    suggested_topic: str

    @staticmethod
    def resolve_number(m: FeedbackMessage) -> str:
        return str(m)

    @staticmethod
    def resolve_station(m: FeedbackMessage) -> str:
        return m.unit.code


@router.post(
    "/feedback/sms",
    response=responses(MessageOut, 400, 403, status=201),
    summary="An SMS to the 197 line",
)
def incoming_sms(request: HttpRequest, payload: SmsIn):
    if not request.auth.has_perm("feedback.add_feedbackmessage"):
        raise HttpError(403, _("You may not record 197 messages."))
    unit = None
    if payload.station:
        unit = unit_by_code(payload.station)
        if unit is None:
            raise HttpError(422, _("Unknown station."))
    intake = services.Intake(
        text=payload.text,
        channel=FeedbackMessage.Channel.SMS,
        unit=unit,
        lat=payload.lat,
        lon=payload.lon,
        caller_mobile=payload.sender,
    )
    return Status(201, services.record_message(by=request.auth, intake=intake))
