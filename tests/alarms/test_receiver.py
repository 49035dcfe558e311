"""The conformance table: real frame variants sent over real TCP (and UDP) to a receiver
started in the test, each reply and each stored row asserted."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from kalantar.alarms import codes, sia
from kalantar.alarms import receiver as receiver_module
from kalantar.alarms.models import Alarm, AlarmEvent, Subscriber
from kalantar.alarms.store import Panel
from tests.alarms.conftest import KEY

KEYB = KEY.encode()


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def rx(live_receiver, make_subscriber):
    make_subscriber("1234")
    make_subscriber("ABC1", key=KEY)
    make_subscriber("5678", key="AB" * 32)  # 256-bit key given in hex
    make_subscriber("7777", clock_offset_minutes=210)  # a panel sending Tehran local time
    return live_receiver.start()


def test_plain_sia_dcs_is_stored_then_acked(rx):
    [reply] = rx.exchange(
        sia.build(token="SIA-DCS", seq=1, account="1234", data="Nri1/BA501", timestamp=now())
    )
    assert reply == b'"ACK"0001R0L0#1234[]'
    event = AlarmEvent.objects.get()
    assert (event.code, event.zone, event.category) == ("BA", "501", codes.BURGLARY)
    sub = Subscriber.objects.get(accounts__number="1234")
    assert abs((sub.last_seen_at - now()).total_seconds()) < 5
    # Stored with its province (the subscriber's station's): the events' partition key.
    assert event.province_id == sub.station.province().pk


def test_encrypted_sia_dcs_gets_encrypted_ack(rx):
    [reply] = rx.exchange(
        sia.build(
            token="SIA-DCS", seq=2, account="ABC1", data="Nri1/FA101", key=KEYB, timestamp=now()
        )
    )
    assert reply.startswith(b'"*ACK"0002R0L0#ABC1[')
    assert sia._decrypt(reply.split(b"[", 1)[1].decode(), KEYB).split("|", 1)[1].startswith("]_")
    event = AlarmEvent.objects.get()
    assert event.encrypted and event.category == codes.FIRE


def test_encrypted_with_256_bit_hex_key(rx):
    key = bytes.fromhex("AB" * 32)
    [reply] = rx.exchange(
        sia.build(
            token="ADM-CID", seq=3, account="5678", data="1120 01 001", key=key, timestamp=now()
        )
    )
    assert reply.startswith(b'"*ACK"0003R0L0#5678[')
    assert AlarmEvent.objects.get().category == codes.PANIC


def test_contact_id(rx):
    [reply] = rx.exchange(
        sia.build(token="ADM-CID", seq=4, account="1234", data="1130 01 015", timestamp=now())
    )
    assert reply == b'"ACK"0004R0L0#1234[]'
    event = AlarmEvent.objects.get()
    assert (event.qualifier, event.code, event.zone, event.category) == (
        "1",
        "130",
        "015",
        codes.BURGLARY,
    )


def test_null_link_test(rx):
    [reply] = rx.exchange(sia.build(token="NULL", seq=5, account="1234"))
    assert reply == b'"ACK"0005R0L0#1234[]'
    assert AlarmEvent.objects.get().category == codes.HEARTBEAT


def test_two_frames_in_one_segment_both_acked_and_stored(rx):
    a = sia.build(token="SIA-DCS", seq=6, account="1234", data="Nri1/BA501", timestamp=now())
    b = sia.build(token="SIA-DCS", seq=7, account="1234", data="Nri1/BA502", timestamp=now())
    replies = rx.exchange(a + b, replies=2)
    assert replies == [b'"ACK"0006R0L0#1234[]', b'"ACK"0007R0L0#1234[]']
    assert AlarmEvent.objects.count() == 2


def test_split_frame(rx):
    framed = sia.build(token="SIA-DCS", seq=8, account="1234", data="Nri1/BA503", timestamp=now())
    [reply] = rx.exchange(b"", chunks=[framed[:7], framed[7:30], framed[30:]])
    assert reply == b'"ACK"0008R0L0#1234[]'
    assert AlarmEvent.objects.count() == 1


def test_no_receiver_number_is_echoed_absent(rx):
    [reply] = rx.exchange(
        sia.build(
            token="SIA-DCS",
            seq=9,
            account="1234",
            data="Nri1/BA501",
            timestamp=now(),
            framing=sia.Framing(receiver=None, prefix="A1"),
        )
    )
    assert reply == b'"ACK"0009LA1#1234[]'
    assert b"None" not in reply


def test_local_time_panel_accepted_through_its_offset(rx):
    local = now() + timedelta(minutes=210)
    [reply] = rx.exchange(
        sia.build(token="SIA-DCS", seq=10, account="7777", data="Nri1/BA501", timestamp=local)
    )
    assert reply == b'"ACK"0010R0L0#7777[]'
    assert abs((AlarmEvent.objects.get().panel_time - now()).total_seconds()) < 5
    # The same local time from a UTC panel is far outside the window.
    [reply] = rx.exchange(
        sia.build(token="SIA-DCS", seq=11, account="1234", data="Nri1/BA501", timestamp=local)
    )
    assert reply.startswith(b'"NAK"0011R0L0#1234[]_')


def test_bad_crc_is_never_acked_and_nothing_stored(rx):
    framed = bytearray(sia.build(token="SIA-DCS", seq=12, account="1234", data="Nri1/BA501"))
    framed[1:5] = b"FFFF" if framed[1:5] != b"FFFF" else b"0000"
    [reply] = rx.exchange(bytes(framed))
    assert reply.startswith(b'"NAK"')
    assert not AlarmEvent.objects.exists()


def test_wrong_length_is_never_acked(rx):
    framed = sia.build(token="SIA-DCS", seq=13, account="1234", data="Nri1/BA501")
    bad = framed[:5] + b"%04X" % (int(framed[5:9], 16) - 2) + framed[9:]
    [reply] = rx.exchange(bad)
    assert reply.startswith(b'"NAK"')
    assert not AlarmEvent.objects.exists()


@pytest.mark.parametrize("offset", [timedelta(seconds=-60), timedelta(seconds=45)])
def test_stale_or_future_timestamp_gets_nak_with_receiver_time(rx, offset):
    [reply] = rx.exchange(
        sia.build(
            token="SIA-DCS", seq=14, account="1234", data="Nri1/BA501", timestamp=now() + offset
        )
    )
    assert reply.startswith(b'"NAK"0014R0L0#1234[]_')
    sent_time = datetime.strptime(reply.decode()[-19:], "%H:%M:%S,%m-%d-%Y").replace(tzinfo=UTC)
    assert abs((sent_time - now()).total_seconds()) < 5
    assert not AlarmEvent.objects.exists()


def test_unknown_account_gets_nak(rx):
    [reply] = rx.exchange(sia.build(token="SIA-DCS", seq=15, account="FFF9", data="Nri1/BA501"))
    assert reply.startswith(b'"NAK"0015R0L0#FFF9[]_')
    assert not AlarmEvent.objects.exists()


def test_unknown_code_is_acked_and_stored_for_review(rx):
    [reply] = rx.exchange(
        sia.build(token="SIA-DCS", seq=16, account="1234", data="Nri1/QZ001", timestamp=now())
    )
    assert reply == b'"ACK"0016R0L0#1234[]'
    event = AlarmEvent.objects.get()
    assert not event.known and event.category == codes.UNKNOWN
    assert Alarm.objects.get().category == codes.UNKNOWN  # an operator reviews it


def test_retransmission_acked_again_stored_once(rx):
    framed = sia.build(token="SIA-DCS", seq=17, account="1234", data="Nri1/BA501", timestamp=now())
    assert rx.exchange(framed) == [b'"ACK"0017R0L0#1234[]']
    assert rx.exchange(framed) == [b'"ACK"0017R0L0#1234[]']
    assert AlarmEvent.objects.count() == 1


def test_encrypted_frame_with_bad_hex_gets_nak(rx):
    body = b'"*SIA-DCS"0018R0L0#ABC1[' + b"G" * 32
    [reply] = rx.exchange(sia.frame(body))
    assert reply.startswith(b'"NAK"0018R0L0#ABC1[]_')
    assert not AlarmEvent.objects.exists()


def test_plain_frame_from_a_keyed_panel_is_refused(rx):
    [reply] = rx.exchange(
        sia.build(token="SIA-DCS", seq=25, account="ABC1", data="Nri1/BA501", timestamp=now())
    )
    assert reply.startswith(b'"NAK"0025R0L0#ABC1[]_')
    assert not AlarmEvent.objects.exists()


def test_unknown_token_gets_nak(rx):
    [reply] = rx.exchange(sia.frame(b'"XYZ-ABC"0019R0L0#1234[]'))
    assert reply.startswith(b'"NAK"')


def test_garbage_then_valid_frame_on_same_connection(rx):
    framed = sia.build(token="NULL", seq=20, account="1234")
    [reply] = rx.exchange(b"\x00\x01GET / HTTP/1.0\r\n\r" + b"\xff" * 100 + framed)
    assert reply == b'"ACK"0020R0L0#1234[]'


def test_oversize_frame_drops_connection_but_receiver_keeps_serving(rx):
    with socket.create_connection(("127.0.0.1", rx.port), timeout=5) as sock:
        sock.sendall(b"\n12340FFF" + b"A" * 3000)
        sock.recv(4096)  # the NAK
        deadline = time.monotonic() + 5
        closed = False
        while time.monotonic() < deadline and not closed:
            closed = sock.recv(4096) == b""
        assert closed
    assert rx.exchange(sia.build(token="NULL", seq=21, account="1234")) == [b'"ACK"0021R0L0#1234[]']


def test_slow_client_does_not_block_others(rx):
    framed = sia.build(token="NULL", seq=22, account="1234")
    with socket.create_connection(("127.0.0.1", rx.port), timeout=5) as slow:
        slow.sendall(framed[:10])  # and nothing more
        assert rx.exchange(sia.build(token="NULL", seq=23, account="1234")) == [
            b'"ACK"0023R0L0#1234[]'
        ]


def test_udp(rx):
    reply = rx.udp(
        sia.build(token="SIA-DCS", seq=24, account="1234", data="Nri1/PA001", timestamp=now())
    )
    assert reply == b'"ACK"0024R0L0#1234[]'
    assert AlarmEvent.objects.get().category == codes.PANIC


def test_burglary_opens_one_grouped_alarm_and_restore_annotates_it(rx):
    frames = b"".join(
        sia.build(token="SIA-DCS", seq=30 + i, account="1234", data=data, timestamp=now())
        for i, data in enumerate(["Nri1/BA501", "Nri1/BA502", "Nri1/BH501"])
    )
    assert len(rx.exchange(frames, replies=3)) == 3
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and AlarmEvent.objects.filter(processed=False).exists():
        time.sleep(0.05)
    alarm = Alarm.objects.get()
    assert alarm.category == codes.BURGLARY and alarm.event_count == 2
    assert alarm.restored_at is not None
    assert alarm.station.code == "HM01K01"


def test_message_after_communication_lost_restores(rx):
    sub = Subscriber.objects.get(accounts__number="1234")
    Subscriber.objects.filter(pk=sub.pk).update(comm_state=Subscriber.Comm.LOST)
    lost_alarm = Alarm.objects.create(
        subscriber=sub,
        station=sub.station,
        category=codes.COMM_LOST,
        priority=3,
        opened_at=now(),
        last_event_at=now(),
        event_count=0,
    )
    time.sleep(1.2)  # the receiver refreshes its list of silent panels every second
    rx.exchange(sia.build(token="NULL", seq=40, account="1234"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        sub.refresh_from_db()
        if sub.comm_state == Subscriber.Comm.OK:
            break
        time.sleep(0.05)
    assert sub.comm_state == Subscriber.Comm.OK
    lost_alarm.refresh_from_db()
    assert lost_alarm.restored_at is not None


# The receiver answers the common frame shape (plain, untimed, upper-case) without its
# general parser; both ways must store the same row and send the same reply.
QUICK_FRAMES = [
    sia.build(token="NULL", seq=1, account="1234"),
    sia.build(token="NULL", seq=2, account="1234", framing=sia.Framing(receiver=None, prefix="7")),
    sia.build(token="NULL", seq=3, account="1234", data="hello"),
    sia.build(token="SIA-DCS", seq=4, account="1234", data="Nri1/BA501"),
    sia.build(token="SIA-DCS", seq=5, account="1234", data="Nri1/ZZ001"),  # unknown code
    sia.build(token="SIA-DCS", seq=6, account="1234", data="Nri2/FR^kitchen^"),  # restore
    sia.build(token="ADM-CID", seq=7, account="1234", data="1130 01 015"),
    sia.build(token="ADM-CID", seq=8, account="1234", data="garbage"),  # unreadable data
    sia.frame(b'"SIA-DCS"0009R1L0#1234[Nri1/PA001]'),  # data without "#account|"
]


def _answers(frame: bytes, *, quick: bool) -> tuple[list[tuple], list[bytes]]:
    rx = receiver_module.Receiver(now=lambda: 1_780_000_000.25)
    rx.panels = {"1234": Panel(1, None, 0, 600), "ABC1": Panel(2, KEYB, 0, 600)}
    replies: list[bytes] = []
    message = sia.quick(frame) if quick else None
    if message is not None:
        rx.handle_quick(message, replies.append)
    else:
        for raw in sia.FrameSplitter().feed(frame):
            rx.handle(raw, replies.append)
    return [row for row, _r, _s in rx.pending], replies + [r for _row, r, _s in rx.pending]


@pytest.mark.parametrize("frame", QUICK_FRAMES)
def test_quick_path_stores_and_answers_like_the_general_one(frame):
    assert sia.quick(frame) is not None
    assert _answers(frame, quick=True) == _answers(frame, quick=False)
    rows, [reply] = _answers(frame, quick=True)
    assert len(rows) == 1 and reply.startswith(b"\n")


@pytest.mark.parametrize(
    "frame",
    [
        sia.build(token="NULL", seq=1, account="ABC1"),  # keyed panel sending plain: NAK
        sia.build(token="NULL", seq=1, account="9999"),  # unknown account: NAK
        sia.build(token="NULL", seq=1, account="1234")[:-3] + b"X]\r",  # bad CRC
        b"\n%04X0020%s\r" % (sia.crc16_arc(b'"NULL"0001L0#1234[]'), b'"NULL"0001L0#1234[]'),
        sia.build(token="NULL", seq=1, account="1234", timestamp=now()),  # not quick-shaped
    ],
)
def test_quick_path_leaves_everything_else_to_the_general_one(frame):
    assert _answers(frame, quick=True) == _answers(frame, quick=False)


def test_quick_path_refuses_an_oversize_frame_as_the_general_one_does():
    frame = sia.build(token="SIA-DCS", seq=9, account="1234", data="Nri1/BA501" + "x" * 1100)
    assert sia._QUICK(frame) is not None  # quick-shaped, but longer than MAX_BODY
    assert sia.quick(frame) is None
    rows, replies = _answers(frame, quick=True)
    assert (rows, replies) == _answers(frame, quick=False)
    assert rows == [] and len(replies) == 1 and b'"NAK"' in replies[0]


def test_quick_path_refuses_a_length_written_0x15_as_the_general_one_does():
    body = b'"NULL"0001L0#1234[]'
    frame = b"\n%04X0x%02X%s\r" % (sia.crc16_arc(body), len(body), body)
    assert sia._QUICK(frame) is not None  # shaped like a quick frame
    assert sia.quick(frame) is None
    rows, replies = _answers(frame, quick=True)
    assert (rows, replies) == _answers(frame, quick=False)
    assert rows == [] and not any(b'"ACK"' in r for r in replies)
