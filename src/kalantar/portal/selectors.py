"""Reads for the citizens' pages (no writes): receipts, the map picker's areas, ratings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipt_page import receipt_facts
from kalantar.complaints.receipts import ReceiptFacts
from kalantar.org.models import Unit
from kalantar.org.selectors import export_feature_collection

# What the public map may know of a unit: nothing beyond its name and kind.
PUBLIC_UNIT_PROPERTIES = ("code", "name", "name_en", "kind")


def complaint_with_receipt(code: str) -> Complaint | None:
    """The complaint a receipt is printed for, with what the receipt names."""
    return (
        Complaint.objects.select_related("category", "unit", "received_by")
        .filter(tracking_code=code)
        .first()
    )


def complaint_to_rate(code: str) -> Complaint:
    """The complaint a citizen rates, once the lookup has shown it to them."""
    return Complaint.objects.get(tracking_code=code)


def public_jurisdictions() -> dict[str, Any]:
    """The active units' areas as GeoJSON, with their public names only."""
    collection = export_feature_collection(Unit.objects.filter(is_active=True))
    features = [
        {
            "type": "Feature",
            "properties": {key: feature["properties"][key] for key in PUBLIC_UNIT_PROPERTIES},
            "geometry": feature["geometry"],
        }
        for feature in collection["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class ReceiptRecord:
    """What the record says about a genuine receipt: the station and category it names,
    and whether the complaint is on record with the same facts."""

    station: Unit | None
    category: Category | None
    on_record: bool
    matches: bool


def receipt_record(facts: ReceiptFacts) -> ReceiptRecord:
    complaint = (
        Complaint.objects.select_related("unit", "category")
        .filter(tracking_code=facts.tracking_code)
        .first()
    )
    return ReceiptRecord(
        station=Unit.objects.filter(code=facts.station).first(),
        category=Category.objects.filter(code=facts.category).first(),
        on_record=complaint is not None,
        matches=complaint is not None and receipt_facts(complaint) == facts,
    )


def public_unit(code: str) -> Unit | None:
    """The unit a citizen's draft names (its name is public; nothing else is read)."""
    return Unit.objects.filter(code=code).first()
