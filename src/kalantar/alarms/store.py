"""The receiver's durable side: account lookup and group-committed event storage.

Runs in the receiver's single database thread. Each batch is one transaction; the
receiver sends the batch's ACKs only after that commit returns. Why raw SQL here and not
the ORM: this is the hot path (bench/alarm_ingest.py). INSERT … ON CONFLICT DO NOTHING drops
retransmissions; on SQLite the driver's prepared executemany, on PostgreSQL COPY into a
staging table (about 1/9 of the receiver CPU of binding parameters row by row).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Count, Max

from kalantar.alarms import services, sia
from kalantar.alarms.models import Account, AlarmEvent, Subscriber
from kalantar.alarms.services import panel_key, supervision_grace_seconds
from kalantar.org.selectors import province_ids

# Rewrite a panel's next_due and last_seen_at at most this often: the grace period is longer,
# so a reporting panel is never swept, and a busy panel costs one UPDATE per 30 s, not one per
# message (the "last message" shown is therefore exact to 30 s).
NEXT_DUE_WRITE_EVERY = 30

EVENT_COLUMNS = (
    "subscriber_id", "account", "token", "encrypted", "seq", "code", "qualifier", "zone",
    "partition", "category", "priority", "known", "panel_time", "received_at", "dedup_key",
    "data", "processed", "province_id",
)  # fmt: skip
PROCESSED = EVENT_COLUMNS.index("processed")


@dataclass(frozen=True, slots=True)
class Panel:
    subscriber_id: int
    key: bytes | None
    clock_offset_seconds: int
    supervision_seconds: int
    province_id: int | None = None  # of the subscriber's station: the events' partition key


def load_panels() -> dict[str, Panel]:
    """Account number (upper case) → what the receiver needs to accept its messages."""
    panels: dict[str, Panel] = {}
    rows = list(
        Account.objects.values_list(
            "number",
            "subscriber_id",
            "subscriber__key_encrypted",
            "subscriber__clock_offset_minutes",
            "subscriber__supervision_minutes",
            "subscriber__station_id",
        )
    )
    provinces = province_ids(row[-1] for row in rows)
    for number, sub_id, key_enc, offset, minutes, station_id in rows:
        try:
            key = panel_key(key_enc)
        except ValueError:
            key = None  # an unreadable key: encrypted frames from it are refused
        panels[number.upper()] = Panel(
            sub_id, key, offset * 60, minutes * 60, provinces.get(station_id)
        )
    return panels


def panels_stamp() -> tuple:
    agg = Subscriber.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return agg["n"], agg["last"], Account.objects.count()


def lost_subscribers() -> set[int]:
    return set(
        Subscriber.objects.filter(comm_state=Subscriber.Comm.LOST).values_list("id", flat=True)
    )


class EventWriter:
    """Owns the receiver's database connection; call only from one thread."""

    def __init__(self) -> None:
        self._due_written: dict[int, int] = {}
        table = AlarmEvent._meta.db_table
        cols = ", ".join(EVENT_COLUMNS)
        self._insert_tail = " ON CONFLICT (dedup_key) DO NOTHING"
        marks = ", ".join(["?"] * len(EVENT_COLUMNS))
        self._sqlite_insert = f"INSERT INTO {table} ({cols}) VALUES ({marks}){self._insert_tail}"
        self._sub_table = Subscriber._meta.db_table
        self._adapt = (
            _utc_text
            if connection.vendor == "sqlite" and connection.timezone_name == "UTC"
            else connection.ops.adapt_datetimefield_value
        )
        self._stage_for = None  # the driver connection the staging table was made on

    def prepare_connection(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Survive power loss, not only a killed process: fsync at every commit.
                cursor.execute("PRAGMA synchronous=FULL")
                # No checkpoint inside a commit (it held the ACKs of its batch for tens of
                # ms): `checkpoint_wal` copies the log back from another thread.
                cursor.execute("PRAGMA wal_autocheckpoint=0")

    def _copy_postgres(self, cursor, rows: list[tuple]) -> None:
        """COPY into a session-local staging table, then one INSERT … ON CONFLICT: COPY's
        C-level row encoding costs a fraction of binding 17 parameters per row."""
        cols = ", ".join(EVENT_COLUMNS)
        if self._stage_for is not connection.connection:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS alarm_stage ON COMMIT DELETE ROWS AS "
                f"SELECT {cols} FROM {AlarmEvent._meta.db_table} WITH NO DATA"
            )
            self._stage_for = connection.connection
        raw = connection.connection.cursor()
        with raw.copy(f"COPY alarm_stage ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.close()
        cursor.execute(
            f"INSERT INTO {AlarmEvent._meta.db_table} ({cols}) SELECT {cols} FROM alarm_stage"
            f" ORDER BY received_at{self._insert_tail}"
        )

    def store(self, rows: list[tuple], seen: dict[int, tuple[int, int]]) -> None:
        """Insert `rows` (EVENT_COLUMNS order) and move the senders' next_due; one commit.

        `seen` maps subscriber id → (epoch of its last message, supervision seconds).
        """
        adapt = self._adapt
        grace = supervision_grace_seconds()
        due_updates = []
        for sub_id, (epoch, interval) in seen.items():
            if epoch - self._due_written.get(sub_id, 0) >= NEXT_DUE_WRITE_EVERY:
                seen_at = adapt(datetime.fromtimestamp(epoch, UTC))
                due = epoch + interval + grace if interval else None
                due_updates.append((due, seen_at, sub_id))
        try:
            self._store(rows, due_updates)
        except Exception:
            # The staging table may have been made in the transaction that rolled back:
            # make it again (IF NOT EXISTS) with the next batch.
            self._stage_for = None
            raise
        for _due, _seen, sub_id in due_updates:
            self._due_written[sub_id] = seen[sub_id][0]

    def _store(self, rows: list[tuple], due_updates: list[tuple]) -> None:
        adapt = self._adapt
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # The driver's own prepared executemany: Django's wrapper would rewrite the
                # placeholders of the whole statement on every batch.
                raw = connection.connection.cursor()
                raw.executemany(
                    self._sqlite_insert,
                    [
                        (*row[:12], adapt(row[12]) if row[12] else None, adapt(row[13]), *row[14:])
                        for row in rows
                    ],
                )
                raw.close()
            else:
                self._copy_postgres(cursor, rows)
            if due_updates:
                cursor.executemany(
                    f"UPDATE {self._sub_table} SET next_due = %s, last_seen_at = %s WHERE id = %s",
                    due_updates,
                )


# Turn stored alarm events into alarms at most this often: one ORM pass for many events,
# well within the second an alarm may take to reach the console.
PROCESS_EVERY_SECONDS = 0.1
PROCESS_LIMIT = 5000
LOST_REFRESH_SECONDS = 1.0


class Ingest:
    """Stores batches of events and does what follows them: alarms opened from the new
    events, "communication lost" ended for panels heard again. The one path from an accepted
    event to the console, whether the receiver stores it or a stream consumer does."""

    def __init__(self) -> None:
        self.writer = EventWriter()
        self.lost: set[int] = set()
        # Events left over from a crash before processing: the first follow-up drains them.
        self.unprocessed = True
        self._process_due = self._lost_due = 0.0

    def start(self) -> None:
        self.writer.prepare_connection()
        self.lost = lost_subscribers()
        self._lost_due = time.monotonic() + LOST_REFRESH_SECONDS

    def store(self, rows: list[tuple], seen: dict[int, tuple[int, int]]) -> None:
        """One transaction for `rows` (EVENT_COLUMNS order); `seen` as in EventWriter.store."""
        self.writer.store(rows, seen)
        if not all(row[PROCESSED] for row in rows):
            self.unprocessed = True  # alarms to open: `follow_up` does it shortly
        back = self.lost.intersection(seen)
        if back:
            services.restore_communication(back)
            self.lost -= back

    def follow_up(self, mono: float) -> None:
        """Open the alarms of stored events (at most every PROCESS_EVERY_SECONDS) and reload
        the panels in "communication lost" (every LOST_REFRESH_SECONDS)."""
        if self.unprocessed and mono >= self._process_due:
            done = services.process_pending_events(limit=PROCESS_LIMIT)
            self.unprocessed = done >= PROCESS_LIMIT
            self._process_due = mono + PROCESS_EVERY_SECONDS
        if mono >= self._lost_due:
            self.lost = lost_subscribers()
            self._lost_due = mono + LOST_REFRESH_SECONDS

    def wait_seconds(self, mono: float, longest: float) -> float:
        """How long the caller may sleep before `follow_up` has work due."""
        if not self.unprocessed:
            return longest
        return max(0.0, min(longest, self._process_due - mono))


def checkpoint_wal() -> None:
    """Copy SQLite's write-ahead log back into the database without blocking the writer.

    Each batch dirties an index page per panel; doing this every 1000 pages (SQLite's
    default, inside the commit that crosses it) rewrote the same pages after nearly every
    commit. Once a second copies each page once for many commits."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _utc_text(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware UTC datetime, at a fifth of the cost
    (the receiver only makes datetimes in UTC)."""
    return str(value.replace(tzinfo=None))


def dedup_key(message: sia.Message, account: str, received_epoch: float) -> str:
    """Same account, sequence and timestamp: a retransmission. Untimed frames add the UTC day
    and a checksum of the data, so a sequence number reused after wrapping is not lost."""
    if message.timestamp is not None:
        return f"{account}|{message.seq}|{int(message.timestamp.timestamp())}"
    digest = (
        zlib.crc32(message.data.encode())
        if not message.extras
        else zlib.crc32("|".join([message.data, *message.extras]).encode())
    )
    return f"{account}|{message.seq}|d{int(received_epoch) // 86400}|{message.token}|{digest:X}"


def now_utc() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)
