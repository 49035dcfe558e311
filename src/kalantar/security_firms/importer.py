"""Bulk import of guards and institutions from CSV or XLSX, on the incidents importer's
shape: every row is checked first, every problem reported by its line in the user's
language, and nothing at all is stored until the file is clean. Re-importing updates the
rows already stored (by national code for guards, by licence number for institutions).

Guards' columns: national_code, first_name, last_name, birth_date, institution (its licence
number), activities (codes separated by "," or "،"), and optionally mobile, licence_number,
licence_issued, licence_expires, status. Institutions' columns: licence_number, name,
province (unit code), licence_issued, licence_expires, activities, and optionally status,
head_office_address, head_office_phone.

Dates are ISO (2025-03-01) or Jalali (1403/12/11). New rows are written with
`core.bulk` (COPY on PostgreSQL, one executemany on SQLite), not the ORM; the refusal and
its errors by line are `core.importing`'s.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kalantar.core import audit, bulk
from kalantar.core.importing import (
    ImportErrors,
    ImportRefused,
    ImportResult,
    header_problems,
    normalized_header,
    num,
)
from kalantar.core.jalali import JalaliDateError, parse_jalali_date, tehran_today
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.validators import is_valid_national_code
from kalantar.org.models import Unit
from kalantar.security_firms.models import Activity, Guard, Institution, LicenceStatus
from kalantar.security_firms.services import MIN_AGE, age_on

__all__ = ["ImportRefused", "ImportResult", "import_guards", "import_institutions", "read_rows"]

CHUNK = 20_000
_LOOKUP = 5000
Progress = Callable[[str, int, int], None]  # (stage, done, total)

GUARD_REQUIRED = (
    "national_code",
    "first_name",
    "last_name",
    "birth_date",
    "institution",
    "activities",
)
GUARD_OPTIONAL = ("mobile", "licence_number", "licence_issued", "licence_expires", "status")
INSTITUTION_REQUIRED = (
    "licence_number",
    "name",
    "province",
    "licence_issued",
    "licence_expires",
    "activities",
)
INSTITUTION_OPTIONAL = ("status", "head_office_address", "head_office_phone")
_GUARD_STATUSES = {s for s in Guard.Status.values if s != Guard.Status.REJECTED}


# --- Reading -----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for values in book.active.iter_rows(values_only=True):
            yield [
                "" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v))
                for v in values
            ]
    finally:
        book.close()


def read_rows(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower-cased) and the non-empty rows with their line numbers."""
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(path)
    reader = _xlsx_rows(file) if file.suffix.lower() == ".xlsx" else _csv_rows(file)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefused([_("The file is empty.")], 1)
        rows = [(n, r) for n, r in enumerate(reader, start=2) if any(c.strip() for c in r)]
    except (csv.Error, UnicodeDecodeError):
        raise ImportRefused([_("The file is not readable UTF-8 CSV.")], 1) from None
    return normalized_header(header), rows


def _check_header(header: list[str], required: tuple, optional: tuple) -> None:
    if errors := header_problems(header, required, optional):
        raise ImportRefused(errors, len(errors))


# --- Checking values ---------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """An ISO Gregorian date or a Jalali one; None if it is neither."""
    text = to_latin_digits(text).strip()
    if not text:
        return None
    try:
        if len(text) == 10 and text[4] == "-" and int(text[:4]) > 1700:
            return date.fromisoformat(text)
        return parse_jalali_date(text)
    except (ValueError, JalaliDateError):
        return None


def _activities(text: str, allowed: set[str] | None = None) -> list[str] | None:
    parts = [p.strip().lower() for p in to_latin_digits(text).replace("،", ",").split(",")]
    chosen = list(dict.fromkeys(p for p in parts if p))
    if not chosen or any(a not in Activity.values for a in chosen):
        return None
    if allowed is not None and not set(chosen) <= allowed:
        return None
    return chosen


@dataclass
class _Guards:
    """Checked guard rows, column by column."""

    lines: list[int] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)


def _row_dict(header: list[str], row: list[str]) -> dict[str, str] | None:
    if len(row) != len(header):
        return None
    return {h: normalize_text(v).strip() for h, v in zip(header, row, strict=True)}


def _guard_problems(
    values: dict, institutions: dict[str, tuple[int, set[str]]], today: date
) -> list[str]:
    problems = []
    code = to_latin_digits(values["national_code"]).replace("-", "")
    if not (len(code) == 10 and code.isdigit() and is_valid_national_code(code)):
        problems.append(
            _("the national code “%(v)s” is not valid.") % {"v": values["national_code"]}
        )
    values["national_code"] = code
    if not values["first_name"] or not values["last_name"]:
        problems.append(_("the first and last name are required."))
    birth = parse_day(values["birth_date"])
    if birth is None:
        problems.append(_("the date of birth is not a date."))
    elif age_on(birth, today) < MIN_AGE:
        problems.append(_("the guard is under 18."))
    values["birth_date"] = birth
    institution = institutions.get(values["institution"])
    if institution is None:
        problems.append(_("no institution holds licence “%(v)s”.") % {"v": values["institution"]})
    chosen = _activities(values["activities"], institution[1] if institution else None)
    if chosen is None:
        problems.append(_("the activities are unknown or not licensed to the institution."))
    values["activities"] = chosen
    values["institution_id"] = institution[0] if institution else None
    problems += _licence_problems(values)
    return problems


def _licence_problems(values: dict) -> list[str]:
    problems = []
    number = to_latin_digits(values.get("licence_number", "")).upper() or None
    values["licence_number"] = number
    status = (values.get("status") or ("active" if number else "applicant")).lower()
    if status not in _GUARD_STATUSES:
        problems.append(_("unknown status “%(v)s”.") % {"v": values.get("status")})
    values["status"] = status
    issued = parse_day(values.get("licence_issued", ""))
    expires = parse_day(values.get("licence_expires", ""))
    if number and (issued is None or expires is None or expires <= issued):
        problems.append(_("a licence needs its issue and expiry dates, expiry after issue."))
    if status != "applicant" and not number:
        problems.append(_("a guard with status “%(v)s” needs a licence number.") % {"v": status})
    values["licence_issued"], values["licence_expires"] = issued, expires
    return problems


def _duplicates(rows: _Guards, key: str, label: str, errors: ImportErrors) -> None:
    seen: dict[str, int] = {}
    for line, values in zip(rows.lines, rows.values, strict=True):
        value = values.get(key)
        if not value:
            continue
        if value in seen:
            errors.add(
                line,
                _("%(what)s “%(v)s” already appears on line %(first)s.")
                % {"what": label, "v": value, "first": num(seen[value], grouping=False)},
            )
        else:
            seen[value] = line


def _institution_index() -> dict[str, tuple[int, set[str]]]:
    return {
        number: (pk, set(acts))
        for number, pk, acts in Institution.objects.values_list(
            "licence_number", "pk", "activities"
        )
    }


def parse_guards(header: list[str], rows, progress: Progress | None = None) -> _Guards:
    _check_header(header, GUARD_REQUIRED, GUARD_OPTIONAL)
    errors, checked = ImportErrors(), _Guards()
    institutions, today = _institution_index(), tehran_today()
    for done, (line, row) in enumerate(rows, start=1):
        values = _row_dict(header, row)
        if values is None:
            errors.add(line, _("expected %(n)s fields.") % {"n": num(len(header))})
            continue
        for problem in _guard_problems(values, institutions, today):
            errors.add(line, problem)
        checked.lines.append(line)
        checked.values.append(values)
        if progress and done % 50_000 == 0:
            progress(_("rows checked"), done, len(rows))
    _duplicates(checked, "national_code", _("National code"), errors)
    _duplicates(checked, "licence_number", _("Licence number"), errors)
    errors.refuse_if_any()
    _licences_held_by_others(checked, errors)
    errors.refuse_if_any()
    if not checked.values:
        raise ImportRefused([_("The file contains no rows.")], 1)
    return checked


def _licences_held_by_others(rows: _Guards, errors: ImportErrors) -> None:
    """A licence number stored for another national code is a conflict."""
    wanted = {
        v["licence_number"]: (line, v["national_code"])
        for line, v in zip(rows.lines, rows.values, strict=True)
        if v["licence_number"]
    }
    numbers = list(wanted)
    for start in range(0, len(numbers), _LOOKUP):
        held = Guard.objects.filter(licence_number__in=numbers[start : start + _LOOKUP])
        for number, code in held.values_list("licence_number", "national_code"):
            line, own = wanted[number]
            if code != own:
                errors.add(line, _("licence “%(v)s” belongs to another guard.") % {"v": number})


# --- Writing -----------------------------------------------------------------------------------


def _stored_ids(model, key: str, values: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(values), _LOOKUP):
        found.update(
            model.objects.filter(**{f"{key}__in": values[start : start + _LOOKUP]})
            .order_by()
            .values_list(key, "pk")
        )
    return found


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _guard_columns(values: list[dict], now_text: str) -> dict[str, list]:
    return {
        "national_code": [v["national_code"] for v in values],
        "first_name": [v["first_name"] for v in values],
        "last_name": [v["last_name"] for v in values],
        "name_search": [f"{v['first_name']} {v['last_name']}" for v in values],
        "surname_search": [f"{v['last_name']} {v['first_name']}" for v in values],
        "photo_token": [""] * len(values),
        "photo": [""] * len(values),
        "birth_date": [_day(v["birth_date"]) for v in values],
        "mobile": [to_latin_digits(v.get("mobile", "")) for v in values],
        "institution_id": [v["institution_id"] for v in values],
        "activities": [json.dumps(v["activities"]) for v in values],
        "licence_number": [v["licence_number"] for v in values],
        "licence_issued": [_day(v["licence_issued"]) for v in values],
        "licence_expires": [_day(v["licence_expires"]) for v in values],
        "status": [v["status"] for v in values],
        "status_reason": [""] * len(values),
        "status_changed_at": [now_text] * len(values),
        "applied_at": [now_text] * len(values),
    }


_UPDATED = (
    "first_name", "last_name", "name_search", "surname_search", "birth_date", "mobile",
    "institution_id", "activities", "licence_number", "licence_issued", "licence_expires",
    "status",
)  # fmt: skip


def _update_rows(table: str, columns: dict[str, list], ids: list[int]) -> None:
    names = [c for c in _UPDATED if c in columns]
    sets = ", ".join(f"{c} = %s" for c in names)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sets = sets.replace("activities = %s", f"activities = %s{cast}")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",
            list(zip(*(columns[c] for c in names), ids, strict=True)),
        )


def write_guards(rows: _Guards, *, by=None, progress: Progress | None = None) -> ImportResult:
    started = timezone.now()
    now_text = bulk.instants(_micros_now())[0]
    table = Guard._meta.db_table
    with transaction.atomic():
        stored = _stored_ids(Guard, "national_code", [v["national_code"] for v in rows.values])
        new = [v for v in rows.values if v["national_code"] not in stored]
        old = [v for v in rows.values if v["national_code"] in stored]
        for start in range(0, len(new), CHUNK):
            bulk.insert_columns(table, _guard_columns(new[start : start + CHUNK], now_text))
            if progress:
                progress(_("new guards written"), min(start + CHUNK, len(new)), len(new))
        for start in range(0, len(old), CHUNK):
            part = old[start : start + CHUNK]
            ids = [stored[v["national_code"]] for v in part]
            _update_rows(table, _guard_columns(part, now_text), ids)
            if progress:
                progress(_("guards updated"), min(start + CHUNK, len(old)), len(old))
        audit.record(
            "security_firms.imported",
            actor=by,
            object_type="security_firms.guard",
            detail={"created": len(new), "updated": len(old)},
        )
    seconds = (timezone.now() - started).total_seconds()
    return ImportResult(len(new), len(old), seconds)


def _micros_now() -> np.ndarray:
    return np.array([int(timezone.now().timestamp() * 1_000_000)], dtype=np.int64)


def refresh_statistics(*models) -> None:
    """Have PostgreSQL's planner see what a bulk import wrote: until autovacuum gets to it,
    a table that grew from nothing looks empty, and a search by name then walked the whole
    range of a surname once per institution (minutes instead of milliseconds)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def import_guards(path: str, *, by=None, progress: Progress | None = None) -> ImportResult:
    header, rows = read_rows(path)
    checked = parse_guards(header, rows, progress)
    result = write_guards(checked, by=by, progress=progress)
    refresh_statistics(Guard)
    return result


# --- Institutions ------------------------------------------------------------------------------


def _institution_problems(values: dict, provinces: dict[str, int]) -> list[str]:
    problems = []
    values["licence_number"] = to_latin_digits(values["licence_number"])
    if not values["licence_number"] or not values["name"]:
        problems.append(_("the licence number and the name are required."))
    values["province_id"] = provinces.get(values["province"].upper())
    if values["province_id"] is None:
        problems.append(_("no province has the code “%(v)s”.") % {"v": values["province"]})
    issued, expires = parse_day(values["licence_issued"]), parse_day(values["licence_expires"])
    if issued is None or expires is None or expires <= issued:
        problems.append(_("a licence needs its issue and expiry dates, expiry after issue."))
    values["licence_issued"], values["licence_expires"] = issued, expires
    values["activities"] = _activities(values["activities"])
    if values["activities"] is None:
        problems.append(_("the activities are unknown."))
    values["status"] = (values.get("status") or "active").lower()
    if values["status"] not in LicenceStatus.values:
        problems.append(_("unknown status “%(v)s”.") % {"v": values["status"]})
    return problems


def import_institutions(path: str, *, by=None, progress: Progress | None = None) -> ImportResult:
    header, rows = read_rows(path)
    _check_header(header, INSTITUTION_REQUIRED, INSTITUTION_OPTIONAL)
    provinces = dict(Unit.objects.filter(kind=Unit.Kind.PROVINCE).values_list("code", "pk"))
    errors, checked = ImportErrors(), _Guards()
    for line, row in rows:
        values = _row_dict(header, row)
        if values is None:
            errors.add(line, _("expected %(n)s fields.") % {"n": num(len(header))})
            continue
        for problem in _institution_problems(values, provinces):
            errors.add(line, problem)
        checked.lines.append(line)
        checked.values.append(values)
    _duplicates(checked, "licence_number", _("Licence number"), errors)
    errors.refuse_if_any()
    if not checked.values:
        raise ImportRefused([_("The file contains no rows.")], 1)
    result = _write_institutions(checked.values, by=by, progress=progress)
    refresh_statistics(Institution)
    return result


OFFICE_FIELDS = ("head_office_address", "head_office_phone")


def _write_institutions(values: list[dict], *, by, progress: Progress | None) -> ImportResult:
    started = timezone.now()
    fields = ("name", "province_id", "licence_issued", "licence_expires", "status", "activities")
    with transaction.atomic():
        stored = {
            i.licence_number: i
            for i in Institution.objects.filter(
                licence_number__in=[v["licence_number"] for v in values]
            )
        }
        new, old = [], []
        for v in values:
            extra = {k: v.get(k, "") for k in OFFICE_FIELDS}
            row = stored.get(v["licence_number"]) or Institution(licence_number=v["licence_number"])
            for name in fields:
                setattr(row, name, v[name])
            row.name_search = row.name
            for name, value in extra.items():
                setattr(row, name, value)
            (old if row.pk else new).append(row)
        Institution.objects.bulk_create(new, batch_size=2000)
        Institution.objects.bulk_update(
            old, [*fields, "name_search", *OFFICE_FIELDS], batch_size=2000
        )
        if progress:
            progress(_("institutions written"), len(values), len(values))
        audit.record(
            "security_firms.institutions_imported",
            actor=by,
            object_type="security_firms.institution",
            detail={"created": len(new), "updated": len(old)},
        )
    seconds = (timezone.now() - started).total_seconds()
    return ImportResult(len(new), len(old), seconds)
