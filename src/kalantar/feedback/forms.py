"""The forms of the 197 desk, the public form and the survey: they parse, services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.core.forms import StyledForm
from kalantar.feedback.models import FeedbackMessage, MessageClass, SurveyAnswer, Topic
from kalantar.people.models import User


class IntakeForm(StyledForm):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ModelChoiceField(label=_("Station concerned"), queryset=None, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=150)
    caller_mobile = forms.CharField(label=_("Caller's mobile"), required=False, max_length=20)
    caller_national_code = forms.CharField(label=_("National code"), required=False, max_length=12)

    def __init__(self, *args, stations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = stations


class DeskForm(IntakeForm):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=FeedbackMessage.Channel.choices, initial="phone"
    )
    officer = forms.ModelChoiceField(
        label=_("Officer concerned (when named)"),
        queryset=User.objects.filter(is_active=True).order_by("last_name"),
        required=False,
    )


class ConfirmForm(StyledForm):
    msg_class = forms.ChoiceField(label=_("Class"), choices=MessageClass.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FeedbackMessage.Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallbackForm(StyledForm):
    answer = forms.CharField(
        label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 2})
    )


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(StyledForm):
    """Scores arrive as text and the service checks them, so a bad value gets its message."""

    ease_of_contact = forms.ChoiceField(
        label=_("How easy was it to contact the police?"), choices=SCORES, widget=forms.RadioSelect
    )
    actions_taken = forms.ChoiceField(
        label=_("How satisfied are you with what the police did?"),
        choices=SCORES,
        widget=forms.RadioSelect,
    )
    kept_informed = forms.ChoiceField(
        label=_("How well were you kept informed?"), choices=SCORES, widget=forms.RadioSelect
    )
    treatment = forms.ChoiceField(
        label=_("How well were you treated?"), choices=SCORES, widget=forms.RadioSelect
    )
    whole_experience = forms.ChoiceField(
        label=_("Your whole experience"), choices=SCORES, widget=forms.RadioSelect
    )
    safety = forms.ChoiceField(
        label=_("How safe do you feel in your neighbourhood?"),
        choices=SurveyAnswer.Safety.choices,
        widget=forms.RadioSelect,
    )


class NeighbourhoodSurveyForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Run by"), queryset=None)
    extra_questions = forms.CharField(
        label=_("Further questions, one a line (answered on the same four-point scale)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if not units.exists():
            # An account outside every unit runs nothing: say why the list is empty.
            message = _(
                "Your account belongs to no unit, so it cannot run a survey. "
                "Ask the administrator to assign it one."
            )
            self.fields["unit"].help_text = message
            self.fields["unit"].error_messages["required"] = message


class NeighbourhoodAnswerForm(StyledForm):
    """Built from the survey's questions; the location arrives as text so that a wrong value
    gets the service's message."""

    lat = forms.CharField(label=_("Latitude"), required=False)
    lon = forms.CharField(label=_("Longitude"), required=False)

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question["key"]] = forms.ChoiceField(
                label=question["text"],
                choices=SurveyAnswer.Safety.choices,
                widget=forms.RadioSelect,
                required=False,
            )
