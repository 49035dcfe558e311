"""CompStat tables as CSV and XLSX (openpyxl), with Jalali period labels."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kalantar.analytics.compstat import Table
from kalantar.core.jalali import format_jalali_date
from kalantar.incidents import categories


def period_titles() -> dict[str, str]:
    return {
        "week": _("Week to date"),
        "d28": _("Last 28 days"),
        "ytd": _("Year to date"),
    }


def header(table: Table) -> list[str]:
    cells = [_("Incident type")]
    for pair in table.pairs:
        title = period_titles()[pair.key]
        cells += [
            f"{title}: {_('current')}",
            f"{title}: {_('previous')}",
            f"{title}: {_('change')}",
            f"{title}: z",
            f"{title}: {_('flagged')}",
        ]
    return cells


def body(table: Table) -> list[list]:
    lines = []
    for row in [*table.rows, table.total]:
        name = categories.label(row.category) if row.category else _("Total")
        cells: list = [name]
        for pair in table.pairs:
            f = row.figures[pair.key]
            cells += [f.current, f.previous, f.change, round(f.z, 2), _("yes") if f.flagged else ""]
        lines.append(cells)
    return lines


def spans(table: Table) -> list[str]:
    return [
        f"{period_titles()[p.key]}: {format_jalali_date(p.current.start, 'en')}–"
        f"{format_jalali_date(p.current.end, 'en')} / {format_jalali_date(p.previous.start, 'en')}–"
        f"{format_jalali_date(p.previous.end, 'en')}"
        for p in table.pairs
    ]


def to_csv(table: Table, unit_name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("CompStat"), unit_name, format_jalali_date(table.day, "en")])
    for line in spans(table):
        writer.writerow([line])
    writer.writerow(header(table))
    writer.writerows(body(table))
    # A byte-order mark lets spreadsheet programs read the Persian text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, unit_name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "CompStat"
    sheet.sheet_view.rightToLeft = True
    sheet.append([_("CompStat"), unit_name, format_jalali_date(table.day, "en")])
    for line in spans(table):
        sheet.append([line])
    sheet.append(header(table))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    flag_fill = PatternFill("solid", fgColor="F8D7DA")
    for line in body(table):
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if cell.value == _("yes"):
                cell.fill = flag_fill
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
