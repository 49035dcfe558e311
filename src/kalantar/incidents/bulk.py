"""Fast bulk writes of incident rows, below the ORM.

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
    "station_id": "bigint", "lon": "double precision", "lat": "double precision",
    "h3_cell": "varchar(16)", "occurred_at": "timestamptz", "day": "date",
}  # fmt: skip


_PG_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_text(values: Sequence) -> list[str]:
    """One column as COPY text, converted column by column (much cheaper than per value)."""
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return ["\\N"] * len(values)
    if isinstance(sample, str):
        texts = [v.translate(_PG_ESCAPE) if v is not None else "\\N" for v in values]
    elif isinstance(sample, bool):
        texts = ["t" if v else "f" if v is not None else "\\N" for v in values]
    elif isinstance(sample, date):  # dates and datetimes
        texts = [v.isoformat() if v is not None else "\\N" for v in values]
    else:
        texts = [repr(v) if v is not None else "\\N" for v in values]
    return texts


def _sqlite_datetimes(values: Sequence) -> list | None:
    """Aware datetimes as Django's SQLite text, through numpy: a third of the time of
    astimezone() per value. None when some value is missing or has microseconds (the
    caller then converts one by one, giving Django's exact text)."""
    try:
        micros = np.array([round(v.timestamp() * 1_000_000) for v in values], dtype=np.int64)
    except (AttributeError, TypeError):
        return None
    if (micros % 1_000_000).any():
        return None
    text = np.datetime_as_string((micros // 1_000_000).astype("datetime64[s]"), unit="s")
    chars = text.view("<U1").reshape(len(values), -1)
    chars[:, 10] = " "  # ISO's "T" becomes the space Django writes
    return text.tolist()


def _sqlite_column(values: Sequence) -> Sequence:
    sample = next((v for v in values if v is not None), None)
    if not isinstance(sample, date):  # dates and datetimes need converting, nothing else
        return values
    convert = _sqlite_datetime if isinstance(sample, datetime) else _sqlite_date
    if values and all(v is values[0] for v in values):  # one value repeated: convert once
        return [convert(values[0])] * len(values)
    if isinstance(sample, datetime):
        fast = _sqlite_datetimes(values)
        if fast is not None:
            return fast
    return [convert(v) for v in values]


def insert_columns(table: str, columns: dict[str, Sequence]) -> None:
    """Insert rows given column by column (every column the same length)."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            texts = [_pg_text(values) for values in columns.values()]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                size = 20_000
                for start in range(0, len(texts[0]), size):
                    parts = [t[start : start + size] for t in texts]
                    copy.write("".join(["\t".join(row) + "\n" for row in zip(*parts, strict=True)]))
            return
        marks = ", ".join(["%s"] * len(columns))
        converted: dict[int, Sequence] = {}  # a list given for two columns converts once
        for values in columns.values():
            if id(values) not in converted:
                converted[id(values)] = _sqlite_column(values)
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            list(zip(*(converted[id(v)] for v in columns.values()), strict=True)),
        )


def update_columns_by_id(table: str, columns: dict[str, Sequence], ids: Sequence[int]) -> None:
    """Update rows by id with values given column by column (converted a column at a time)."""
    if connection.vendor == "postgresql":
        texts = [_pg_text(values) for values in columns.values()]
        names = list(columns)
        with connection.cursor() as cursor:
            defs = ", ".join(f"{c} {_PG_TYPES[c]}" for c in names)
            cursor.execute(f"CREATE TEMP TABLE bulk_update ({defs}, id bigint) ON COMMIT DROP")
            id_text = [str(i) for i in ids]
            copy_sql = f"COPY bulk_update ({', '.join(names)}, id) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                size = 20_000
                for start in range(0, len(id_text), size):
                    parts = [t[start : start + size] for t in (*texts, id_text)]
                    copy.write("".join(["\t".join(row) + "\n" for row in zip(*parts, strict=True)]))
            sets = ", ".join(f"{c} = s.{c}" for c in names)
            cursor.execute(f"UPDATE {table} t SET {sets} FROM bulk_update s WHERE t.id = s.id")
            cursor.execute("DROP TABLE bulk_update")
        return
    sets = ", ".join(f"{c} = %s" for c in columns)
    converted = [_sqlite_column(values) for values in columns.values()]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",
            list(zip(*converted, ids, strict=True)),
        )
