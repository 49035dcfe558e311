from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.core.forms import (
    FilterForm,
    JalaliDateField,
    JalaliDateTimeField,
    NormalizedCharField,
    StyledForm,
)
from kalantar.incidents import categories
from kalantar.incidents.models import Incident
from kalantar.incidents.selectors import IncidentFilters


class IncidentForm(StyledForm):
    category = forms.ChoiceField(
        label=_("Incident type"),
        error_messages={"required": _("Choose the incident type.")},
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            c for c in Incident.Source.choices if c[0] not in ("import", "complaint", "alarm")
        ],
        initial=Incident.Source.CALL_110,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=[
            (1, _("1 — immediate")),
            (2, _("2 — urgent")),
            (3, _("3 — normal")),
            (4, _("4 — low")),
        ],
        initial=3,
    )
    occurred_at = JalaliDateTimeField(label=_("Time of the incident"))
    lat = forms.FloatField(label=_("Latitude"), widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), widget=forms.HiddenInput)
    narrative = NormalizedCharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Nothing is chosen for the officer: a type picked by default is a type nobody chose.
        self.fields["category"].choices = [
            ("", _("Choose the incident type")),
            *categories.choices(),
        ]


class OutcomeForm(forms.Form):
    outcome = NormalizedCharField(label=_("Outcome"), max_length=300)


class IncidentFilterForm(StyledForm, FilterForm):
    """The incident list's filters; every field optional, bad values reported on the bar."""

    filters_class = IncidentFilters
    control_size = "sm"

    # Normalised like every text field: Persian digits become Latin, spaces trimmed.
    q = NormalizedCharField(label=_("Number"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        # "Open" is every incident not yet cleared, as the list has always read it.
        choices=[
            ("", _("All statuses")),
            (Incident.Status.OPEN.value, _("Open")),
            *(c for c in Incident.Status.choices if c[0] != Incident.Status.OPEN),
        ],
    )
    category = forms.ChoiceField(label=_("Incident type"), required=False)
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *Incident.Source.choices],
    )
    start = JalaliDateField(label=_("From date"), required=False)
    end = JalaliDateField(label=_("To date"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All incident types")), *categories.choices()]
        for field in self.fields.values():
            # Date fields keep their Jalali example as placeholder; the label shows on hover.
            field.widget.attrs.update({"aria-label": field.label, "title": field.label})
        self.fields["q"].widget.attrs["placeholder"] = _("Incident number")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data
