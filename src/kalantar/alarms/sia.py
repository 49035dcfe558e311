"""SIA DC-09 framing, parsing, encryption and replies: pure code, no Django.

Why our own and not pysiaalarm's receiver: it treats each socket read as one frame (losing
the second of two frames in one TCP segment), ignores the length field, answers a bad CRC
with a bare LF CR and writes a literal "None" for an absent receiver number. This module
frames on LF … CR *and* the length field, checks both CRC and length, and echoes the
panel's fields exactly. pysiaalarm's code tables are still used for classification
(`kalantar.alarms.codes`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import fastcrc
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

LF, CR = 0x0A, 0x0D
MAX_BODY = 1024  # longest body (ID … timestamp) we accept; longer is an oversize frame
HEADER = 8  # 4 CRC characters + 4 length characters

TOKENS = ("SIA-DCS", "ADM-CID", "NULL")


class FrameError(Exception):
    """A frame we must not acknowledge. `reason` is a short machine word for logs/tests."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# --- CRC-16/ARC ---------------------------------------------------------------------------

# CRC-16/ARC (reflected 0xA001, init 0, no final xor), computed in compiled code: every frame
# is checked and every reply framed, and a Python loop costs about 14 times as much.
crc16_arc = fastcrc.crc16.arc


# --- Framing ------------------------------------------------------------------------------

_HEX = frozenset(b"0123456789abcdefABCDEF")
_HEX_TEXT = frozenset("0123456789abcdefABCDEF")


@dataclass(slots=True)
class RawFrame:
    """One frame cut from the stream: either a checked body or the error it carried."""

    body: bytes | None
    error: FrameError | None = None


class FrameSplitter:
    """Cuts a byte stream into frames by LF, the declared length and the closing CR.

    Bytes before an LF are noise and are skipped. A header that is not hex, a length
    beyond MAX_BODY or a missing CR at the declared end is reported as an error and the
    splitter resynchronises on the next LF; `fatal` is set when the stream is beyond
    repair (so the connection can be dropped).
    """

    __slots__ = ("buffer", "fatal")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.fatal = False

    def feed(self, data: bytes) -> list[RawFrame]:
        buf = self.buffer
        buf += data
        out: list[RawFrame] = []
        while True:
            start = buf.find(b"\n")
            if start < 0:
                buf.clear()  # no frame starts here: noise
                return out
            if start:
                del buf[:start]
            if len(buf) < 1 + HEADER:
                return out
            header = bytes(buf[1 : 1 + HEADER])
            fields = read_header(header)
            if fields is None:
                del buf[:1]
                out.append(RawFrame(None, FrameError("header", repr(header))))
                continue
            length = fields[1]
            if length > MAX_BODY:
                del buf[:1]
                self.fatal = True
                out.append(RawFrame(None, FrameError("oversize", str(length))))
                continue
            end = 1 + HEADER + length
            if len(buf) <= end:
                # Wait for more, unless a CR already shows the frame is shorter than declared.
                cr = buf.find(b"\r", 1 + HEADER)
                if cr >= 0 and buf.find(b"\n", 1) > cr:
                    del buf[: cr + 1]
                    out.append(RawFrame(None, FrameError("length", "short frame")))
                    continue
                return out
            if buf[end] != CR:
                cr = buf.find(b"\r", 1 + HEADER)
                next_lf = buf.find(b"\n", 1)
                cut = cr + 1 if cr >= 0 and (next_lf < 0 or cr < next_lf) else max(next_lf, 1)
                del buf[:cut]
                out.append(RawFrame(None, FrameError("length", "no CR at declared end")))
                continue
            body = bytes(buf[1 + HEADER : end])
            del buf[: end + 1]
            error = check_frame(header, body)
            out.append(RawFrame(None, error) if error else RawFrame(body))


def read_header(header: bytes) -> tuple[int, int] | None:
    """(CRC, length) of a frame's header, or None: exactly four hex digits of CRC and four of
    length, the length's first one 0 (Python's int() alone would also take "0x15", "1_5" or
    " 15")."""
    if len(header) != HEADER or header[4] != 0x30 or not _HEX.issuperset(header):
        return None
    return int(header[:4], 16), int(header[4:], 16)


def check_frame(header: bytes, body: bytes) -> FrameError | None:
    """What is wrong with a frame's header and body, or None. The one check of a frame: both
    the quick and the general path accept a body only when this returns None."""
    fields = read_header(header)
    if fields is None:
        return FrameError("header", repr(header))
    crc, length = fields
    if length > MAX_BODY:
        return FrameError("oversize", str(length))
    if length != len(body):
        return FrameError("length", "declared length differs")
    if crc16_arc(body) != crc:
        return FrameError("crc")
    return None


def frame(body: bytes) -> bytes:
    """Wrap a body in LF, CRC, length and CR."""
    return b"\n%04X%04X%s\r" % (crc16_arc(body), len(body), body)


# --- Parsing ------------------------------------------------------------------------------

# The addressing fields, one grammar for both parsers: sequence, receiver, prefix, account.
_ADDRESS = r"(\d{4})(?:R([0-9A-Fa-f]{1,6}))?L([0-9A-Fa-f]{1,6})#([0-9A-Fa-f]{3,16})"

_HEAD = re.compile(r'"(\*?)(SIA-DCS|ADM-CID|NULL)"' + _ADDRESS + r"\[")
_ANY_TOKEN = re.compile(r'"\*?([A-Z-]+)"')
_TIMESTAMP = re.compile(r"_(\d\d):(\d\d):(\d\d),(\d\d)-(\d\d)-(\d{4})$")
_EXTRA = re.compile(r"\[([^\[\]]*)\]")
_CID = re.compile(r"^([136])(\d{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$")


@dataclass(slots=True)
class Message:
    token: str  # SIA-DCS, ADM-CID or NULL
    encrypted: bool
    seq: str
    receiver: str | None
    prefix: str
    account: str
    data: str  # the event data, e.g. "Nri1/BA501" or "1130 01 015"; "" for NULL
    extras: list[str] = field(default_factory=list)
    timestamp: datetime | None = None


def _decrypt(hex_text: str, key: bytes) -> str:
    if not hex_text or len(hex_text) % 32 or not all(c in _HEX_TEXT for c in hex_text):
        raise FrameError("hex", "encrypted block is not whole AES blocks of hex")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).decryptor()
    plain = decryptor.update(bytes.fromhex(hex_text)) + decryptor.finalize()
    try:
        return plain.decode("ascii")
    except UnicodeDecodeError as exc:
        raise FrameError("decrypt", "wrong key or corrupt data") from exc


def encrypt_block(text: str, key: bytes) -> str:
    """Pad `text` (which must start with its `|` or `]`) at the front to 16 bytes; AES-CBC."""
    need = (-len(text)) % 16
    pad = bytes(65 + b % 26 for b in os.urandom(need)).decode()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    data = (pad + text).encode("ascii")
    return (encryptor.update(data) + encryptor.finalize()).hex().upper()


def parse_key(text: str) -> bytes:
    """A key given as 16/24/32 ASCII characters or as 32/48/64 hex digits."""
    text = text.strip()
    if len(text) in (32, 48, 64) and all(c in "0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text)
    if len(text) in (16, 24, 32) and text.isascii():
        return text.encode("ascii")
    raise ValueError("key must be 16, 24 or 32 characters, or 32, 48 or 64 hex digits")


def head(body: bytes) -> Message | None:
    """The addressing fields of a body (no data, nothing decrypted); None if malformed."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return None
    m = _HEAD.match(text)
    if m is None:
        return None
    star, token, seq, receiver, prefix, account = m.groups()
    return Message(token, star == "*", seq, receiver, prefix, account, "")


def parse(body: bytes, key: bytes | None = None) -> Message:
    """Parse a checked body. Raises FrameError; `key` is needed for encrypted tokens."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise FrameError("format", "not ASCII") from exc
    m = _HEAD.match(text)
    if m is None:
        token = _ANY_TOKEN.match(text)
        if token and token.group(1) not in TOKENS:
            raise FrameError("token", token.group(1))
        raise FrameError("format", "bad message head")
    star, token, seq, receiver, prefix, account = m.groups()
    rest = text[m.end() :]
    encrypted = star == "*"
    if encrypted:
        if key is None:
            raise FrameError("key", "encrypted message without a key for this account")
        content = _decrypt(rest, key)
        bar = content.find("|")
        close = content.find("]")
        if bar < 0 or bar > close >= 0:
            bar = close  # a block with no data ("pad]…"), as some panels send NULL
        if bar < 0 or "[" in content[:bar]:
            raise FrameError("decrypt", "no '|' or ']' after padding")
        content = content[bar:]
    else:
        content = rest
    data, extras, timestamp = _content(content)
    if encrypted and timestamp is None:
        raise FrameError("format", "encrypted message without timestamp")
    return Message(
        token=token,
        encrypted=encrypted,
        seq=seq,
        receiver=receiver,
        prefix=prefix,
        account=account,
        data=data,
        extras=extras,
        timestamp=timestamp,
    )


def _content(content: str) -> tuple[str, list[str], datetime | None]:
    """Split `[#ACCT|DATA]…[x]…_ts` (the opening `[` already consumed)."""
    close = content.find("]")
    if close < 0:
        raise FrameError("format", "data block not closed")
    block = content[:close]
    data = block.split("|", 1)[1] if "|" in block else block
    tail = content[close + 1 :]
    timestamp = None
    ts = _TIMESTAMP.search(tail)
    if ts:
        hh, mi, ss, mo, dd, yyyy = (int(g) for g in ts.groups())
        try:
            timestamp = datetime(yyyy, mo, dd, hh, mi, ss, tzinfo=UTC)
        except ValueError as exc:
            raise FrameError("format", "impossible timestamp") from exc
        tail = tail[: ts.start()]
    extras = []
    pos = 0
    for x in _EXTRA.finditer(tail):
        if x.start() != pos:
            break
        extras.append(x.group(1))
        pos = x.end()
    if pos != len(tail):
        raise FrameError("format", "unexpected text after data")
    return data, extras, timestamp


# The common frame, whole in one read: plain (not encrypted), no timestamp, no extra fields.
# One match gives the header, body, token, address fields and data block; `quick` checks
# them with `check_frame` as the general path does. Anything else goes the general way.
_QUICK = re.compile(
    rb'\n(.{8})("(SIA-DCS|ADM-CID|NULL)"' + _ADDRESS.encode() + rb"\[([^\[\]]*)\])\r",
    re.DOTALL,
).fullmatch


def quick(data: bytes) -> Message | None:
    """The message of `data` when it is exactly one checked frame of the common shape (the
    general path would read the same message from it), else None: the general path decides,
    and names what is wrong. Most of a centre's traffic is this shape, and the general
    splitter and parser cost several times as much."""
    m = _QUICK(data)
    if m is None:
        return None
    header, body, token, seq, receiver, prefix, account, block = m.groups()
    if check_frame(header, body) is not None or not block.isascii():
        return None
    data_ = block.split(b"|", 1)[1] if b"|" in block else block
    return Message(
        token.decode(), False, seq.decode(), receiver.decode() if receiver else None,
        prefix.decode(), account.decode(), data_.decode(),
    )  # fmt: skip


# --- Event data ---------------------------------------------------------------------------


@dataclass(slots=True)
class EventData:
    code: str  # SIA code ("BA") or Contact ID event ("130"); "" for NULL
    zone: str = ""
    qualifier: str = ""  # Contact ID: 1 new, 3 restore, 6 still present
    partition: str = ""
    text: str = ""


def event_data(message: Message) -> EventData:
    """The first event of a message (SIA DCS or Contact ID)."""
    data = message.data
    if message.token == "NULL" or not data:
        return EventData("")
    if message.token == "ADM-CID":
        m = _CID.match(data.strip())
        if not m:
            raise FrameError("format", "bad Contact ID data")
        q, code, group, zone = m.groups()
        return EventData(code, zone=zone, qualifier=q, partition=group)
    return _sia_event(data)


_SIA_CODE = re.compile(r"([A-Z]{2})([0-9A-Za-z]*)")


def _sia_event(data: str) -> EventData:
    text = ""
    if "^" in data:
        start = data.index("^")
        end = data.find("^", start + 1)
        text = data[start + 1 : end if end > 0 else None]
        data = data[:start] + (data[end + 1 :] if end > 0 else "")
    if data.startswith(("N", "O")):  # new event / old event
        data = data[1:]
    partition = ""
    for part in data.split("/"):
        if part[:2] in ("ri", "pi"):
            partition = part[2:]
        elif part[:2] in ("ti", "id"):
            continue
        else:
            m = _SIA_CODE.match(part)
            if m:
                return EventData(m.group(1), zone=m.group(2), partition=partition, text=text)
    raise FrameError("format", "no SIA event code")


# --- Replies ------------------------------------------------------------------------------


def format_timestamp(at: datetime) -> str:
    at = at.astimezone(UTC)
    return at.strftime("_%H:%M:%S,%m-%d-%Y")


def _address(seq: str, receiver: str | None, prefix: str, account: str) -> str:
    return f"{seq}{'R' + receiver if receiver is not None else ''}L{prefix}#{account}"


def ack(message: Message, key: bytes | None = None, now: datetime | None = None) -> bytes:
    """`"ACK"` echoing the panel's fields; `"*ACK"` with an encrypted block if it was encrypted."""
    addr = _address(message.seq, message.receiver, message.prefix, message.account)
    if message.encrypted:
        assert key is not None
        block = encrypt_block("|]" + format_timestamp(now or datetime.now(UTC)), key)
        return frame(f'"*ACK"{addr}[{block}'.encode())
    return frame(f'"ACK"{addr}[]'.encode())


def nak(message: Message | None = None, now: datetime | None = None) -> bytes:
    """`"NAK"` with the receiver's time (never encrypted), echoing what we could read."""
    ts = format_timestamp(now or datetime.now(UTC))
    if message is None:
        return frame(f'"NAK"0000R0L0A0[]{ts}'.encode())
    addr = _address(message.seq, message.receiver, message.prefix, message.account)
    return frame(f'"NAK"{addr}[]{ts}'.encode())


# --- Building frames (the simulator and the tests) ------------------------------------------


@dataclass(frozen=True)
class Framing:
    """The routing fields and extra blocks around a message; most frames use the defaults."""

    receiver: str | None = "0"  # None: no receiver number at all
    prefix: str = "0"
    extras: tuple[str, ...] = ()


PLAIN_FRAMING = Framing()


def build(
    *,
    token: str,
    seq: int,
    account: str,
    data: str = "",
    timestamp: datetime | None = None,
    key: bytes | None = None,
    framing: Framing = PLAIN_FRAMING,
) -> bytes:
    """A panel's message as framed bytes; encrypted when `key` is given."""
    rcv = f"R{framing.receiver}" if framing.receiver is not None else ""
    head = f'"{"*" if key else ""}{token}"{seq:04d}{rcv}L{framing.prefix}#{account}['
    tail = "".join(f"[{x}]" for x in framing.extras)
    tail += format_timestamp(timestamp) if timestamp else ""
    inner = f"|{data}]" if data or key else "]"
    if key:
        if not timestamp:
            raise ValueError("encrypted messages need a timestamp")
        body = head + encrypt_block(inner + tail, key)
    else:
        body = head + (f"#{account}{inner}" if data else inner) + tail
    return frame(body.encode("ascii"))
