from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kalantar.complaints import selectors, text_limits
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category, Complaint
from kalantar.core.forms import JalaliDateTimeField, NormalizedCharField, apply_service_errors
from kalantar.core.persian import localized_name
from kalantar.org.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories named in the page's language (the English name where there is one)."""

    def label_from_instance(self, obj: Category) -> str:
        return localized_name(obj)


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return localized_name(obj)


class ComplaintForm(forms.Form):
    """The fields a complaint is filed with; the service does the checks that need the
    database (routing, deadlines) and reports them back by field."""

    # No category is chosen for the person: a preselected one is filed unread.
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose the category"),
        error_messages={"required": _("Choose the category of the complaint.")},
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous report"), required=False)
    national_code = NormalizedCharField(
        label=_("National code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    complainant_name = NormalizedCharField(label=_("Full name"), required=False, max_length=150)
    mobile = NormalizedCharField(
        label=_("Mobile"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
    )
    complainant_address = NormalizedCharField(label=_("Address"), required=False, max_length=300)
    incident_at = JalaliDateTimeField(label=_("Time of the incident"))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    location_text = NormalizedCharField(label=_("Place (address)"), required=False, max_length=300)
    summary = NormalizedCharField(label=_("Summary"), max_length=200)
    narrative = NormalizedCharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[text_limits.MaxLength(text_limits.NARRATIVE)],
    )
    accused_officer = NormalizedCharField(
        label=_("Officer complained about (for conduct complaints)"),
        required=False,
        max_length=150,
    )
    attachments = MultipleFileField(label=_("Attachments (JPEG, PNG or PDF)"), required=False)

    # The form field that shows a filing error on a field the form does not have.
    service_error_fields = {"location": "lat"}
    # The fields of the complaint's draft, attachments apart.
    filing_field_names: tuple[str, ...] = (
        "category",
        "incident_at",
        "complainant_name",
        "national_code",
        "mobile",
        "complainant_address",
        "is_anonymous",
        "lat",
        "lon",
        "location_text",
        "summary",
        "narrative",
        "accused_officer",
    )
    # Required unless the report is anonymous (the service decides): marked like the others.
    required_unless_anonymous = ("complainant_name", "national_code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_unless_anonymous:
            self.fields[name].marked_required = True
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if field.required or getattr(field, "marked_required", False):
                widget.attrs["aria-required"] = "true"
            css = {"checkbox": "form-check-input", "select": "form-select"}.get(
                getattr(widget, "input_type", ""), "form-control"
            )
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def draft(self) -> ComplaintDraft:
        """The complaint as far as the form could read it (empty where it could not)."""
        return ComplaintDraft.from_fields(getattr(self, "cleaned_data", {}))

    def report_every_error(self, *, by) -> None:
        """Once the form's own checks have failed, add the filing checks of what it could read.

        Without this the name, the national code and the place, which only the filing checks
        see, were reported in a second round, after everything else had been corrected.
        """
        errors = selectors.check_filing(draft=self.draft(), by=by).errors
        if errors:
            apply_service_errors(self, ValidationError(errors), keep_reported=True)

    field_order = [
        "national_code",
        "complainant_name",
        "mobile",
        "complainant_address",
        "is_anonymous",
        "category",
        "incident_at",
        "location_text",
        "lat",
        "lon",
        "summary",
        "narrative",
        "accused_officer",
        "attachments",
    ]


class DeskComplaintForm(ComplaintForm):
    """At the desk an officer may hand the complaint to another station, with a reason."""

    station = StationChoiceField(
        label=_("Handling station"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The station of the place (automatic)"),
    )
    override_reason = NormalizedCharField(
        label=_("Reason for choosing another station"), required=False, max_length=300
    )

    filing_field_names = (*ComplaintForm.filing_field_names, "station", "override_reason")

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations
        self.fields["station"].widget.attrs["class"] = "form-select"


REJECTION_REASON_MAX = Complaint._meta.get_field("rejection_reason").max_length


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    note = NormalizedCharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[text_limits.MaxLength(text_limits.NOTE)],
    )
    reason = NormalizedCharField(
        label=_("Reason (required for rejection)"),
        required=False,
        validators=[text_limits.MaxLength(REJECTION_REASON_MAX)],
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices
