"""The programme's forms: what people fill in, parsed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.forms import (
    JalaliDateField,
    LocalizedIntegerField,
    NormalizedCharField,
    StyledForm,
)
from kalantar.transformation import indicators, survey
from kalantar.transformation.models import Finding, SelfAssessment, Tier


class AreaForm(StyledForm):
    name = NormalizedCharField(label=_("Area (Persian)"), max_length=200)
    name_en = NormalizedCharField(label=_("Area (English)"), max_length=200, required=False)


class QuestionForm(StyledForm):
    text = NormalizedCharField(label=_("Question (Persian)"), max_length=300)
    text_en = NormalizedCharField(label=_("Question (English)"), max_length=300, required=False)


class CharacteristicForm(StyledForm):
    text = NormalizedCharField(label=_("Characteristic of good (Persian)"), max_length=400)
    text_en = NormalizedCharField(
        label=_("Characteristic of good (English)"), max_length=400, required=False
    )
    codes = forms.MultipleChoiceField(
        label=_("Indicators that prove it"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(i.code, i.name) for i in indicators.all_indicators()]


class EntryForm(forms.Form):
    """New wording of any framework entry; `codes` only counts for a characteristic."""

    text = NormalizedCharField(label=_("Persian text"), max_length=400)
    text_en = NormalizedCharField(label=_("English text"), max_length=400, required=False)
    codes = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(i.code, i.name) for i in indicators.all_indicators()]


class CopyYearForm(StyledForm):
    year = LocalizedIntegerField(label=_("New programme year"), min_value=1390, max_value=1500)
    title = NormalizedCharField(label=_("Title (Persian)"), max_length=200)
    title_en = NormalizedCharField(label=_("Title (English)"), max_length=200, required=False)


class SelfAssessmentForm(forms.Form):
    characteristic = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("Rating"), choices=SelfAssessment.Rating.choices)
    narrative = NormalizedCharField(
        label=_("What the station does"),
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    links = NormalizedCharField(
        label=_("Linked records (tracking codes or incident numbers, one a line)"),
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 1}),
    )


class GradeForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    tier = forms.ChoiceField(label=_("Grade"), choices=Tier.choices)
    reasons = NormalizedCharField(
        label=_("Reasons"), multiline=True, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    question = forms.TypedChoiceField(label=_("Question"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    text = NormalizedCharField(
        label=pgettext_lazy("assessment", "Finding"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = JalaliDateField(label=_("Due"))

    def __init__(self, *args, questions=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = list(questions)
        self.fields["owner"].choices = list(owners)


class FollowUpForm(forms.Form):
    note = NormalizedCharField(
        label=_("Follow-up"), multiline=True, widget=forms.Textarea(attrs={"rows": 1})
    )
    closes = forms.BooleanField(label=_("Close the finding"), required=False)


class SurveyForm(forms.Form):
    role = forms.ChoiceField(label=_("Your role"), choices=survey.ROLES, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = [(str(n), str(n)) for n in survey.SCALE]
        for code, label in survey.STATEMENTS:
            self.fields[code] = forms.TypedChoiceField(
                label=label, choices=scale, coerce=int, widget=forms.RadioSelect
            )

    def answers(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code in survey.STATEMENT_CODES}


class SurveyLinksForm(StyledForm):
    count = LocalizedIntegerField(label=_("How many links"), min_value=1, max_value=500, initial=20)


class EnrolForm(StyledForm):
    starts_on = JalaliDateField(label=_("The wave starts"))
    stations = forms.MultipleChoiceField(label=_("Stations"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stations"].choices = list(stations)
