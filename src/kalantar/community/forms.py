"""The community pages' forms: they parse; the services decide."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.community.models import (
    CheckAnswer,
    Programme,
    SafetyReport,
    Subscriber,
    Topic,
)
from kalantar.community.models import Priority as PriorityChoices
from kalantar.community.selectors import VolunteerFilters
from kalantar.community.services import DISTINGUISHING
from kalantar.core.forms import (
    FilterForm,
    JalaliDateField,
    JalaliDateTimeField,
    NormalizedCharField,
    StyledForm,
)
from kalantar.core.persian import localized_name, to_latin_digits
from kalantar.core.validators import validate_mobile, validate_national_code


def _hood_label(hood) -> str:
    return f"{localized_name(hood)} ({localized_name(hood.station)})"


class AreaField(forms.CharField):
    """A polygon drawn on the map, sent as GeoJSON in a hidden input."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return {}
        try:
            area = json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("The area could not be read: draw it again.")) from None
        if not isinstance(area, dict) or area.get("type") != "Polygon":
            raise forms.ValidationError(_("The area could not be read: draw it again."))
        return area


class VolunteerFilterForm(StyledForm, FilterForm):
    filters_class = VolunteerFilters
    control_size = "sm"

    q = NormalizedCharField(label=_("Search"), required=False)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("All")
    )
    programme = forms.ChoiceField(
        label=_("Programme"), choices=[("", _("All")), *Programme.choices], required=False
    )
    vetting = forms.ChoiceField(
        label=_("Background check"),
        required=False,
        choices=[
            ("", _("All")),
            ("none", _("Not requested")),
            ("requested", _("Waiting for the answer")),
            *CheckAnswer.choices,
        ],
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["q"].widget.attrs["placeholder"] = _("Name, national code or skill")


class VolunteerForm(StyledForm):
    full_name = NormalizedCharField(label=_("Full name"), max_length=120)
    national_code = forms.CharField(
        label=_("National code"), max_length=20, validators=[validate_national_code]
    )
    mobile = forms.CharField(label=_("Mobile"), max_length=20, validators=[validate_mobile])
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("All")
    )
    skills = NormalizedCharField(label=_("Skills"), max_length=300, required=False)
    references = NormalizedCharField(
        label=_("References"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    area = AreaField(label=_("Neighbourhood on the map"), required=False)
    cells_text = forms.CharField(
        label=_("Or H3 cells"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        help_text=_("One cell a line, if the area is not drawn."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        for name in ("national_code", "mobile"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})

    def clean_national_code(self):
        return to_latin_digits(self.cleaned_data["national_code"])


class CheckAnswerForm(StyledForm):
    answer = forms.ChoiceField(label=_("Answer"), choices=CheckAnswer.choices)
    letter = NormalizedCharField(label=_("Answer's letter number"), max_length=40, required=False)
    references = NormalizedCharField(
        label=_("References"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(StyledForm):
    title = NormalizedCharField(label=_("Duty"), max_length=200)
    starts_on = JalaliDateField(label=_("From"))
    ends_on = JalaliDateField(label=_("To"), required=False)


class HoursForm(StyledForm):
    worked_on = JalaliDateField(label=_("Day"))
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)
    note = NormalizedCharField(label=_("What was done"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget = forms.TextInput(
            attrs={"class": "form-control", "inputmode": "decimal", "dir": "ltr"}
        )

    def full_clean(self):
        if self.data and "hours" in self.data:
            self.data = self.data.copy()
            self.data["hours"] = to_latin_digits(self.data["hours"]).replace("٫", ".")
        super().full_clean()


class DecisionForm(StyledForm):
    note = NormalizedCharField(label=_("Reason"), max_length=300, required=False)


class RecognitionForm(StyledForm):
    title = NormalizedCharField(label=_("Recognition"), max_length=200)
    given_on = JalaliDateField(label=_("Day"))


class GroupForm(StyledForm):
    name = NormalizedCharField(label=_("Name"), max_length=120)
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=None)
    contact_officer = forms.ModelChoiceField(
        label=_("Station contact officer"), queryset=None, required=False
    )

    def __init__(self, *args, neighbourhoods, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = _hood_label
        self.fields["contact_officer"].queryset = officers
        self.fields["contact_officer"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class NeighbourhoodForm(StyledForm):
    station = forms.ModelChoiceField(label=_("Station"), queryset=None)
    name = NormalizedCharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    area = AreaField(label=_("Area on the map"))

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["station"].label_from_instance = localized_name


class SessionForm(StyledForm):
    title = NormalizedCharField(label=_("Subject"), max_length=200)
    held_on = JalaliDateField(label=_("Day"))
    trainer = NormalizedCharField(label=_("Trainer"), max_length=120, required=False)
    group = forms.ModelChoiceField(label=_("Group"), queryset=None)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = volunteers


class AlertForm(StyledForm):
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=None)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=PriorityChoices.choices, coerce=int
    )
    text = NormalizedCharField(
        label=_("Text"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say what happened and what to do. Never a name, a national code, a mobile number "
            "or an address that points to a person."
        ),
    )

    def __init__(self, *args, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = _hood_label


class SubscribeForm(StyledForm):
    neighbourhood = forms.ModelChoiceField(label=_("Your neighbourhood"), queryset=None)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, validators=[validate_mobile])
    kind = forms.ChoiceField(label=_("I am a"), choices=Subscriber.Kind.choices)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    min_priority = forms.TypedChoiceField(
        label=_("Lowest priority I want"), choices=PriorityChoices.choices, coerce=int
    )
    quiet_from = forms.TimeField(label=_("No messages from"), required=False)
    quiet_to = forms.TimeField(label=_("until"), required=False)
    consent = forms.BooleanField(label=_("I agree to the text above"))

    def __init__(self, *args, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = _hood_label
        self.fields["mobile"].widget.attrs.update({"dir": "ltr", "inputmode": "tel"})
        for name in ("quiet_from", "quiet_to"):
            self.fields[name].widget = forms.TimeInput(
                attrs={"class": "form-control", "type": "time", "dir": "ltr"}
            )
        self.fields["topics"].error_messages["required"] = _("Choose at least one topic.")
        self.fields["consent"].error_messages["required"] = _(
            "Alerts are sent only with your consent: tick the box to agree."
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_from")) != bool(data.get("quiet_to")):
            self.add_error("quiet_to", _("Give both ends of the quiet hours, or neither."))
        return data


_DETAIL_LABELS = {
    "clothing_top": _("Top clothing (colour, kind)"),
    "clothing_bottom": _("Trousers or skirt"),
    "shoes": _("Shoes"),
    "hair": _("Hair or head covering"),
    "build": _("Height and build"),
    "age": _("Approximate age"),
    "vehicle": _("Vehicle (kind, colour, plate)"),
    "carrying": _("What they carried"),
    "marks": _("Distinctive marks (scar, tattoo, glasses)"),
}


class ReportForm(StyledForm):
    """The behaviour first; a person's description only after two distinguishing details."""

    behaviour = forms.ChoiceField(
        label=_("What was happening?"), choices=SafetyReport.Behaviour.choices
    )
    what_happened = NormalizedCharField(
        label=_("What did you see them do?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    happened_at = JalaliDateTimeField(label=_("When"))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=None)
    place = NormalizedCharField(label=_("Where (street, alley, landmark)"), max_length=200)

    def __init__(self, *args, neighbourhoods, ask_mobile=True, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in _DETAIL_LABELS.items():
            self.fields[key] = NormalizedCharField(label=label, max_length=120, required=False)
            self.fields[key].widget.attrs["class"] = "form-control"
        self.fields["appearance"] = NormalizedCharField(
            label=_("General appearance"),
            max_length=300,
            required=False,
            help_text=_("Only after at least two of the details above."),
        )
        self.fields["appearance"].widget.attrs["class"] = "form-control"
        if ask_mobile:
            self.fields["mobile"] = forms.CharField(
                label=_("Mobile, to hear back (optional)"),
                max_length=20,
                required=False,
                validators=[validate_mobile],
            )
            self.fields["mobile"].widget.attrs.update({"class": "form-control", "dir": "ltr"})
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = _hood_label

    def detail_fields(self):
        return [self[key] for key in DISTINGUISHING]

    def details(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in DISTINGUISHING}


class ReviewForm(StyledForm):
    reply = NormalizedCharField(
        label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 3})
    )
