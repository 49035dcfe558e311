"""A redaction plan: what of a recording is kept (a clip), where its sound is muted and
which rectangles are blurred when. Pure: a plan and the recording's size in, problems out,
tested without a database. Every time is in seconds on the parent's own timeline (0 is its
first frame), so the person reads them off the player they watched.

Problems are codes with the index of the range or box they concern: the service turns
them into sentences in the reader's language.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from kalantar.core.persian import normalize_text, to_latin_digits

MIN_BOX = 4  # pixels: a smaller rectangle hides nothing a person could recognise
MAX_RANGES = 50


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    def covers(self, moment: float) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Box:
    """A rectangle (pixels of the frame, origin top left) blurred from `start` to `end`."""

    start: float
    end: float
    x: int
    y: int
    width: int
    height: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Plan:
    clip: Span | None = None  # None: the whole recording
    mute: tuple[Span, ...] = field(default_factory=tuple)
    blur: tuple[Box, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """The plan as kept in the derivation and written into the export's manifest."""
        return {
            "clip": [self.clip.start, self.clip.end] if self.clip else None,
            "mute": [[s.start, s.end] for s in self.mute],
            "blur": [[b.start, b.end, b.x, b.y, b.width, b.height] for b in self.blur],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        clip = data.get("clip")
        return cls(
            clip=Span(*clip) if clip else None,
            mute=tuple(Span(*pair) for pair in data.get("mute", [])),
            blur=tuple(Box(*row) for row in data.get("blur", [])),
        )

    def keeps(self, duration: float) -> Span:
        return self.clip or Span(0.0, duration)


@dataclass(frozen=True)
class Media:
    """What the redaction needs to know of the parent recording."""

    duration: float
    width: int | None  # None: no picture (audio only)
    height: int | None
    has_audio: bool


@dataclass(frozen=True)
class Problem:
    code: str
    index: int | None = None  # 0-based: which range or box


def validate(plan: Plan, media: Media) -> list[Problem]:
    """Everything wrong with `plan` for this recording; empty when it can be made."""
    if plan.clip is None and not plan.mute and not plan.blur:
        return [Problem("empty")]
    found: list[Problem] = []
    if plan.clip is not None and not _within(plan.clip, media.duration):
        found.append(Problem("clip_outside"))
    found += _mute_problems(plan.mute, media)
    found += _blur_problems(plan.blur, media)
    if len(plan.mute) > MAX_RANGES or len(plan.blur) > MAX_RANGES:
        found.append(Problem("too_many"))
    return found


def _within(span: Span, duration: float) -> bool:
    return 0 <= span.start < span.end <= duration


def _mute_problems(mute: tuple[Span, ...], media: Media) -> list[Problem]:
    if mute and not media.has_audio:
        return [Problem("no_audio")]
    found = [
        Problem("mute_outside", i) for i, s in enumerate(mute) if not _within(s, media.duration)
    ]
    # Overlapping mutes are a slip of the hand (two ranges meant as one): the person says
    # which they meant rather than the tool guessing.
    ordered = sorted(range(len(mute)), key=lambda i: mute[i].start)
    for before, after in itertools.pairwise(ordered):
        if mute[after].start < mute[before].end:
            found.append(Problem("mute_overlap", after))
    return found


def _blur_problems(boxes: tuple[Box, ...], media: Media) -> list[Problem]:
    if boxes and media.width is None:
        return [Problem("no_picture")]
    found = []
    for index, box in enumerate(boxes):
        if not _within(box.span, media.duration):
            found.append(Problem("box_time_outside", index))
        if box.width < MIN_BOX or box.height < MIN_BOX:
            found.append(Problem("box_too_small", index))
        elif not _box_in_frame(box, media):
            found.append(Problem("box_outside", index))
    return found


def _box_in_frame(box: Box, media: Media) -> bool:
    return (
        box.x >= 0
        and box.y >= 0
        and box.x + box.width <= (media.width or 0)
        and box.y + box.height <= (media.height or 0)
    )


# --- Reading what a person typed ----------------------------------------------------------------

_TIME = re.compile(r"^(?:\d+:){0,2}\d+(?:\.\d+)?$")
_DASH = re.compile(r"\s*[-–—تا]+\s*")


def parse_time(text: str) -> float:
    """Seconds from `S`, `M:SS` or `H:MM:SS` (Persian or Latin digits, `٫` or `.` for the
    fraction); ValueError when it is not a time."""
    text = to_latin_digits(normalize_text(text)).replace("٫", ".").replace("/", ".").strip()
    if not _TIME.match(text):
        raise ValueError(text)
    *larger, last = text.split(":")
    seconds = float(last)
    for scale, part in zip((60, 3600), reversed(larger), strict=False):
        seconds += int(part) * scale
    return round(seconds, 3)


def parse_span(text: str) -> Span:
    """`start-end` (or `start تا end`) as a span; ValueError when it is not one."""
    pieces = _DASH.split(to_latin_digits(normalize_text(text)).strip(), maxsplit=1)
    if len(pieces) != 2:
        raise ValueError(text)
    return Span(parse_time(pieces[0]), parse_time(pieces[1]))


def parse_spans(text: str) -> tuple[Span, ...]:
    """Several spans separated by commas (Latin or Persian) or new lines."""
    chunks = re.split(r"[,،\n]+", normalize_text(text, multiline=True))
    return tuple(parse_span(chunk) for chunk in chunks if chunk.strip())


def format_time(seconds: float) -> str:
    """`M:SS` or `M:SS.s`: how the editor shows a time back."""
    minutes, rest = divmod(round(seconds, 1), 60)
    whole = f"{int(minutes)}:{int(rest):02d}"
    return whole if rest == int(rest) else f"{whole}.{round((rest - int(rest)) * 10):d}"
