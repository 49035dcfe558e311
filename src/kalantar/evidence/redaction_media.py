"""A redaction plan carried out on a recording's bytes (PyAV to decode and encode, OpenCV to
blur), and single frames for the redaction editor's preview. No Django: paths in, a new
file out; the parent file is only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from kalantar.evidence.redaction import Box, Plan, Span

FALLBACK_RATE = 25
PIXELS_PER_BLOCK = 8  # the blurred face becomes a mosaic of about 8×8 blocks, then smoothed


@dataclass(frozen=True)
class Output:
    path: Path
    content_type: str = "video/mp4"


def blur_region(image: np.ndarray, box: Box) -> None:
    """Make the rectangle unrecognisable in place: a coarse mosaic (which discards the
    detail, unlike a blur alone that can sometimes be reversed), then smoothed."""
    region = image[box.y : box.y + box.height, box.x : box.x + box.width]
    if region.size == 0:
        return
    small = cv2.resize(
        region,
        (max(1, box.width // PIXELS_PER_BLOCK), max(1, box.height // PIXELS_PER_BLOCK)),
        interpolation=cv2.INTER_AREA,
    )
    mosaic = cv2.resize(small, (box.width, box.height), interpolation=cv2.INTER_NEAREST)
    kernel = max(3, (min(box.width, box.height) // 4) | 1)
    region[:] = cv2.GaussianBlur(mosaic, (kernel, kernel), 0)


def _video_codec(width: int, height: int) -> str:
    # x264 needs even sides; the few recorders with odd ones get MPEG-4 part 2.
    if "libx264" in av.codecs_available and width % 2 == 0 and height % 2 == 0:
        return "libx264"
    return "mpeg4"


class _Writer:
    """The derivative's streams, each frame timed from the start of the kept span."""

    def __init__(self, out, video, audio, keep: Span) -> None:
        self.out, self.keep = out, keep
        self.vout = self.aout = None
        self.frames = self.samples = 0
        if video is not None:
            rate = video.average_rate or Fraction(FALLBACK_RATE)
            self.frame_time = 1 / Fraction(rate)
            codec = _video_codec(video.width, video.height)
            self.vout = out.add_stream(codec, rate=rate)
            self.vout.width, self.vout.height, self.vout.pix_fmt = (
                video.width,
                video.height,
                "yuv420p",
            )
            if codec == "libx264":
                self.vout.options = {"crf": "20", "preset": "veryfast"}
        if audio is not None:
            self.rate = audio.rate
            self.aout = out.add_stream("aac", rate=audio.rate)
            self.aout.layout = audio.layout.name
            self.resampler = av.AudioResampler(
                format="fltp", layout=audio.layout.name, rate=audio.rate
            )

    def video(self, frame, blur: tuple[Box, ...]) -> None:
        moment = frame.time
        image = frame.to_ndarray(format="bgr24")
        for box in blur:
            if box.span.covers(moment):
                blur_region(image, box)
        new = av.VideoFrame.from_ndarray(image, format="bgr24")
        new.pts = self.frames
        new.time_base = self.frame_time
        self.frames += 1
        self.out.mux(self.vout.encode(new))

    def audio(self, frame, mute: tuple[Span, ...]) -> None:
        start = frame.time
        for part in self.resampler.resample(frame):
            samples = part.to_ndarray()
            times = start + np.arange(samples.shape[1]) / self.rate
            silent = np.zeros(samples.shape[1], dtype=bool)
            for span in mute:
                silent |= (times >= span.start) & (times < span.end)
            samples[:, silent] = 0
            start += samples.shape[1] / self.rate
            new = av.AudioFrame.from_ndarray(samples, format="fltp", layout=part.layout.name)
            new.sample_rate, new.pts = self.rate, self.samples
            new.time_base = Fraction(1, self.rate)
            self.samples += samples.shape[1]
            self.out.mux(self.aout.encode(new))

    def close(self) -> None:
        for stream in (self.vout, self.aout):
            if stream is not None:
                self.out.mux(stream.encode())


def render(
    source: Path, target: Path, plan: Plan, *, duration: float, started: datetime | None
) -> Output:
    """Write the redacted copy of `source` to `target` (MP4): only the kept span, sound
    silenced over the mute spans, each box blurred while it runs. `started` is when the
    parent began on the device's clock; the copy is stamped with its own start."""
    keep = plan.keeps(duration)
    with av.open(str(source)) as inp, av.open(str(target), "w", format="mp4") as out:
        video = inp.streams.video[0] if inp.streams.video else None
        audio = inp.streams.audio[0] if inp.streams.audio else None
        if started is not None:
            moment = started + timedelta(seconds=keep.start)
            out.metadata["creation_time"] = moment.astimezone(UTC).isoformat()
        writer = _Writer(out, video, audio, keep)
        streams = [s for s in (video, audio) if s is not None]
        for frame in inp.decode(*streams):
            if frame.time is None or not keep.covers(frame.time):
                continue
            if isinstance(frame, av.VideoFrame):
                writer.video(frame, plan.blur)
            else:
                writer.audio(frame, plan.mute)
        writer.close()
    return Output(target, "video/mp4" if video is not None else "audio/mp4")


def frames(source: Path, *, every: float, limit: int = 600):
    """(time, BGR image) of one frame each `every` seconds, at most `limit` of them."""
    taken, due = 0, 0.0
    with av.open(str(source)) as inp:
        if not inp.streams.video:
            return
        stream = inp.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in inp.decode(stream):
            if frame.time is None or frame.time < due:
                continue
            yield frame.time, frame.to_ndarray(format="bgr24")
            taken, due = taken + 1, frame.time + every
            if taken >= limit:
                return


def frame_jpeg(source: Path, moment: float) -> bytes | None:
    """The first frame at or after `moment` seconds, as a JPEG; None past the end."""
    with av.open(str(source)) as inp:
        if not inp.streams.video:
            return None
        stream = inp.streams.video[0]
        if moment > 1 and stream.time_base:
            inp.seek(int(max(0.0, moment - 1) / stream.time_base), stream=stream)
        for frame in inp.decode(stream):
            if frame.time is not None and frame.time + 1e-6 >= moment:
                ok, data = cv2.imencode(".jpg", frame.to_ndarray(format="bgr24"))
                return data.tobytes() if ok else None
    return None


def has_audio(source: Path) -> bool:
    try:
        with av.open(str(source)) as inp:
            return bool(inp.streams.audio)
    except av.FFmpegError:
        return False
