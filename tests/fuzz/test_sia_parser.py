"""Hypothesis on the SIA DC-09 codec (alarms/sia.py): any bytes from the network are either
a message or a FrameError, never another exception, and a message can always be answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kalantar.alarms import codes, sia
from tests.fuzz.conftest import budget

KEYS = [None, b"0123456789abcdef", bytes(range(32))]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
HEX = "0123456789ABCDEF"


@st.composite
def framed_messages(draw) -> bytes:
    """A panel's message built by the codec itself, with fields a panel could send."""
    key = draw(st.sampled_from(KEYS))
    # Drawn in the order the fields are written, which keeps the derandomized examples stable.
    token, seq = draw(st.sampled_from(sia.TOKENS)), draw(st.integers(0, 9999))
    account = draw(st.text("0123456789ABCDEFabcdef", min_size=3, max_size=16))
    data = draw(st.one_of(ASCII, st.sampled_from(["Nri1/BA501", "1130 01 015", "NRP"])))
    receiver = draw(st.one_of(st.none(), st.text(HEX, min_size=1, max_size=6)))
    prefix = draw(st.text(HEX, min_size=1, max_size=6))
    timestamp = NOW + timedelta(seconds=draw(st.integers(-(10**9), 10**9)))
    extras = draw(st.lists(ASCII.filter(lambda x: "[" not in x and "]" not in x), max_size=2))
    return sia.build(
        token=token,
        seq=seq,
        account=account,
        data=data,
        timestamp=timestamp,
        key=key,
        framing=sia.Framing(receiver=receiver, prefix=prefix, extras=tuple(extras)),
    )


@st.composite
def mutated(draw, frames: st.SearchStrategy[bytes]) -> bytes:
    """A frame with a few bytes changed, inserted or removed (CRC left as it was)."""
    data = bytearray(draw(frames))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["set", "insert", "delete"]))
        byte = draw(st.sampled_from([0x0A, 0x0D, 0x5B, 0x5D, 0x7C, 0x22, 0x2A, 0x00, 0xFF, 0x30]))
        if action == "insert":
            data.insert(at, byte)
        elif at < len(data):
            if action == "set":
                data[at] = byte
            else:
                del data[at]
    return bytes(data)


def _answer(body: bytes, key: bytes | None) -> None:
    """What the receiver does with one body, minus the database."""
    sia.head(body)
    try:
        message = sia.parse(body, key)
    except sia.FrameError:
        return
    sia.nak(message, NOW)
    sia.ack(message, key if message.encrypted else None, NOW)
    try:
        event = sia.event_data(message)
    except sia.FrameError:
        return
    codes.classify(message.token, event.code, event.qualifier)


@budget(300)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        framed_messages().map(lambda f: f[9:-1]),
        mutated(framed_messages()).map(lambda f: f[9:-1]),
    ),
    key=st.sampled_from(KEYS),
)
def test_any_body_is_a_message_or_a_frame_error(body, key):
    _answer(body, key)


@budget(200)
@given(
    chunks=st.lists(
        st.one_of(st.binary(max_size=80), framed_messages(), mutated(framed_messages())),
        max_size=6,
    ),
    cut=st.integers(1, 64),
)
def test_any_stream_is_cut_into_frames_without_crashing(chunks, cut):
    stream = b"".join(chunks)
    splitter = sia.FrameSplitter()
    for start in range(0, len(stream), cut):
        for raw in splitter.feed(stream[start : start + cut]):
            assert (raw.body is None) != (raw.error is None)
            if raw.body is not None:
                for key in KEYS:
                    _answer(raw.body, key)


@budget(150)
@given(framed=framed_messages())
def test_a_built_message_reads_back(framed):
    [raw] = sia.FrameSplitter().feed(framed)
    assert raw.error is None
    head = sia.head(raw.body)
    key = None
    if head.encrypted:
        key = next(k for k in KEYS[1:] if _decrypts(raw.body, k))
    message = sia.parse(raw.body, key)
    assert message.account == head.account and message.timestamp is not None


def _decrypts(body: bytes, key: bytes) -> bool:
    try:
        sia.parse(body, key)
    except sia.FrameError:
        return False
    return True


@budget(200)
@given(
    data=st.one_of(
        framed_messages(),
        mutated(framed_messages()),
        st.builds(
            lambda token, seq, account, data: sia.build(
                token=token, seq=seq, account=account, data=data
            ),
            st.sampled_from(sia.TOKENS),
            st.integers(0, 9999),
            st.text("0123456789ABCDEF", min_size=3, max_size=16),
            ASCII.filter(lambda x: "[" not in x and "]" not in x),
        ).flatmap(lambda f: st.one_of(st.just(f), mutated(st.just(f)))),
    )
)
def test_the_quick_path_reads_what_the_general_one_reads(data):
    """Whatever the quick path takes, the general path takes whole and reads the same."""
    message = sia.quick(data)
    if message is None:
        return
    [raw] = sia.FrameSplitter().feed(data)
    assert raw.error is None
    assert sia.parse(raw.body) == message
