"""Media facts read from a recording's own bytes (PyAV): duration, the device's start
time, resolution, codec and, where the file carries one, its position.

Pure: a path in, a `Facts` out; nothing here knows Django. A file PyAV cannot open is not
an error here but a fact (`readable=False`, with the reason): the caller keeps it anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np

# ISO 6709 as cameras and phones write it in the `location` tag: "+35.6892+051.3890/".
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Facts:
    readable: bool
    duration_seconds: float | None = None
    # The start as the device's own clock told it (not yet corrected by its offset).
    device_start: datetime | None = None
    width: int | None = None
    height: int | None = None
    codec: str = ""
    container: str = ""
    # (latitude, longitude) points. Only the ISO 6709 location tag is read: a single point.
    # Per-second tracks (GoPro GPMF, vendors' private boxes) have no maintained reader.
    gps: tuple[tuple[float, float], ...] = field(default_factory=tuple)
    problem: str = ""


def read_facts(path: Path) -> Facts:
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            return _facts_of(container)
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as error:
        return Facts(readable=False, problem=str(error)[:300] or type(error).__name__)


def _facts_of(container) -> Facts:
    video = container.streams.video[0] if container.streams.video else None
    stream = video or (container.streams.audio[0] if container.streams.audio else None)
    if stream is None:
        return Facts(readable=False, problem="no audio or video stream")
    tags = {**stream.metadata, **container.metadata}
    return Facts(
        readable=True,
        duration_seconds=_duration(container, stream),
        device_start=parse_creation_time(tags.get("creation_time", "")),
        width=video.width if video is not None else None,
        height=video.height if video is not None else None,
        codec=stream.codec_context.name,
        container=container.format.name.split(",")[0],
        gps=tuple(p for p in [parse_iso6709(tags.get("location", ""))] if p is not None),
    )


def _duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return round(float(stream.duration * stream.time_base), 3)
    if container.duration is not None:
        return round(container.duration / av.time_base, 3)
    return None


def parse_creation_time(value: str) -> datetime | None:
    """The container's creation time (UTC by the format's definition), or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_iso6709(value: str) -> tuple[float, float] | None:
    match = _ISO6709.match(value.strip())
    if match is None:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def corrected(device_time: datetime, offset_seconds: float | None) -> datetime:
    """A device's time on the dock's clock: the offset is the device's clock minus ours."""
    return device_time - timedelta(seconds=offset_seconds or 0)


def write_clip(
    path: Path,
    *,
    device_start: datetime,
    seconds: int = 3,
    size: tuple[int, int] = (160, 120),
    location: tuple[float, float] | None = None,
    rate: int = 10,
) -> Path:
    """A small MPEG-4 clip stamped as a camera stamps it (creation time on the device's
    clock, ISO 6709 position): the demo's recordings and the tests' fixtures."""
    width, height = size
    with av.open(str(path), "w", format="mp4") as container:
        container.metadata["creation_time"] = device_start.astimezone(UTC).isoformat()
        if location is not None:
            container.metadata["location"] = f"{location[0]:+08.4f}{location[1]:+09.4f}/"
        stream = container.add_stream("mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(seconds * rate):
            shade = np.full((height, width, 3), (index * 7) % 256, dtype=np.uint8)
            shade[:, : (index * width) // (seconds * rate), 0] = 255  # a moving edge
            frame = av.VideoFrame.from_ndarray(shade, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path
