from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.analytics.periods import day_error, period_error
from kalantar.core.forms import JalaliDateField, StyledForm
from kalantar.core.jalali import tehran_today
from kalantar.core.persian import localized_name
from kalantar.incidents import categories
from kalantar.org.models import Unit

ANALYSED_KINDS = (Unit.Kind.NATIONAL, Unit.Kind.PROVINCE, Unit.Kind.COUNTY, *Unit.STATION_KINDS)


def unit_choices(user) -> list[tuple[str, str]]:
    units = Unit.objects.visible_to(user).filter(kind__in=ANALYSED_KINDS, is_active=True)
    return [(u.code, localized_name(u)) for u in units.order_by("path")[:2000]]


class UnitDateForm(StyledForm):
    control_size = "sm"

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    date = JalaliDateField(label=_("Date"), required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(user)

    def clean(self) -> dict:
        data = super().clean()
        day = data.get("date")
        if day is not None and (error := day_error(day, today=tehran_today())):
            self.add_error("date", error)
        return data

    def period(self) -> tuple[date, date]:
        """The valid form's period: the chosen day, or yesterday (the last whole day)."""
        day = self.cleaned_data.get("date") or tehran_today() - timedelta(days=1)
        return day, day


class HotspotForm(UnitDateForm):
    start = JalaliDateField(label=_("From"), required=False)
    date = JalaliDateField(label=_("To"), required=False)
    category = forms.MultipleChoiceField(
        label=_("Incident types"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    resolution = forms.TypedChoiceField(
        label=_("Cell size"),
        coerce=int,
        required=False,
        choices=[(7, _("Large (5 km²)")), (8, _("Medium (0.7 km²)")), (9, _("Small (0.1 km²)"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories.choices()

    def clean(self) -> dict:
        data = forms.Form.clean(self)
        if self.errors:
            return data
        start, end = self.period()
        if error := period_error(start, end, today=tehran_today()):
            self.add_error("start" if end < start else "date", error)
        return data

    def period(self) -> tuple[date, date]:
        """The last 90 days up to the chosen end (yesterday by default)."""
        end = self.cleaned_data.get("date") or tehran_today() - timedelta(days=1)
        return self.cleaned_data.get("start") or end - timedelta(days=89), end
