"""Parked alarm events: what the stream's consumers could not store is listed with why,
replayed onto the stream once its cause is fixed (stored once, never twice) or dropped with
a reason, from `kalantar alarm_parked` and from the supervisor's page; each audited. A real
nats-server (one node, ports of its own) and a real consumer process."""

from __future__ import annotations

import asyncio
import time
import uuid
from io import StringIO

import nats
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kalantar.alarms import fanin, parked
from kalantar.alarms.models import AlarmEvent
from kalantar.core.devservers import NatsCluster, free_ports, nats_server
from kalantar.core.models import AuditEntry
from tests.alarms.conftest import IN_HM02
from tests.alarms.test_stream import DEDUP, Stage, consumer_left, event_row

pytestmark = [
    pytest.mark.nats,
    pytest.mark.skipif(nats_server() is None, reason="nats-server is not installed"),
]

WINDOW = 2  # seconds the event stream remembers a key: short, to replay after it


@pytest.fixture(scope="module")
def lone(tmp_path_factory):
    server = NatsCluster(tmp_path_factory.mktemp("nats-parked"), 1).start()
    yield server
    server.stop()


@pytest.fixture
def cfg(lone, settings) -> fanin.StreamSettings:
    """A stream of this test's own, for this process (settings) and its consumer (Stage)."""
    tag = uuid.uuid4().hex[:8]
    settings.NATS_URL = lone.url
    settings.ALARMS_NATS_STREAM = f"PARKED_{tag}"
    settings.ALARMS_NATS_SUBJECT = f"parked.{tag}.events"
    settings.ALARMS_NATS_REPLICAS = 1
    settings.ALARMS_NATS_DUPLICATE_WINDOW_SECONDS = WINDOW
    settings.ALARMS_NATS_MAX_DELIVER = 1
    return fanin.StreamSettings.from_settings()


@pytest.fixture
def stage(transactional_db, org_tree, tmp_path, cfg):
    made = Stage(
        tmp_path,
        cfg.servers[0],
        replicas=1,
        ALARMS_NATS_STREAM=cfg.stream,
        ALARMS_NATS_SUBJECT=cfg.subject,
        ALARMS_NATS_DUPLICATE_WINDOW_SECONDS=str(WINDOW),
        ALARMS_NATS_MAX_DELIVER="1",
        ALARMS_NATS_ACK_WAIT_SECONDS="2",
    )
    yield made
    made.stop()


async def _publish(cfg, subject: str, messages: list[tuple[bytes, dict]]) -> None:
    nc = await nats.connect(servers=cfg.servers)
    js = nc.jetstream()
    await fanin.ensure_streams(js, cfg)
    for data, headers in messages:
        await js.publish(subject, data, headers=headers)
    await nc.close()


def publish(cfg, rows_or_bytes: list) -> None:
    messages = []
    for item in rows_or_bytes:
        if isinstance(item, bytes):
            messages.append((item, {"Nats-Msg-Id": "junk|1"}))
        else:
            messages.append((fanin.encode(item, 0), {"Nats-Msg-Id": item[DEDUP]}))
    asyncio.run(_publish(cfg, cfg.subject, messages))


def park(cfg, row, reason: str = "IntegrityError: simulated") -> None:
    """Put an event on the dead-letter stream as a consumer parks it."""
    error = fanin.header_text(reason)
    headers = {"Nats-Msg-Id": row[DEDUP], "Kalantar-Error": error, "Kalantar-Deliveries": "5"}
    asyncio.run(_publish(cfg, cfg.parked_subject, [(fanin.encode(row, 0), headers)]))


def wait_for(check, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, what() if callable(what) else what
        time.sleep(0.2)
    return found


def drained(cfg) -> bool:
    return asyncio.run(consumer_left(cfg)) == (0, 0)


def command(*argv: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("alarm_parked", *argv, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_parked_events_are_listed_replayed_once_fixed_and_dropped(stage, cfg, make_subscriber):
    sub = make_subscriber("1234")
    orphan = event_row(sub.pk + 1, 7)  # its premises not registered yet: the database refuses
    publish(cfg, [b"not json", orphan])
    time.sleep(WINDOW + 0.5)  # the event stream forgets the key: a replay is taken at once
    stage.consumer("consumer")
    found = wait_for(
        lambda: len(parked.list_parked(cfg)) == 2 and parked.list_parked(cfg), "parked"
    )
    by_key = {p.key: p for p in found}
    listing = command()
    assert orphan[DEDUP] in listing and "not an event" in listing and "2 parked events" in listing
    assert by_key[orphan[DEDUP]].reason  # the database's refusal, as the consumer saw it
    junk = next(p for p in found if not p.replayable)

    # Its premises registered, the event replays and is stored, once.
    assert make_subscriber("5678").pk == sub.pk + 1
    out = command("--replay", str(by_key[orphan[DEDUP]].seq))
    assert "1 of 1 replayed" in out
    wait_for(lambda: AlarmEvent.objects.filter(dedup_key=orphan[DEDUP]).exists(), "not stored")
    assert [p.seq for p in parked.list_parked(cfg)] == [junk.seq]
    replayed = AuditEntry.objects.get(action="alarms.parked_replayed")
    assert replayed.detail == {"key": orphan[DEDUP]} and replayed.object_id == str(
        by_key[orphan[DEDUP]].seq
    )

    # What is not an event cannot be replayed; a drop needs a reason.
    with pytest.raises(CommandError):
        command("--replay", str(junk.seq))
    with pytest.raises(CommandError):
        command("--drop", str(junk.seq))
    assert "dropped" in command("--drop", str(junk.seq), "--reason", "garbage from a test tool")
    assert parked.list_parked(cfg) == []
    dropped = AuditEntry.objects.get(action="alarms.parked_dropped")
    assert dropped.detail["reason"] == "garbage from a test tool"
    assert "not an event" in dropped.detail["error"]
    assert AlarmEvent.objects.count() == 1


def test_replaying_an_event_already_stored_stores_nothing_twice(stage, cfg, make_subscriber):
    sub = make_subscriber("1234")
    good = event_row(sub.pk, 3)
    publish(cfg, [good])
    park(cfg, good)  # a copy parked although the event went through (a consumer died between)
    [copy] = parked.list_parked(cfg)

    # The event stream still remembers the key: the replay is suppressed and the copy stays.
    [outcome] = parked.replay([copy.seq], cfg)
    assert (outcome.done, outcome.why) == (False, "remembered")
    assert [p.seq for p in parked.list_parked(cfg)] == [copy.seq]

    time.sleep(WINDOW + 0.5)
    [outcome] = parked.replay([copy.seq], cfg)
    assert outcome.done and parked.list_parked(cfg) == []
    stage.consumer("consumer")  # the event and its replay, under the same key
    wait_for(lambda: AlarmEvent.objects.filter(dedup_key=good[DEDUP]).exists(), "not stored")
    wait_for(lambda: drained(cfg), "the consumer did not take the replay")
    assert AlarmEvent.objects.filter(dedup_key=good[DEDUP]).count() == 1
    assert parked.list_parked(cfg) == []  # stored, not parked: the duplicate was no error


def test_a_replay_that_fails_again_is_parked_again(stage, cfg, make_subscriber):
    sub = make_subscriber("1234")
    orphan = event_row(sub.pk + 1, 9)
    publish(cfg, [orphan])
    # The event stream forgets the key before the event is parked, so the replay that
    # follows at once is taken by the event stream but lands inside the dead-letter
    # stream's window of the first parking.
    time.sleep(WINDOW + 0.5)
    stage.consumer("consumer")
    [first] = wait_for(lambda: parked.list_parked(cfg), "not parked")
    [outcome] = parked.replay(None, cfg)  # --all, before the cause is fixed
    assert outcome.done
    # Within the dead-letter stream's duplicate window: parked anew all the same.
    [again] = wait_for(lambda: parked.list_parked(cfg), lambda: stage.log("consumer"))
    assert again.seq != first.seq and again.key == orphan[DEDUP] and again.replays == 1


@pytest.fixture
def supervisor_client(client, make_user):
    user = make_user("sup", "alarm_supervisor", "HM")
    client.force_login(user)
    return client, user


def test_supervisor_page_lists_replays_and_drops(stage, cfg, make_subscriber, supervisor_client):
    client, user = supervisor_client
    sub = make_subscriber("1234", name="نانوایی سنگک")
    first, second = event_row(sub.pk, 21), event_row(sub.pk, 22)
    park(cfg, first, "IntegrityError: خطای آزمایشی")
    park(cfg, second)
    page = client.get("/alarms/parked/").content.decode()
    assert 'id="parked"' in page and "خطای آزمایشی" in page and sub.name in page
    assert "رویدادهای هشدار کنارگذاشته" in page  # the title, in Persian
    assert "۱۴" in page  # a Jalali year in the parked time (۱۴۰۵…)
    [p1, p2] = parked.list_parked(cfg)

    stage.consumer("consumer")
    response = client.post(f"/alarms/parked/{p1.seq}/replay/", {"page": "1"}, follow=True)
    assert "به جریان برگشت" in response.content.decode()
    wait_for(lambda: AlarmEvent.objects.filter(dedup_key=first[DEDUP]).exists(), "not stored")
    entry = AuditEntry.objects.get(action="alarms.parked_replayed")
    assert entry.actor_id == user.pk

    response = client.post(f"/alarms/parked/{p2.seq}/drop/", {"reason": " "}, follow=True)
    assert "بگویید" in response.content.decode()
    assert [p.seq for p in parked.list_parked(cfg)] == [p2.seq]
    client.post(f"/alarms/parked/{p2.seq}/drop/", {"reason": "آزمایشی بود"})
    assert parked.list_parked(cfg) == []
    assert AuditEntry.objects.get(action="alarms.parked_dropped").detail["reason"] == "آزمایشی بود"
    assert 'id="parked-none"' in client.get("/alarms/parked/").content.decode()


def test_parked_page_is_scoped_and_for_supervisors_only(
    transactional_db, cfg, make_subscriber, make_user, client
):
    near = make_subscriber("1111", name="نانوایی نزدیک")
    far = make_subscriber("2222", where=IN_HM02, name="نانوایی دور")
    park(cfg, event_row(near.pk, 1))
    park(cfg, event_row(far.pk, 2))
    client.force_login(make_user("sup1", "alarm_supervisor", "HM01K01"))
    page = client.get("/alarms/parked/").content.decode()
    assert near.name in page and far.name not in page
    far_seq = parked.list_parked(cfg)[1].seq
    assert client.post(f"/alarms/parked/{far_seq}/drop/", {"reason": "x"}).status_code == 404
    assert len(parked.list_parked(cfg)) == 2

    client.force_login(make_user("op", "alarm_operator", "HM"))
    assert client.get("/alarms/parked/").status_code == 403


def test_with_nats_down_the_page_says_so_and_a_button_changes_nothing(
    db, org_tree, make_user, client, settings
):
    settings.NATS_URL = f"nats://127.0.0.1:{free_ports(1)[0]}"  # nothing listens there
    client.force_login(make_user("sup", "alarm_supervisor", "HM"))
    assert 'id="parked-error"' in client.get("/alarms/parked/").content.decode()
    response = client.post("/alarms/parked/1/drop/", {"reason": "x"}, follow=True)
    assert response.status_code == 200 and "خوانده نشد" in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="alarms.parked").exists()
