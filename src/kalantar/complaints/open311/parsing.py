"""An Open311 call's parameters as checked values. Pure: no database.

Each function raises `Open311Error` (400) with the standard's message at the first parameter
it cannot use, so a client learns what to fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from kalantar.complaints.open311.errors import Open311Error
from kalantar.complaints.open311.serializers import NATIONAL_CODE_ATTRIBUTE, RequestStatus, number
from kalantar.core.persian import to_latin_digits

DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
SUMMARY_LENGTH = 120
DESCRIPTION_LIMIT = 4000  # the standard's limit for a description
# Dates outside these years are nobody's complaint; refusing them also keeps the date
# arithmetic (a window of 90 days around them) inside what datetime can hold.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


@dataclass(frozen=True)
class Params:
    """A call's parameters: the form body's (POST) before the query string's."""

    body: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    # attribute[code]=value and attribute[code][]=value1&… of the body, as {code: [values]}
    attributes: Mapping[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, request: HttpRequest) -> Params:
        body = request.POST if request.method == "POST" else {}
        return cls(body=body, query=request.GET, attributes=attributes(request.POST.lists()))

    def get(self, name: str) -> str:
        """The parameter, stripped; empty counts as absent."""
        value = self.body.get(name)
        if value is None:
            value = self.query.get(name)
        return (value or "").strip()


def attributes(items: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, values in items:
        match = _ATTRIBUTE.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(v.strip() for v in values if v.strip())
    return found


def csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def language(params: Params) -> str | None:
    """The language `?locale=` names, when we speak it."""
    asked = params.get("locale").replace("_", "-").lower().split("-")[0]
    return asked if asked in dict(settings.LANGUAGES) else None


# ---------------------------------------------------------------- reading requests


@dataclass(frozen=True)
class RequestFilter:
    """Which requests a list shows. Ids, when given, override every other filter."""

    ids: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    open: bool | None = None  # None: open and closed alike
    start: datetime | None = None
    end: datetime | None = None


def request_filter(params: Params) -> RequestFilter:
    ids = csv(params.get("service_request_id"))
    if ids:  # the standard: ids override every other filter
        return RequestFilter(ids=[i.lower() for i in ids[:MAX_REQUESTS]])
    open_ = _status(params.get("status"))
    start, end = _date_window(params.get("start_date"), params.get("end_date"))
    return RequestFilter(codes=csv(params.get("service_code")), open=open_, start=start, end=end)


def _status(text: str) -> bool | None:
    statuses = set(csv(text.lower()))
    if statuses - set(RequestStatus):
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    if len(statuses) == 1:
        return statuses == {RequestStatus.OPEN}
    return None


def _parse_w3c(text: str, parameter: str, *, end: bool = False) -> datetime:
    # An unescaped "+" in a query string arrives as a space: "…T10:00:00 03:30".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", to_latin_digits(text))
    try:
        day = parse_date(text) if "T" not in text.upper() else None
        moment = parse_datetime(text) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        # A date alone means the whole day, in Iran's time.
        moment = datetime.combine(day, time.max if end else time.min)
    if moment is None:
        raise Open311Error(
            400,
            _("%(parameter)s must be a W3C date and time, such as 2025-03-21T08:00:00+03:30.")
            % {"parameter": parameter},
        )
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Open311Error(
            400,
            _("%(parameter)s must be a date between the years %(first)s and %(last)s.")
            % {
                "parameter": parameter,
                "first": number(EARLIEST_YEAR),
                "last": number(LATEST_YEAR),
            },
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _date_window(start_text: str, end_text: str) -> tuple[datetime, datetime | None]:
    """The filing dates to list: at most DEFAULT_SPAN, by default the last DEFAULT_SPAN."""
    start = _parse_w3c(start_text, "start_date") if start_text else None
    end = _parse_w3c(end_text, "end_date", end=True) if end_text else None
    if start is None and end is None:
        return timezone.now() - DEFAULT_SPAN, None
    start = start or end - DEFAULT_SPAN
    end = end or start + DEFAULT_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > DEFAULT_SPAN:
        raise Open311Error(
            400,
            _("start_date and end_date may not span more than %(days)s days.")
            % {"days": number(DEFAULT_SPAN.days)},
        )
    return start, end


# ---------------------------------------------------------------- reporting


def location(params: Params) -> tuple[float, float]:
    """(lat, long) of a report: required, as WGS84 decimal degrees."""
    lat_text, lon_text = params.get("lat"), params.get("long")
    if not lat_text and not lon_text:
        if params.get("address_string") or params.get("address_id"):
            raise Open311Error(
                400,
                _(
                    "lat and long are required: reports go to the station whose jurisdiction "
                    "holds the place, which an address alone cannot tell. Send address_string "
                    "with them to describe the place."
                ),
            )
        raise Open311Error(400, _("lat and long were not provided."))
    try:
        lat, lon = float(to_latin_digits(lat_text)), float(to_latin_digits(lon_text))
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, _("lat and long must both be given as WGS84 decimal degrees."))
    return lat, lon


@dataclass(frozen=True)
class Report:
    """The texts of a report, as the complaint they become holds them."""

    summary: str
    narrative: str
    location_text: str
    complainant_name: str
    national_code: str
    mobile: str

    def is_anonymous(self, *, allowed: bool) -> bool:
        # Open311 has no flag for it: a report with no identity is anonymous where allowed.
        return allowed and not self.complainant_name and not self.national_code


def report(params: Params, *, name_limit: int, address_limit: int) -> Report:
    """The report's texts; the complaint's own limits are the caller's (the model's)."""
    description, address = params.get("description"), params.get("address_string")
    if not description:
        raise Open311Error(400, _("description was not provided."))
    if len(description) > DESCRIPTION_LIMIT:
        raise Open311Error(
            400,
            _("description may have at most %(n)s characters.") % {"n": number(DESCRIPTION_LIMIT)},
        )
    if len(address) > address_limit:
        raise Open311Error(
            400,
            _("address_string may have at most %(n)s characters.") % {"n": number(address_limit)},
        )
    extra = dict(params.attributes)
    national_code = (extra.pop(NATIONAL_CODE_ATTRIBUTE, None) or [""])[0]
    name = " ".join(p for p in (params.get("first_name"), params.get("last_name")) if p)
    if len(name) > name_limit:
        raise Open311Error(
            400,
            _("first_name and last_name together may have at most %(n)s characters.")
            % {"n": number(name_limit)},
        )
    return Report(
        summary=summary(description),
        narrative=narrative(
            description, extra, email=params.get("email"), media_url=params.get("media_url")
        ),
        location_text=address,
        complainant_name=name,
        national_code=national_code,
        mobile=params.get("phone"),
    )


def summary(description: str) -> str:
    """The description's first line, cut to SUMMARY_LENGTH."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first_line) <= SUMMARY_LENGTH:
        return first_line
    return first_line[: SUMMARY_LENGTH - 1].rstrip() + "…"


def narrative(
    description: str, attributes: Mapping[str, list[str]], *, email: str, media_url: str
) -> str:
    """The description, then what else the application sent, for the station's eyes only."""
    extra = [f"{code}: {', '.join(values)}" for code, values in attributes.items() if values]
    if email:
        extra.append(_("Email: %(email)s") % {"email": email})
    if media_url:
        extra.append(_("Media: %(url)s") % {"url": media_url})
    return "\n\n".join(part for part in (description, "\n".join(extra)) if part)
