from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.forms import JalaliDateField, NormalizedCharField, StyledForm
from kalantar.incidents.categories import CATEGORIES, label
from kalantar.problems.models import Action, Agency, Referral


def _category_choices() -> list[tuple[str, str]]:
    return [
        (c if isinstance(c, str) else c.code, label(c if isinstance(c, str) else c.code))
        for c in CATEGORIES
    ]


class CellsField(forms.CharField):
    """H3 cells separated by spaces, commas or new lines."""

    widget = forms.Textarea(attrs={"rows": 2, "dir": "ltr"})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [c for c in text.replace(",", " ").split() if c]


class ProblemForm(StyledForm):
    title = NormalizedCharField(label=_("Title"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=None)
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    area_cells = CellsField(
        label=_("Area (H3 cells)"),
        required=False,
        help_text=_("Leave empty for the unit's whole jurisdiction."),
    )
    period_start = JalaliDateField(label=_("Scanning period from"))
    period_end = JalaliDateField(label=_("Scanning period to"))
    trigger = NormalizedCharField(
        label=_("What triggered the project"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["categories"].choices = _category_choices()


class AnalysisForm(StyledForm):
    offender_notes = NormalizedCharField(
        label=_("Offenders"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    victim_notes = NormalizedCharField(
        label=_("Victims and targets"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place_notes = NormalizedCharField(
        label=_("Places"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    analysis_summary = NormalizedCharField(
        label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResponsePeriodForm(StyledForm):
    response_start = JalaliDateField(label=_("Response from"))
    response_end = JalaliDateField(label=_("Response to"))


class ActionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Action.Kind.choices)
    description = NormalizedCharField(label=_("Description"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    starts_on = JalaliDateField(label=_("From"))
    due_on = JalaliDateField(label=_("Due"))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ReferralForm(StyledForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose the agency the referral is sent to.")},
    )
    subject = NormalizedCharField(label=_("Subject"), max_length=200, required=False)
    evidence = NormalizedCharField(
        label=pgettext_lazy("a referral", "Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ask = NormalizedCharField(
        label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = JalaliDateField(label=_("Deadline"), required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class AgencyForm(StyledForm):
    name = NormalizedCharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Agency.Kind.choices)
    unit = forms.ModelChoiceField(label=_("Registered at"), queryset=None)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = NormalizedCharField(label=_("Address"), max_length=300, required=False)
    contact_name = NormalizedCharField(label=_("Contact person"), max_length=150, required=False)
    contact_title = NormalizedCharField(
        label=pgettext_lazy("job title", "Position"), max_length=150, required=False
    )
    contact_email = forms.EmailField(label=_("Contact's e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=30, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AnswerForm(StyledForm):
    status = forms.ChoiceField(label=_("Your answer"), choices=())
    responder = NormalizedCharField(
        label=_("Your name and position"), max_length=150, required=False
    )
    note = NormalizedCharField(
        label=_("What has been done or is planned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = NormalizedCharField(label=_("Reason for declining"), max_length=500, required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)

        labels = dict(Referral.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in statuses]
