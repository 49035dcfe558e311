"""The one way counts derived from incidents follow the incidents.

Every write of incidents (a service changing one, an import of a million, the demo) tells
`record` what it changed, as the rows it took away (as they were) and the rows it put in
(as they are now), inside its own transaction. `record` hands that change to every
projection registered: this app's daily counts and those of the apps above it. No ORM
signals: a write that does not call `record` is a bug that `kalantar verify_counts`
reports as drift. The daily counts register here like any other (incidents' apps.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from kalantar.incidents.models import Incident


@dataclass(frozen=True)
class Rows:
    """Incidents as parallel columns, the fields counts are keyed on: station ids, local
    days (datetime64[D]), categories, H3 cells, and whether each is closed."""

    station_id: np.ndarray
    day: np.ndarray
    category: list[str]
    h3_cell: list[str]
    closed: np.ndarray

    def __len__(self) -> int:
        return len(self.station_id)

    @classmethod
    def empty(cls) -> Rows:
        return cls(np.empty(0, np.int64), np.empty(0, "datetime64[D]"), [], [], np.empty(0, bool))

    @classmethod
    def of(cls, incidents: Iterable[Incident]) -> Rows:
        incidents = list(incidents)
        return cls(
            np.array([i.station_id for i in incidents], dtype=np.int64),
            np.array([i.day for i in incidents], dtype="datetime64[D]"),
            [i.category for i in incidents],
            [i.h3_cell for i in incidents],
            np.array([i.status == Incident.Status.CLOSED for i in incidents], dtype=bool),
        )

    def where(self, mask: np.ndarray) -> Rows:
        picked = np.flatnonzero(mask).tolist()
        return Rows(
            self.station_id[mask],
            self.day[mask],
            [self.category[i] for i in picked],
            [self.h3_cell[i] for i in picked],
            self.closed[mask],
        )


@dataclass(frozen=True)
class Change:
    """What one write did: `removed` rows no longer count as they were, `added` rows count
    as they are now (an updated incident is in both)."""

    removed: Rows
    added: Rows


@dataclass
class Drift:
    """What a verification found in one projection: keys stored with the wrong count,
    keys missing, keys stored that should not be, and a few of them for people to read."""

    name: str
    wrong: int = 0
    missing: int = 0
    extra: int = 0
    examples: list[str] = field(default_factory=list)
    fixed: bool = False

    def __bool__(self) -> bool:
        return bool(self.wrong or self.missing or self.extra)

    def add(self, other: Drift) -> None:
        """Fold the drift of another table of the same projection into this one."""
        self.wrong += other.wrong
        self.missing += other.missing
        self.extra += other.extra
        self.examples = (self.examples + other.examples)[:EXAMPLES]


EXAMPLES = 10


def compare(name: str, expected: Mapping[tuple, int], stored: Mapping[tuple, int]) -> Drift:
    """The drift of stored counts from those recounted (keys absent count zero)."""
    drift = Drift(name)
    differing = [
        key for key in expected.keys() | stored.keys() if expected.get(key, 0) != stored.get(key, 0)
    ]
    for key in sorted(differing, key=str):
        want, have = expected.get(key, 0), stored.get(key, 0)
        if not have:
            drift.missing += 1
        elif not want:
            drift.extra += 1
        else:
            drift.wrong += 1
        if len(drift.examples) < EXAMPLES:
            drift.examples.append(f"{name} {' '.join(map(str, key))}: {have} ≠ {want}")
    return drift


@dataclass(frozen=True)
class Projection:
    """Counts kept from the incidents: `apply` follows a change in the writer's transaction;
    `verify` recounts from the incidents and reports the drift, rewriting only when `fix`."""

    name: str
    apply: Callable[[Change], None]
    verify: Callable[[bool], Drift]


# Why a registry the portal fills from its apps.py, and not the portal's counts owned
# here: incidents sit below the portal in the layers, and what the public may see (closed
# incidents by Jalali month and coarse cell) is the portal's rule, so the portal keeps its
# counts and says how they follow. A registry rather than a Django signal: the
# verification reaches the same projections, and a failing one fails the write.
_projections: dict[str, Projection] = {}


def register(projection: Projection) -> None:
    """Add a projection (from an app's ready()); registering a name again replaces it."""
    _projections[projection.name] = projection


def projections() -> list[Projection]:
    return list(_projections.values())


def record(change: Change) -> None:
    """Bring every projection up to date with `change`, in the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("projection.record must run inside the write's transaction")
    if not len(change.removed) and not len(change.added):
        return
    for projection in projections():
        projection.apply(change)


def record_saved(before: Rows, incident: Incident) -> None:
    """The change of one incident saved: `before` as read (Rows.empty() when new)."""
    record(Change(before, Rows.of([incident])))


def verify(*, fix: bool = False) -> list[Drift]:
    """Recount every projection from the incidents; rewrite the drifted ones when `fix`."""
    return [projection.verify(fix) for projection in projections()]
