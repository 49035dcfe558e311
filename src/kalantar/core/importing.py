"""What the bulk importers share (incidents, guards, institutions): every row is checked
first and every problem reported by its line, in the user's language and digits; nothing is
stored until the file is clean. Rows are written below the ORM with `core.bulk`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kalantar.core.persian import active_digits, format_number

__all__ = [
    "MAX_REPORTED_ERRORS",
    "ImportErrors",
    "ImportRefused",
    "ImportResult",
    "header_problems",
    "normalized_header",
    "num",
]

# A file with more problems than this shows the first ones and the total.
MAX_REPORTED_ERRORS = 200


def num(n: int, *, grouping: bool = True) -> str:
    """A count or line number in the digits of the active language."""
    return format_number(n, digits=active_digits(), grouping=grouping)


class ImportRefused(Exception):
    """The file has errors; nothing was imported. `errors` are lines for the user, in the
    active language."""

    def __init__(self, errors: list[str], total: int) -> None:
        super().__init__(f"{total} errors")
        self.errors = errors
        self.total = total


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    seconds: float


class ImportErrors:
    """The problems found so far: the first MAX_REPORTED_ERRORS as lines, and how many."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_REPORTED_ERRORS:
            self.lines.append(
                _("Line %(line)s: %(message)s")
                % {"line": num(line, grouping=False), "message": message}
            )

    def add_file(self, message: str) -> None:
        """A problem of the whole file (its header), not of one line."""
        self.total += 1
        self.lines.append(message)

    def refuse_if_any(self) -> None:
        if self.total:
            raise ImportRefused(self.lines, self.total)


def normalized_header(header: list[str]) -> list[str]:
    """Column names as compared: trimmed, lower-case, without a byte-order mark."""
    return [h.strip().lstrip("\ufeff").lower() for h in header]


def header_problems(
    header: list[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> list[str]:
    """What is wrong with a file's columns: missing, unknown or repeated ones."""
    problems: list[str] = []
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if len(set(header)) != len(header):
        problems.append(_("A column appears twice in the header."))
    return problems
