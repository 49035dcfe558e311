"""Named places on the maps: the units' headquarters and the addresses already recorded.

The maps label what the system knows (county commands, stations and outposts at their
headquarters) and search it by name, so that "click where it happened" starts from a place
a person recognises even without a tile server. Staff also find the addresses of the
records in their scope (each app offers its own through core.extensions.AddressSource);
the public search offers unit names only, never a citizen's address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kalantar.core import extensions
from kalantar.core.persian import normalize_for_search, search_key
from kalantar.org.models import Unit

ADDRESS = "address"
LABELLED_KINDS = (Unit.Kind.COUNTY, Unit.Kind.KALANTARI, Unit.Kind.PASGAH)
MAX_RESULTS = 12
MAX_QUERY = 100


@dataclass(frozen=True)
class Place:
    name: str
    lon: float
    lat: float
    kind: str  # a unit's kind, or ADDRESS
    name_en: str = ""
    code: str = ""

    def as_feature(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "name": self.name,
                "name_en": self.name_en,
                "kind": self.kind,
                "code": self.code,
            },
        }


def feature_collection(places: list[Place]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [p.as_feature() for p in places]}


def unit_places() -> list[Place]:
    """Every active county command, station and outpost with a headquarters on record.

    Unit names are public (the citizens' form names the station of a point), so the labels
    are the same for everyone.
    """
    units = (
        Unit.objects.filter(is_active=True, kind__in=LABELLED_KINDS, hq_lon__isnull=False)
        .order_by("path")
        .values_list("name", "name_en", "kind", "code", "hq_lon", "hq_lat")
    )
    return [
        Place(name=name, name_en=name_en, kind=kind, code=code, lon=lon, lat=lat)
        for name, name_en, kind, code, lon, lat in units
    ]


def search(user: Any, query: str, *, public: bool) -> list[Place]:
    """Places whose name (or, for staff, recorded address) holds every word of `query`.

    Names that start with the query come first; addresses follow the units.
    """
    words = normalize_for_search(query[:MAX_QUERY]).split()
    if not words:
        return []
    keys = [search_key(w) for w in words]
    found = [p for p in unit_places() if _matches(keys, p)]
    found.sort(key=lambda p: not search_key(p.name).startswith(keys[0]))
    if not public:
        found += _addresses(user, words, MAX_RESULTS - len(found[:MAX_RESULTS]))
    return found[:MAX_RESULTS]


# Recorded rows an address source reads at most (newest first) before matching each word.
ADDRESS_ROWS = 200


def first_matching_addresses(
    rows: Iterable[tuple[str, float, float]], words: list[str], limit: int
) -> list[tuple[str, float, float]]:
    """The first `limit` distinct addresses among (text, lon, lat) rows whose normalised text
    holds every word: the database narrows, this decides (shared by every address source)."""
    found: dict[str, tuple[str, float, float]] = {}
    for text, lon, lat in rows:
        place = normalize_for_search(text)
        if all(word in place for word in words) and place not in found:
            found[place] = (text, lon, lat)
            if len(found) >= limit:
                break
    return list(found.values())


def _matches(keys: list[str], place: Place) -> bool:
    return any(
        all(k in name for k in keys) for name in (search_key(place.name), search_key(place.name_en))
    )


def _addresses(user: Any, words: list[str], limit: int) -> list[Place]:
    found: list[Place] = []
    seen: set[str] = set()
    for source in extensions.address_sources():
        if len(found) >= limit:
            break
        for text, lon, lat in source.search(user, words, limit):
            key = search_key(text)
            if key in seen:
                continue
            seen.add(key)
            found.append(Place(name=text, lon=lon, lat=lat, kind=ADDRESS))
    return found[:limit]
