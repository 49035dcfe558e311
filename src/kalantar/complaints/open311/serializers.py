"""Records as GeoReport v2 documents (dicts and lists), and documents as JSON or XML bytes.

No queries: a complaint arrives with its category and unit already loaded (see
`selectors.public_requests`). Texts are in the active language.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.complaints import workflow
from kalantar.complaints.addresses import public_street
from kalantar.complaints.models import Category, Complaint
from kalantar.core.persian import active_digits, format_number, localized

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this API last changed; clients compare it to notice changes. Update with the API.
CHANGESET = "2026-11-24T00:00:00+03:30"
COORDINATE_DECIMALS = 3  # about 100 m: enough to see the area, not the house
NATIONAL_CODE_ATTRIBUTE = "national_code"

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# In XML a list is an element holding one child per item; these name the children.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# The citizen's text per status, except that an Open311 reader cannot see a rejection's reason.
STATUS_NOTES = {
    **workflow.CITIZEN_TEXT,
    workflow.REJECTED: gettext_lazy(
        "The complaint could not be accepted; the complainant can see the reason on the "
        "status page."
    ),
}


# ---------------------------------------------------------------- encoding


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _xml_element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        element.extend(_xml_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_xml_element(XML_ITEMS[name], item) for item in value)
    elif value is not None:
        element.text = _xml_text(value)
    return element


def encode(fmt: str, root: str, data: Any) -> tuple[bytes, str]:
    """`data` as JSON, or as XML under the element `root` (the JSON form has no root); with
    its content type."""
    if fmt == "xml":
        body = ET.tostring(_xml_element(root, data), encoding="utf-8", xml_declaration=True)
        return body, XML_TYPE
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), JSON_TYPE


def error_list(status: int, descriptions: list[str]) -> list[dict[str, Any]]:
    return [{"code": status, "description": str(text)} for text in descriptions]


class RequestStatus(StrEnum):
    """GeoReport v2's two statuses; the complaint's own workflow maps onto them."""

    OPEN = "open"
    CLOSED = "closed"


# ---------------------------------------------------------------- values


def number(n: int) -> str:
    """A number in the active language's digits, ungrouped (messages of the API)."""
    return format_number(n, digits=active_digits(), grouping=False)


def _w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of Iran's time, as the standard requires an offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _coarse(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


# ---------------------------------------------------------------- documents


def discovery(*, url: str, contact: str) -> dict[str, Any]:
    """The Service Discovery document of the endpoint at `url`."""
    endpoint = {
        "specification": SPECIFICATION,
        "url": url,
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "Reading needs no key; keys for reporting are issued by this site's administrators."
        ),
        "endpoints": [endpoint],
    }


def service_notice(category: Category) -> str:
    numbers = {
        "hours": number(category.first_action_hours),
        "days": number(category.closure_days),
    }
    if category.route == Category.Route.INSPECTION:
        text = _(
            "The province's inspection office will act within %(hours)s hours; expected "
            "closure within %(days)s days."
        )
    elif category.refer_to_agency:
        text = _(
            "The station will refer this to the responsible agency within %(hours)s hours and "
            "follow it up; expected closure within %(days)s days."
        )
    else:
        text = _(
            "The station will act within %(hours)s hours; expected closure within %(days)s days."
        )
    return text % numbers


def _group(category: Category) -> str:
    if category.route == Category.Route.INSPECTION:
        return _("Police conduct")
    if category.refer_to_agency:
        return _("Public spaces")
    return _("Crime and safety")


def _service_description(category: Category) -> str:
    if category.anonymous_allowed:
        who = _("May be reported anonymously.")
    else:
        who = _(
            "Needs the reporter's first_name, last_name and national code "
            "(attribute[national_code])."
        )
    parts = [service_notice(category), who]
    if category.route == Category.Route.INSPECTION:
        parts.append(
            _(
                "Reports of this kind never appear in Open311, not even to the application "
                "that filed one: the complainant follows it with the tracking code sent by SMS."
            )
        )
    elif not category.publishable:
        parts.append(
            _(
                "Reports of this kind are not published: only the application that filed one "
                "can read it."
            )
        )
    return " ".join(parts)


def attributes(category: Category) -> list[dict[str, Any]]:
    """The service definition's attributes: what a report of this kind must carry beyond the
    standard's fields. A category that may not be reported anonymously needs the reporter's
    national code."""
    if category.anonymous_allowed:
        return []
    return [
        {
            "variable": True,
            "code": NATIONAL_CODE_ATTRIBUTE,
            "datatype": "string",
            "required": True,
            "datatype_description": _("Ten digits, in Persian or Latin digits."),
            "order": 1,
            "description": _(
                "The reporter's national code (کد ملی), as on the national identity card. "
                "With first_name and last_name it identifies the complainant; it is never "
                "published."
            ),
        }
    ]


def service(category: Category) -> dict[str, Any]:
    keywords = dict.fromkeys(k for k in (category.name, category.name_en, category.code) if k)
    return {
        "service_code": category.code,
        "service_name": localized(category.name, category.name_en),
        "description": _service_description(category),
        "metadata": bool(attributes(category)),
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": _group(category),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": attributes(category)}


def service_request(complaint: Complaint) -> dict[str, Any]:
    """What anyone may read of a complaint: no personal data, the street at most, a coarse
    location."""
    updated = getattr(complaint, "public_updated_at", None) or complaint.filed_at
    return {
        "service_request_id": complaint.open311_id,
        "status": RequestStatus.OPEN if complaint.is_open else RequestStatus.CLOSED,
        "status_notes": str(STATUS_NOTES.get(complaint.status, "")) or None,
        "service_name": localized(complaint.category.name, complaint.category.name_en),
        "service_code": complaint.category.code,
        "description": complaint.summary,
        "agency_responsible": localized(complaint.unit.name, complaint.unit.name_en),
        "service_notice": service_notice(complaint.category),
        "requested_datetime": _w3c(complaint.filed_at),
        "updated_datetime": _w3c(updated),
        "expected_datetime": _w3c(complaint.closure_due),
        "address": public_street(complaint.location_text) or None,
        "lat": _coarse(complaint.lat),
        "long": _coarse(complaint.lon),
    }


def created(complaint: Complaint) -> dict[str, Any]:
    """The answer to a report: realtime services give its id at once."""
    return {
        "service_request_id": complaint.open311_id,
        "service_notice": service_notice(complaint.category),
        "account_id": None,
    }


def token(complaint: Complaint) -> dict[str, Any]:
    """A request's token is its Open311 id (requests are registered synchronously)."""
    return {"service_request_id": complaint.open311_id, "token": complaint.open311_id}
