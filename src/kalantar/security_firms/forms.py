"""The register's forms: they parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.forms import (
    JalaliDateField,
    JalaliDateTimeField,
    LocalizedIntegerField,
    NormalizedCharField,
    StyledForm,
)
from kalantar.core.persian import normalize_text
from kalantar.security_firms.models import (
    Activity,
    Assessment,
    Finding,
    Guard,
    Indicator,
    Sanction,
    VettingCheck,
)


class HoursField(forms.DecimalField):
    """Hours typed in Persian or Latin digits (a number input refuses Persian digits)."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {"inputmode": "decimal", "dir": "ltr"}

    def to_python(self, value):
        text = normalize_text(str(value or "")).replace("٫", ".").replace("/", ".")
        return super().to_python(text)


class ApplicationForm(StyledForm):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    national_code = NormalizedCharField(label=_("National code"), max_length=20)
    first_name = NormalizedCharField(label=_("First name"), max_length=100)
    last_name = NormalizedCharField(label=_("Last name"), max_length=100)
    birth_date = JalaliDateField(label=_("Date of birth"))
    mobile = NormalizedCharField(label=_("Mobile"), max_length=11, required=False)
    activities = forms.MultipleChoiceField(
        label=_("Activities"), choices=Activity.choices, widget=forms.CheckboxSelectMultiple
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG, up to 2 MB)"), required=False)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["national_code"].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})


class CheckForm(StyledForm):
    item = forms.ChoiceField(label=_("Checklist item"), choices=VettingCheck.Item.choices)
    result = forms.ChoiceField(label=_("Result"), choices=VettingCheck.Result.choices)
    note = NormalizedCharField(label=_("Note"), max_length=300, required=False)


class TrainingForm(StyledForm):
    course = NormalizedCharField(label=_("Course"), max_length=200)
    hours = HoursField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0.5)
    provider = NormalizedCharField(label=_("Provider"), max_length=200)
    completed_on = JalaliDateField(label=_("Completed"))
    certificate_number = NormalizedCharField(
        label=_("Certificate number"), max_length=64, required=False
    )


class StatusForm(StyledForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (Guard.Status.SUSPENDED, _("Suspend")),
            (Guard.Status.REVOKED, _("Revoke")),
            (Guard.Status.ACTIVE, _("Reinstate")),
        ],
    )
    reason = NormalizedCharField(label=_("Reason"), max_length=300)


class RejectForm(StyledForm):
    reason = NormalizedCharField(label=_("Reason"), max_length=300)


class SearchForm(StyledForm):
    q = NormalizedCharField(label=_("National code or name"), max_length=100, required=False)


class CheckLicenceForm(StyledForm):
    number = NormalizedCharField(label=_("Licence number"), max_length=40, required=False)


class ShiftForm(StyledForm):
    # A guard refused by the roster's rules is named by the guards' boxes.
    service_error_fields = {"guard": "guards"}

    post = forms.ModelChoiceField(label=_("Post"), queryset=None)
    starts_at = JalaliDateTimeField(label=_("Starts"))
    ends_at = JalaliDateTimeField(label=_("Ends"))
    guards = forms.ModelMultipleChoiceField(
        label=_("Guards on the shift"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, posts, guards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["guards"].queryset = guards


class PostForm(StyledForm):
    name = NormalizedCharField(label=_("Name"), max_length=200)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)


class AssignForm(StyledForm):
    guard = forms.ModelChoiceField(label=_("Guard"), queryset=None)

    def __init__(self, *args, guards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guard"].queryset = guards


# --- Assessments and sanctions -----------------------------------------------------------------


class AssessmentForm(StyledForm):
    year = LocalizedIntegerField(label=_("Year (solar Hijri)"))
    self_assessment = NormalizedCharField(
        label=_("The institution's self-assessment"), widget=forms.Textarea, required=False
    )


class FindingForm(StyledForm):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.filter(is_active=True)
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("assessment", "Finding"), choices=Finding.Kind.choices
    )
    note = NormalizedCharField(label=_("What was found"), widget=forms.Textarea)


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Assessment.Decision.choices if c[0] != Assessment.Decision.PENDING],
    )
    note = NormalizedCharField(
        label=_("Conditions or reason"), widget=forms.Textarea, required=False
    )


class SanctionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Sanction"), choices=Sanction.Kind.choices)
    reason = NormalizedCharField(label=_("Reason"), max_length=500)


class LiftForm(StyledForm):
    reason = NormalizedCharField(label=_("Reason for lifting"), max_length=500)


class BulkForm(forms.Form):
    """Applications ticked on the registrar's desk and what to do with them."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("licence", _("Issue the licences")), ("reject", _("Reject the applications"))],
    )
    guards = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=None,
        error_messages={"required": _("Tick at least one application.")},
    )
    reason = NormalizedCharField(label=_("Reason for rejecting"), max_length=300, required=False)

    def __init__(self, *args, guards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guards"].queryset = guards

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Give the reason for the decision."))
        return data
