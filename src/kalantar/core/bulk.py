"""Fast bulk writes below the ORM (imported incidents and guards, demo data, rollups).

COPY on PostgreSQL and one executemany on SQLite: Django's bulk_create spends more time
building model instances and SQL (and, on SQLite, splits into batches of ~40 rows to stay
under the parameter limit) than the database spends storing them; bench/analytics.py
measures the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

import numpy as np
from django.db import connection


def _sqlite_datetime(value):
    # The same text Django's SQLite backend stores for an aware datetime: naive UTC.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if value else value


def _sqlite_date(value):
    return value.isoformat() if value else value


def _sqlite_rows(records: Iterable[Sequence]) -> list[tuple]:
    """Records with dates and datetimes as SQLite text, converting by column (types are
    taken from the first record; a column holds one type)."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        return []
    convert = [
        _sqlite_datetime
        if isinstance(v, datetime)
        else _sqlite_date
        if isinstance(v, date)
        else None
        for v in first
    ]
    if not any(convert):
        return [tuple(first), *map(tuple, records)]
    columns = [(i, f) for i, f in enumerate(convert) if f]

    def one(record):
        record = list(record)
        for i, f in columns:
            record[i] = f(record[i])
        return tuple(record)

    return [one(first), *map(one, records)]


def insert(table: str, columns: Sequence[str], records: Iterable[Sequence]) -> None:
    """Insert rows of `columns` into `table` inside the caller's transaction."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            _sqlite_rows(records),
        )


_PG_TYPES = {
    "source": "varchar(16)", "category": "varchar(40)", "priority": "smallint",
    "station_id": "bigint", "province_id": "bigint", "lon": "double precision",
    "lat": "double precision", "h3_cell": "varchar(16)", "occurred_at": "timestamptz",
    "day": "date",
}  # fmt: skip


def instants(micros: np.ndarray) -> list[str]:
    """UTC instants (µs since the epoch) as the text this database is given them in.

    SQLite: the text Django stores for an aware datetime (naive UTC, a space before the
    time, a fraction only when there is one), so that equality lookups match. PostgreSQL:
    ISO 8601 in UTC. Numpy formats a column at once: a tenth of the time of per-value
    astimezone() and isoformat()."""
    at = micros.astype("datetime64[us]")
    if connection.vendor == "postgresql":
        return np.datetime_as_string(at, unit="us", timezone="UTC").tolist()
    whole = micros % 1_000_000 == 0
    text = np.datetime_as_string(at, unit="us")
    if whole.any():
        text = np.where(whole, np.datetime_as_string(at, unit="s"), text)
    text = np.ascontiguousarray(text)
    if len(text):
        text.view("<U1").reshape(len(text), -1)[:, 10] = " "  # ISO's "T" becomes Django's space
    return text.tolist()


def insert_columns(table: str, columns: dict[str, Sequence]) -> None:
    """Insert rows given column by column (every column the same length), as values the
    database takes directly: numbers, strings, None; dates and times as text
    (`instants`, ISO dates)."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*columns.values(), strict=True):
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            list(zip(*columns.values(), strict=True)),
        )


_SQLITE_LOOKUP = 5000  # values per query, under SQLite's parameter limit


def select_where_in(
    table: str, fields: Sequence[str], column: str, values: Sequence
) -> list[tuple]:
    """`fields` of the rows of `table` whose `column` holds one of `values` (dates come
    back as dates on PostgreSQL, ISO text on SQLite).

    One query with the values as one array parameter on PostgreSQL: the ORM's `__in`
    writes a placeholder per value, and composing and parsing the SQL of tens of thousands
    of them cost more than the lookup itself. Batches under the parameter limit on SQLite."""
    if not values:
        return []
    names = ", ".join(fields)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {names} FROM {table} WHERE {column} = ANY(%s)", [list(values)])
            return cursor.fetchall()
        for start in range(0, len(values), _SQLITE_LOOKUP):
            batch = values[start : start + _SQLITE_LOOKUP]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT {names} FROM {table} WHERE {column} IN ({marks})", batch)
            found += cursor.fetchall()
    return found


def update_columns_by_id(table: str, columns: dict[str, Sequence], ids: Sequence[int]) -> None:
    """Update rows by id with values given column by column, as for `insert_columns`."""
    if connection.vendor == "postgresql":
        names = list(columns)
        with connection.cursor() as cursor:
            defs = ", ".join(f"{c} {_PG_TYPES[c]}" for c in names)
            cursor.execute(f"CREATE TEMP TABLE bulk_update ({defs}, id bigint) ON COMMIT DROP")
            copy_sql = f"COPY bulk_update ({', '.join(names)}, id) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in zip(*columns.values(), ids, strict=True):
                    copy.write_row(row)
            sets = ", ".join(f"{c} = s.{c}" for c in names)
            cursor.execute(f"UPDATE {table} t SET {sets} FROM bulk_update s WHERE t.id = s.id")
            cursor.execute("DROP TABLE bulk_update")
        return
    sets = ", ".join(f"{c} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",
            list(zip(*columns.values(), ids, strict=True)),
        )
