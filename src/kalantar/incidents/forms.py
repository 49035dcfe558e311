from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.core.forms import JalaliDateTimeField, NormalizedCharField
from kalantar.incidents import categories
from kalantar.incidents.models import Incident


class IncidentForm(forms.Form):
    category = forms.ChoiceField(label=_("Incident type"))
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
        self.fields["category"].choices = categories.choices()
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class OutcomeForm(forms.Form):
    outcome = NormalizedCharField(label=_("Outcome"), max_length=300)
