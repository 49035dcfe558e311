"""What a case is opened with, as data: the conduct report, whoever brought it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kalantar.org.models import Unit


@dataclass(frozen=True)
class CaseReport:
    """A report of an officer's conduct, as the app it came from holds it (a complaint, a
    197 message, a guard's report) or as an inspector typed it."""

    source_kind: str  # a Case.Source value
    station: Unit | None
    summary: str
    source_reference: str = ""
    complainant_name: str = ""
    complainant_mobile: str = ""
    accused_officer: Any = None  # a people.User
    accused_name: str = ""
    tracking_code: str = ""
