"""The DC-09 codec on its own (no Django): framing, CRC, parsing, encryption, replies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalantar.alarms import sia

KEY16 = b"0123456789abcdef"
NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def body_of(framed: bytes) -> bytes:
    [raw] = sia.FrameSplitter().feed(framed)
    assert raw.error is None, raw.error
    return raw.body


def test_crc16_arc_check_value():
    assert sia.crc16_arc(b"123456789") == 0xBB3D


def test_frame_header_holds_crc_and_length_of_body():
    framed = sia.build(token="SIA-DCS", seq=9, account="1234", data="Nri1/BA501")
    body = framed[9:-1]
    assert framed[:1] == b"\n" and framed[-1:] == b"\r"
    assert framed[1:5] == b"%04X" % sia.crc16_arc(body)
    assert framed[5:9] == b"%04X" % len(body)


def test_two_frames_in_one_segment_are_both_found():
    a = sia.build(token="SIA-DCS", seq=1, account="1234", data="Nri1/BA501")
    b = sia.build(token="NULL", seq=2, account="1234")
    frames = sia.FrameSplitter().feed(a + b)
    assert [sia.parse(f.body).seq for f in frames] == ["0001", "0002"]


def test_frame_split_across_reads_is_reassembled():
    framed = sia.build(token="ADM-CID", seq=3, account="ABC1", data="1130 01 015")
    splitter = sia.FrameSplitter()
    got = []
    for i in range(len(framed)):
        got += splitter.feed(framed[i : i + 1])
    assert len(got) == 1 and sia.parse(got[0].body).data == "1130 01 015"


def test_lowercase_hex_length_is_accepted():
    candidates = (
        sia.build(token="SIA-DCS", seq=1, account="1234", data="Nri1/BA501^" + "x" * n + "^")
        for n in range(40)
    )
    framed = next(f for f in candidates if any(c in b"ABCDEF" for c in f[5:9]))
    lower = framed[:5] + framed[5:9].lower() + framed[9:]
    assert framed[5:9] != lower[5:9]
    assert sia.FrameSplitter().feed(lower)[0].error is None


def test_wrong_crc_is_an_error_and_next_frame_still_parses():
    bad = bytearray(sia.build(token="NULL", seq=1, account="1234"))
    bad[1:5] = b"0000"
    good = sia.build(token="NULL", seq=2, account="1234")
    frames = sia.FrameSplitter().feed(bytes(bad) + good)
    assert frames[0].error.reason == "crc"
    assert sia.parse(frames[1].body).seq == "0002"


def test_wrong_length_is_an_error_and_stream_resynchronises():
    framed = sia.build(token="NULL", seq=1, account="1234")
    declared = int(framed[5:9], 16)
    too_long = framed[:5] + b"%04X" % (declared + 3) + framed[9:]
    too_short = framed[:5] + b"%04X" % (declared - 3) + framed[9:]
    good = sia.build(token="NULL", seq=2, account="1234")
    for bad in (too_long, too_short):
        frames = sia.FrameSplitter().feed(bad + good)
        assert frames[0].error.reason == "length"
        assert [sia.parse(f.body).seq for f in frames if f.body] == ["0002"]


def test_oversize_frame_is_fatal():
    splitter = sia.FrameSplitter()
    frames = splitter.feed(b"\n1234" + b"0FFF" + b"x" * 50)
    assert frames[0].error.reason == "oversize" and splitter.fatal


def test_garbage_is_skipped():
    good = sia.build(token="NULL", seq=5, account="1234")
    frames = sia.FrameSplitter().feed(b"\x00\xffGARBAGE\r\r" + good)
    assert [f.body for f in frames if f.body] == [good[9:-1]]


def test_sia_dcs_message_fields():
    framed = sia.build(
        token="SIA-DCS",
        seq=42,
        account="1A2B",
        data="Nri1/BA501",
        timestamp=NOW,
        framing=sia.Framing(receiver="12", prefix="3", extras=("X048E30", "Y34N48")),
    )
    message = sia.parse(body_of(framed))
    assert (message.token, message.seq, message.receiver, message.prefix, message.account) == (
        "SIA-DCS",
        "0042",
        "12",
        "3",
        "1A2B",
    )
    assert message.timestamp == NOW and message.extras == ["X048E30", "Y34N48"]
    event = sia.event_data(message)
    assert (event.code, event.zone, event.partition) == ("BA", "501", "1")


def test_contact_id_message():
    message = sia.parse(
        body_of(sia.build(token="ADM-CID", seq=1, account="1234", data="3401 02 007"))
    )
    event = sia.event_data(message)
    assert (event.qualifier, event.code, event.partition, event.zone) == ("3", "401", "02", "007")


def test_null_message_without_receiver_number():
    framed = sia.build(token="NULL", seq=7, account="1234", framing=sia.Framing(receiver=None))
    message = sia.parse(body_of(framed))
    assert message.receiver is None and message.data == ""
    assert sia.ack(message) == sia.frame(b'"ACK"0007L0#1234[]')


@pytest.mark.parametrize(
    "key", [b"0123456789abcdef", b"0123456789abcdef01234567", b"0123456789abcdef0123456789abcdef"]
)
def test_encrypted_round_trip_with_all_key_sizes(key):
    framed = sia.build(
        token="SIA-DCS", seq=8, account="1234", data="Nri1/FA101", key=key, timestamp=NOW
    )
    assert b'"*SIA-DCS"' in framed and b"FA101" not in framed
    message = sia.parse(body_of(framed), key)
    assert message.encrypted and message.data == "Nri1/FA101" and message.timestamp == NOW


def test_keys_as_ascii_or_hex():
    assert sia.parse_key("0123456789abcdef") == b"0123456789abcdef"
    assert sia.parse_key("00" * 16) == bytes(16)
    assert len(sia.parse_key("AB" * 32)) == 32
    with pytest.raises(ValueError):
        sia.parse_key("short")


def test_encrypted_ack_is_encrypted_and_echoes_address():
    message = sia.parse(
        body_of(
            sia.build(
                token="SIA-DCS", seq=8, account="1234", data="Nri1/FA101", key=KEY16, timestamp=NOW
            )
        ),
        KEY16,
    )
    reply = sia.ack(message, KEY16, NOW)
    body = body_of(reply)
    assert body.startswith(b'"*ACK"0008R0L0#1234[')
    hex_part = body.split(b"[", 1)[1].decode()
    assert sia._decrypt(hex_part, KEY16).endswith("|]" + sia.format_timestamp(NOW))


def test_bad_hex_in_encrypted_payload():
    body = b'"*SIA-DCS"0001R0L0#1234[ZZZZ' + b"0" * 28
    with pytest.raises(sia.FrameError) as exc:
        sia.parse(body, KEY16)
    assert exc.value.reason == "hex"


def test_wrong_key_does_not_parse():
    framed = sia.build(
        token="SIA-DCS", seq=8, account="1234", data="Nri1/FA101", key=KEY16, timestamp=NOW
    )
    with pytest.raises(sia.FrameError):
        sia.parse(body_of(framed), b"fedcba9876543210")


def test_unknown_token_is_named():
    with pytest.raises(sia.FrameError) as exc:
        sia.parse(b'"FOO-BAR"0001L0#1234[]')
    assert exc.value.reason == "token"


def test_nak_carries_receiver_time_and_is_never_encrypted():
    message = sia.parse(
        body_of(
            sia.build(
                token="SIA-DCS", seq=8, account="1234", data="Nri1/FA101", key=KEY16, timestamp=NOW
            )
        ),
        KEY16,
    )
    assert body_of(sia.nak(message, NOW)) == b'"NAK"0008R0L0#1234[]_12:00:00,11-25-2026'
    assert body_of(sia.nak(None, NOW)) == b'"NAK"0000R0L0A0[]_12:00:00,11-25-2026'


@settings(max_examples=400, deadline=None)
@given(st.lists(st.binary(max_size=120), max_size=6))
def test_fuzz_arbitrary_bytes_never_crash_the_splitter_or_parser(chunks):
    splitter = sia.FrameSplitter()
    for chunk in chunks:
        for raw in splitter.feed(chunk):
            if raw.body is not None:
                try:
                    sia.parse(raw.body, KEY16)
                except sia.FrameError:
                    pass
    assert len(splitter.buffer) <= sia.MAX_BODY + 16 + len(max(chunks, key=len, default=b""))


@settings(max_examples=200, deadline=None)
@given(
    seq=st.integers(1, 9999),
    account=st.text("0123456789ABCDEF", min_size=3, max_size=16),
    code=st.sampled_from(["BA", "FA", "PA", "RP", "OP"]),
    zone=st.integers(0, 999),
    cuts=st.lists(st.integers(1, 200), max_size=5),
    noise=st.binary(max_size=20).filter(lambda b: b"\n" not in b),
)
def test_fuzz_valid_frames_survive_any_segmentation_and_noise(
    seq, account, code, zone, cuts, noise
):
    framed = sia.build(token="SIA-DCS", seq=seq, account=account, data=f"Nri1/{code}{zone:03d}")
    stream = noise + framed + framed
    splitter, got, pos = sia.FrameSplitter(), [], 0
    for cut in [*sorted(cuts), len(stream)]:
        got += splitter.feed(stream[pos:cut])
        pos = max(pos, cut)
    got += splitter.feed(stream[pos:])
    bodies = [f.body for f in got if f.body]
    assert len(bodies) == 2
    message = sia.parse(bodies[0])
    assert (message.seq, message.account) == (f"{seq:04d}", account)
    assert sia.event_data(message).code == code


def test_encrypted_link_test_round_trip():
    framed = sia.build(token="NULL", seq=3, account="1234", key=KEY16, timestamp=NOW)
    message = sia.parse(body_of(framed), KEY16)
    assert message.token == "NULL" and message.encrypted and message.timestamp == NOW


# One header grammar: int(x, 16) alone also takes "0x15", "0X15" and "01_5".
LENIENT_LENGTHS = [b"0x%02X", b"0X%02X", b"0%X_%X"]


def _with_length(body: bytes, spelling: bytes) -> bytes:
    n = len(body)
    length = spelling % ((n // 16, n % 16) if b"_" in spelling else n)
    assert len(length) == 4 and int(length, 16) == n  # what Python's int() would accept
    return b"\n%04X%s%s\r" % (sia.crc16_arc(body), length, body)


@pytest.mark.parametrize("spelling", LENIENT_LENGTHS)
def test_length_field_in_any_other_spelling_is_refused_whole_or_in_pieces(spelling):
    body = b'"NULL"0001L0#1234[]'
    frame = _with_length(body, spelling)
    whole = sia.FrameSplitter().feed(frame)
    assert [raw.body for raw in whole] == [None]
    splitter = sia.FrameSplitter()
    pieces = [raw for byte in frame for raw in splitter.feed(bytes([byte]))]
    assert [raw.body for raw in pieces] == [None]


def test_read_header_is_four_and_four_hex_digits():
    assert sia.read_header(b"ABCD0015") == (0xABCD, 0x15)
    assert sia.read_header(b"abcd0015") == (0xABCD, 0x15)
    for bad in (b"ABCD0x15", b"0xCD0015", b"ABCD1015", b"ABC_0015", b"ABCD001", b"ABCD00 5"):
        assert sia.read_header(bad) is None, bad
