"""Recordings made for the redaction tests: a picture with a detailed square (so a blur is
visible as lost detail) and a steady tone (so a mute is visible as silence)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import av
import numpy as np

SIZE = (160, 120)
SQUARE = (60, 40, 40, 40)  # x, y, width, height of the detailed square
RATE, SOUND_RATE = 10, 8000


def clip_with_sound(path: Path, *, seconds: int = 4, started: datetime | None = None) -> Path:
    width, height = SIZE
    x, y, w, h = SQUARE
    noise = np.random.default_rng(7).integers(0, 256, (h, w, 3), dtype=np.uint8)
    with av.open(str(path), "w", format="mp4") as container:
        if started is not None:
            container.metadata["creation_time"] = started.isoformat()
        video = container.add_stream("mpeg4", rate=RATE)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = container.add_stream("aac", rate=SOUND_RATE)
        audio.layout = "mono"
        for index in range(seconds * RATE):
            image = np.full((height, width, 3), 80 + index % 50, dtype=np.uint8)
            image[y : y + h, x : x + w] = noise
            container.mux(video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        moments = np.arange(seconds * SOUND_RATE) / SOUND_RATE
        tone = (0.5 * np.sin(2 * np.pi * 440 * moments)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            frame = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1024], format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = SOUND_RATE, start
            container.mux(audio.encode(frame))
        container.mux(video.encode())
        container.mux(audio.encode())
    return path


def loudness(path: Path) -> list[tuple[float, float]]:
    """(time, peak) of each audio frame of the file."""
    with av.open(str(path)) as container:
        return [
            (frame.time, float(np.abs(frame.to_ndarray()).max()))
            for frame in container.decode(audio=0)
        ]


def detail_at(path: Path, moment: float, box=SQUARE) -> float:
    """How much detail (standard deviation) the square holds in the frame at `moment`."""
    x, y, w, h = box
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time + 1e-6 >= moment:
                image = frame.to_ndarray(format="rgb24")
                return float(image[y + 4 : y + h - 4, x + 4 : x + w - 4].std())
    raise AssertionError("no frame at that time")
