"""Every write of the 197 line: record, classify, route, close, call back; surveys.

Each function is one transaction with its audit entry.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import services as complaint_services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.core import audit
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.scoping import can_see_unit
from kalantar.core.site import site_url
from kalantar.core.sms import queue_sms
from kalantar.core.validators import is_valid_national_code, normalize_mobile
from kalantar.feedback import classifier, perception
from kalantar.feedback.models import (
    DEFAULT_QUESTIONS,
    FeedbackMessage,
    MessageClass,
    NeighbourhoodAnswer,
    NeighbourhoodSurvey,
    SurveyAnswer,
    SurveyLink,
    Topic,
)
from kalantar.feedback.signals import conduct_reported
from kalantar.org.geo_cache import locate_unit
from kalantar.people.models import Commendation
from kalantar.people.services import record_commendation

if TYPE_CHECKING:
    from kalantar.org.models import Unit
    from kalantar.people.models import User

MAX_TEXT = 4000
NEGATIVE = (MessageClass.COMPLAINT, MessageClass.CRITICISM)

# --- The classifier's model file --------------------------------------------------------------

_model_lock = threading.Lock()
_model: dict[str, object] = {}


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "feedback" / "classifier.joblib"


def current_model() -> classifier.FeedbackClassifier:
    """The trained model; the shipped dataset trains one at first use when none is stored."""
    path = model_path()
    with _model_lock:
        stamp = path.stat().st_mtime if path.exists() else None
        if _model.get("stamp") != stamp or "model" not in _model:
            if stamp is None:
                model = classifier.FeedbackClassifier.train(classifier.load_dataset())
                model.save(path)
                stamp = path.stat().st_mtime
            else:
                model = classifier.FeedbackClassifier.load(path)
            _model.update(model=model, stamp=stamp)
        return _model["model"]  # type: ignore[return-value]


def operator_examples() -> list[classifier.Example]:
    """The operators' confirmed labels, corrections included, as training examples."""
    rows = FeedbackMessage.objects.exclude(confirmed_at=None).values_list(
        "text", "msg_class", "topic"
    )
    return [classifier.Example(text, c, t, "operator") for text, c, t in rows]


def train_classifier(*, by: User | None = None) -> tuple[int, int]:
    """Retrain from the shipped dataset and the operators' labels; (dataset, operator) sizes."""
    shipped, confirmed = classifier.load_dataset(), operator_examples()
    model = classifier.FeedbackClassifier.train(shipped + confirmed)
    model.save(model_path())
    with transaction.atomic():
        audit.record(
            "feedback.classifier_trained",
            actor=by,
            detail={"dataset": len(shipped), "operator": len(confirmed)},
        )
    return len(shipped), len(confirmed)


# --- Intake ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """A message as typed at the desk, on the public form or by the SMS gateway."""

    text: str
    channel: str
    unit: Unit | None = None
    lat: float | None = None
    lon: float | None = None
    officer: User | None = None
    caller_name: str = ""
    caller_mobile: str = ""
    caller_national_code: str = ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _clean_caller(errors, intake: Intake) -> tuple[str, str, str]:
    mobile = ""
    if intake.caller_mobile.strip():
        try:
            mobile = normalize_mobile(intake.caller_mobile)
        except ValueError:
            _add(errors, "caller_mobile", _("Enter a valid mobile number, such as 09121234567."))
    code = to_latin_digits(intake.caller_national_code).strip()
    if code and not is_valid_national_code(code):
        _add(errors, "caller_national_code", _("Enter a valid national code."))
    return normalize_text(intake.caller_name)[:150], mobile, code


def _clean_unit(errors, intake: Intake) -> Unit | None:
    unit = intake.unit
    if unit is None and intake.lat is not None and intake.lon is not None:
        unit = locate_unit(intake.lon, intake.lat)
        if unit is None:
            _add(errors, "unit", _("The place is outside every station's jurisdiction."))
            return None
    if unit is None:
        _add(errors, "unit", _("Choose the station concerned, or give the place."))
    elif not unit.is_station:
        _add(errors, "unit", _("Choose a police station or outpost."))
    return unit


def _clean_text(errors, intake: Intake) -> str:
    text = normalize_text(intake.text, multiline=True)
    if not text:
        _add(errors, "text", _("Write the message."))
    elif len(text) > MAX_TEXT:
        _add(errors, "text", _("The message is too long (at most 4000 characters)."))
    return text


def record_message(
    *, by: User | None, intake: Intake, now: datetime | None = None
) -> FeedbackMessage:
    """Store a message with the classifier's suggestion; raises ValidationError, storing
    nothing. A message with no readable Persian (emoji, Latin script) is kept without a
    suggestion: the operator classifies it."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    text = _clean_text(errors, intake)
    name, mobile, code = _clean_caller(errors, intake)
    unit = _clean_unit(errors, intake)
    if intake.channel not in FeedbackMessage.Channel.values:
        _add(errors, "channel", _("Unknown channel."))
    if errors:
        raise ValidationError(errors)
    guess = current_model().suggest(text) if classifier.readable(text) else None
    with transaction.atomic():
        message = FeedbackMessage.objects.create(
            received_at=now,
            channel=intake.channel,
            caller_name=name,
            caller_mobile=mobile,
            caller_national_code=code,
            unit=unit,
            officer=intake.officer,
            text=text,
            suggested_class=guess.msg_class if guess else "",
            suggested_topic=guess.topic if guess else "",
            class_confidence=guess.class_confidence if guess else None,
            topic_confidence=guess.topic_confidence if guess else None,
            callback_due=now + timedelta(hours=settings.FEEDBACK_CALLBACK_HOURS)
            if mobile
            else None,
            received_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record("feedback.recorded", actor=by, obj=message, detail={"channel": intake.channel})
    return message


# --- Classification and routing -----------------------------------------------------------------


def confirm_message(
    *, by: User, message: FeedbackMessage, msg_class: str, topic: str, now: datetime | None = None
) -> FeedbackMessage:
    """The operator's class and topic (the suggestion confirmed or corrected), and the
    message's route: a conduct report to inspection, a complaint to the station, thanks to
    the officer's record."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if msg_class not in MessageClass.values:
        _add(errors, "msg_class", _("Choose the class of the message."))
    if topic not in Topic.values:
        _add(errors, "topic", _("Choose the topic of the message."))
    if message.confirmed_at is not None:
        _add(errors, "msg_class", _("This message has already been classified."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        message = FeedbackMessage.objects.select_for_update().get(pk=message.pk)
        message.msg_class, message.topic = msg_class, topic
        message.confirmed_at, message.confirmed_by = now, by
        message.is_conduct = topic == Topic.CONDUCT and msg_class in NEGATIVE
        _route(message, by=by, now=now)
        message.save()
        audit.record(
            "feedback.confirmed",
            actor=by,
            obj=message,
            detail={"class": msg_class, "topic": topic, "corrected": message.corrected},
        )
    return message


def _route(message: FeedbackMessage, *, by: User, now: datetime) -> None:
    if message.is_conduct:
        conduct_reported.send(sender=FeedbackMessage, message=message, by=by)
    elif message.msg_class == MessageClass.COMPLAINT:
        message.complaint = _file_complaint(message, by=by, now=now)
        message.outcome = FeedbackMessage.Outcome.REFERRED
    elif message.msg_class == MessageClass.APPRECIATION and message.officer is not None:
        record_commendation(
            by=by,
            officer=message.officer,
            source=Commendation.Source.FEEDBACK_197,
            note=message.text[:500],
            reference=str(message),
        )


def _file_complaint(message: FeedbackMessage, *, by: User, now: datetime):
    """A complaint of the station; the complaints service texts the tracking code."""
    draft = ComplaintDraft(
        category=Category.objects.get(code="other"),
        incident_at=message.received_at,
        summary=_("Complaint to the 197 line"),
        narrative=message.text,
        complainant_name=message.caller_name,
        national_code=message.caller_national_code,
        mobile=message.caller_mobile,
        station=message.unit,
    )
    return complaint_services.file_complaint(by=by, channel="line197", draft=draft, now=now)


def close_message(
    *, by: User, message: FeedbackMessage, outcome: str, note: str = "", now=None
) -> FeedbackMessage:
    """Close with its outcome; a caller who left a number gets the survey link."""
    now = now or timezone.now()
    if outcome not in FeedbackMessage.Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    message.refresh_from_db()
    if message.confirmed_at is None:
        raise ValidationError({"outcome": [_("Classify the message before closing it.")]})
    if message.closed_at is not None:
        raise ValidationError({"outcome": [_("This message is already closed.")]})
    with transaction.atomic():
        message.outcome, message.closed_at = outcome, now
        message.outcome_note = normalize_text(note, multiline=True)[:2000]
        message.save(update_fields=["outcome", "outcome_note", "closed_at"])
        audit.record("feedback.closed", actor=by, obj=message, detail={"outcome": outcome})
        if message.caller_mobile:
            send_survey(
                source=SurveyLink.Source.FEEDBACK,
                source_id=message.pk,
                unit=message.unit,
                mobile=message.caller_mobile,
                now=now,
            )
    return message


def record_callback(
    *, by: User, message: FeedbackMessage, answer: str, now: datetime | None = None
) -> FeedbackMessage:
    """The call back to the caller and what they said."""
    answer = normalize_text(answer, multiline=True)
    if not answer:
        raise ValidationError({"answer": [_("Write what the caller said.")]})
    if not message.caller_mobile:
        raise ValidationError({"answer": [_("The caller left no number to call back.")]})
    with transaction.atomic():
        message.called_back_at = now or timezone.now()
        message.caller_answer = answer[:2000]
        message.save(update_fields=["called_back_at", "caller_answer"])
        audit.record("feedback.called_back", actor=by, obj=message)
    return message


# --- Satisfaction surveys ----------------------------------------------------------------------


def send_survey(*, source: str, source_id: int, unit: Unit, mobile: str, now=None) -> SurveyLink:
    """Create the case's one link and text it after the transaction commits; a case that
    already has a link keeps it."""
    now = now or timezone.now()
    link, created = SurveyLink.objects.get_or_create(
        source=source,
        source_id=source_id,
        defaults={"token": secrets.token_urlsafe(16), "unit": unit, "sent_at": now},
    )
    if created:
        audit.record("feedback.survey_sent", obj=link, detail={"source": source})
        url = site_url() + reverse("feedback:survey", args=[link.token])
        text = _("Thank you for contacting the police. Two minutes of your view: %(url)s")
        queue_sms(mobile, text % {"url": url})
    return link


SCORE_FIELDS = (
    "ease_of_contact",
    "actions_taken",
    "kept_informed",
    "treatment",
    "whole_experience",
)


def _clean_answers(values: dict[str, str]) -> tuple[dict[str, int], str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    scores = {}
    for field in SCORE_FIELDS:
        raw = to_latin_digits(str(values.get(field, ""))).strip()
        if not raw.isdigit() or int(raw) not in range(1, 6):
            _add(errors, field, _("Choose a score from 1 to 5."))
        else:
            scores[field] = int(raw)
    safety = str(values.get("safety", ""))
    if safety not in SurveyAnswer.Safety.values:
        _add(errors, "safety", _("Choose how safe you feel."))
    return scores, safety, errors


def answer_survey(*, token: str, form_token: str, values: dict[str, str], now=None) -> None:
    """Store one answer for the link; raises ValidationError with a message for the citizen
    (link used, link of another survey, a score that is not 1 to 5), storing nothing."""
    now = now or timezone.now()
    if form_token != token:
        raise ValidationError(
            _("This answer was filled in for another survey link. Open the link in your SMS.")
        )
    scores, safety, errors = _clean_answers(values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().filter(token=token).first()
        if link is None:
            raise ValidationError(_("This survey link is not valid."))
        if link.used_at is not None:
            raise ValidationError(
                _("This survey has already been answered with this link. Thank you.")
            )
        link.used_at = now
        link.save(update_fields=["used_at"])
        SurveyAnswer.objects.create(
            unit=link.unit,
            source=link.source,
            answered_on=timezone.localdate(now),
            safety=safety,
            **scores,
        )
        audit.record("feedback.survey_answered", detail={"source": link.source})


def survey_for_closed_complaint(*, complaint, by=None, **kwargs) -> None:
    """Receiver of complaints' `complaint_closed`: the citizen who left a mobile gets a link."""
    if complaint.mobile:
        send_survey(
            source=SurveyLink.Source.COMPLAINT,
            source_id=complaint.pk,
            unit=complaint.unit,
            mobile=complaint.mobile,
        )


# --- The feeling of security ----------------------------------------------------------------------


def create_neighbourhood_survey(
    *, by: User, unit: Unit, title: str, extra_questions: str = ""
) -> NeighbourhoodSurvey:
    """A survey with the standard items and the station's own, one a line."""
    title = normalize_text(title)[:200]
    if not title:
        raise ValidationError({"title": [_("Give the survey a title.")]})
    if not can_see_unit(by, unit):
        raise ValidationError({"unit": [_("Choose one of your units.")]})
    lines = [normalize_text(line) for line in extra_questions.splitlines() if line.strip()]
    questions = [*DEFAULT_QUESTIONS] + [
        {"key": f"q{i}", "text": text[:300]} for i, text in enumerate(lines[:10], 1)
    ]
    with transaction.atomic():
        survey = NeighbourhoodSurvey.objects.create(
            unit=unit, title=title, questions=questions, token=secrets.token_urlsafe(12)
        )
        audit.record("feedback.neighbourhood_survey_created", actor=by, obj=survey)
    return survey


def answer_neighbourhood_survey(
    *, survey: NeighbourhoodSurvey, lat, lon, values: dict[str, str], now=None
) -> NeighbourhoodAnswer:
    """Store the answer at its H3 cell; the point itself is not kept."""
    errors: dict[str, list[str]] = {}
    answers = {}
    for question in survey.questions:
        value = str(values.get(question["key"], ""))
        if value not in SurveyAnswer.Safety.values:
            _add(errors, question["key"], _("Choose one of the answers."))
        answers[question["key"]] = value
    try:
        cell = h3.latlng_to_cell(float(lat), float(lon), perception.RESOLUTION)
    except (TypeError, ValueError, h3.H3BaseException):
        _add(errors, "location", _("Mark where you live on the map, or give its coordinates."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        answer = NeighbourhoodAnswer.objects.create(
            survey=survey,
            cell=cell,
            answers=answers,
            answered_on=timezone.localdate(now or timezone.now()),
        )
        audit.record("feedback.neighbourhood_answered", detail={"survey": survey.pk})
    return answer


def survey_for_closed_incident(*, incident, by=None, **kwargs) -> None:
    """Receiver of incidents' `incident_closed`: an incident whose reporter is known (it came
    from a complaint with a mobile) sends the complaint's one link, whichever closes first."""
    complaint = incident.complaint
    if complaint is not None and complaint.mobile:
        survey_for_closed_complaint(complaint=complaint, by=by)
