"""What a person fills in to register an agency or open a project, before it is stored.

The forms, the demo and `open_problem_from_alert` build these; `services.create_agency`
and `services.open_problem` check and store them. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any


@dataclass(frozen=True)
class AgencyDraft:
    """An agency as typed; `contacts` are the fields of each contact person."""

    name: str
    kind: str
    name_en: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    contacts: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class ProblemDraft:
    """A project's scanning as typed: what it is about, where and over which days.

    `hotspot_cell` is the map cell the project was opened from, if any.
    """

    title: str
    period_start: date | None
    period_end: date | None
    categories: Sequence[str] = ()
    area_cells: Sequence[str] = ()
    trigger: str = ""
    hotspot_cell: str = ""

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> ProblemDraft:
        """A draft from a form's cleaned data; fields the draft does not hold are left out."""
        return cls(**{spec.name: values[spec.name] for spec in fields(cls) if spec.name in values})
