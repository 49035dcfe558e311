from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kalantar.complaints.codes import normalize_tracking_code
from kalantar.complaints.forms import ComplaintForm
from kalantar.core.forms import NormalizedCharField
from kalantar.core.persian import digits, to_latin_digits
from kalantar.core.uploads import UploadedFile, attachment_errors, read_uploads
from kalantar.core.validators import is_valid_mobile, is_valid_national_code

MAX_ATTACHMENTS = 5

# The fields of the complaint's draft, attachments apart.
SERVICE_FIELDS = ComplaintForm.filing_field_names

_DIGITS_BOX = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "class": "form-control"}


class OnlineComplaintForm(ComplaintForm):
    """A citizen's own complaint: the desk's fields, with the attachments checked here.

    The complaints app's filing check does the rest (who may be anonymous, the place, the
    dates) before the confirmation step.
    """

    field_order = [
        "category",
        "complainant_name",
        "national_code",
        "mobile",
        "complainant_address",
        "is_anonymous",
        "incident_at",
        "location_text",
        "lat",
        "lon",
        "summary",
        "narrative",
        "accused_officer",
        "attachments",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_anonymous"].help_text = _(
            "Only for reports of public problems. To follow an anonymous report later, "
            "give your mobile number."
        )
        self.fields["attachments"].help_text = _(
            "Optional. Up to %(n)s photos or PDF files of %(mb)s MB each."
        ) % {
            "n": digits(MAX_ATTACHMENTS),
            "mb": digits(settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
        }

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(n)s files.") % {"n": digits(MAX_ATTACHMENTS)}, code="too_many"
            )
        # The same rules and words as the complaints service, which checks them again on
        # filing: the type is read from each file's content.
        errors = attachment_errors(read_uploads(files))
        if errors:
            raise ValidationError(errors)
        return files

    def uploads(self) -> list[UploadedFile]:
        return read_uploads(self.cleaned_data.get("attachments"))


class TrackForm(forms.Form):
    """A tracking code and the complainant's national code or mobile (and, when the page asks
    for it, the one-time code sent by SMS)."""

    code = forms.CharField(
        label=_("Tracking code"), max_length=32, widget=forms.TextInput(attrs=_DIGITS_BOX)
    )
    secret = forms.CharField(
        label=_("National code or mobile"),
        max_length=32,
        widget=forms.TextInput(attrs=_DIGITS_BOX),
    )
    otp = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput())

    def clean_code(self) -> str:
        # The check digit is public: a typing error can be named without asking the database.
        try:
            return normalize_tracking_code(self.cleaned_data["code"])
        except ValueError:
            raise ValidationError(
                _("Enter the 10-digit tracking code printed on your receipt."), code="invalid"
            ) from None

    def clean_secret(self) -> str:
        value = self.cleaned_data["secret"]
        if not (is_valid_national_code(value) or is_valid_mobile(value)):
            raise ValidationError(
                _("Enter the national code or the mobile number given with the complaint."),
                code="invalid",
            )
        return value

    def clean_otp(self) -> str:
        return to_latin_digits(self.cleaned_data.get("otp", "")).strip()


class OneTimeCodeForm(TrackForm):
    """The one-time code sent by SMS, with the code and secret just typed carried along."""

    otp = forms.CharField(
        label=_("One-time code from the SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={**_DIGITS_BOX, "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        self.fields["secret"].widget = forms.HiddenInput()


class RatingForm(TrackForm):
    """The citizen's rating of a closed complaint; the code and secret are checked again."""

    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how your complaint was handled?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = NormalizedCharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        self.fields["secret"].widget = forms.HiddenInput()
