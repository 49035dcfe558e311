"""Consecutive reference numbers: one counter row per (numbering, period) in `core.Sequence`.

`take` is one upsert that adds to the counter and returns its new value. It runs inside the
caller's transaction and keeps the row locked until that transaction ends, so concurrent
callers wait their turn and never share a number, and a caller that rolls back gives its
numbers back. Nothing counts rows, retries or adds suffixes.
"""

from __future__ import annotations

from django.db import connection, transaction

__all__ = ["take", "take_one"]

# ON CONFLICT … RETURNING is the same statement on PostgreSQL and SQLite (3.35+).
_TAKE_SQL = (
    "INSERT INTO core_sequence (name, period, last) VALUES (%s, %s, %s)"
    " ON CONFLICT (name, period) DO UPDATE SET last = core_sequence.last + excluded.last"
    " RETURNING last"
)


def take(name: str, period: str = "", count: int = 1) -> range:
    """Reserve `count` consecutive numbers of `name` in `period` (from 1 in a new period)."""
    if count < 1:
        raise ValueError("take at least one number")
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [name, period, count])
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def take_one(name: str, period: str = "") -> int:
    """The next number of `name` in `period`."""
    return take(name, period)[0]
