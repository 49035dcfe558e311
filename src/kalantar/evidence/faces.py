"""Face suggestions for the redaction editor: a detector run over frames sampled through the
recording, its hits joined into boxes over time. The tool only suggests: the person
confirms, moves or removes each box before anything is blurred.

The detector is OpenCV's Haar cascade for frontal faces, as OpenCV's own packages ship it
(`cv2.data.haarcascades`). An OpenCV build without it (the 5.x wheels dropped the cascades)
suggests nothing, and the editor says so: boxes are then drawn by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from kalantar.evidence.redaction import Box

CASCADE = "haarcascade_frontalface_default.xml"
SAMPLE_EVERY = 1.0  # seconds between the frames looked at
JOIN_IOU = 0.3  # hits in successive samples this much alike are one face moving
MARGIN = 0.15  # a suggested box is this much larger than the hit on each side


@dataclass(frozen=True)
class Hit:
    """A face found in one sampled frame: (x, y, width, height) in pixels."""

    moment: float
    rect: tuple[int, int, int, int]


@cache
def _classifier():
    make = getattr(cv2, "CascadeClassifier", None)
    path = Path(getattr(getattr(cv2, "data", None), "haarcascades", "") or ".") / CASCADE
    if make is None or not path.is_file():
        return None
    classifier = make(str(path))
    return None if classifier.empty() else classifier


def available() -> bool:
    return _classifier() is not None


def detect(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face rectangles in one BGR frame (none when the cascade is not available)."""
    classifier = _classifier()
    if classifier is None:
        return []
    grey = cv2.equalizeHist(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    found = classifier.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(20, 20))
    return [tuple(int(v) for v in rect) for rect in found]


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


def _grown(rect, frame: tuple[int, int]) -> tuple[int, int, int, int]:
    """The hit enlarged by MARGIN (a cascade's box is tight round the eyes and mouth; the
    hair and ears identify too), kept inside the frame."""
    x, y, w, h = rect
    dx, dy = int(w * MARGIN), int(h * MARGIN)
    left, top = max(0, x - dx), max(0, y - dy)
    right, bottom = min(frame[0], x + w + dx), min(frame[1], y + h + dy)
    return left, top, right - left, bottom - top


def join(
    hits: Iterable[Hit], *, every: float, frame: tuple[int, int], duration: float
) -> list[Box]:
    """Hits of successive samples that overlap become one box over their time; the box
    covers every rectangle it joined (a face moving a little stays hidden) and lasts from
    the first sample to one interval after the last."""
    tracks: list[list[Hit]] = []
    for hit in sorted(hits, key=lambda h: h.moment):
        for track in tracks:
            last = track[-1]
            if 0 < hit.moment - last.moment <= every * 1.5 and iou(last.rect, hit.rect) >= JOIN_IOU:
                track.append(hit)
                break
        else:
            tracks.append([hit])
    return [_box_of(track, every=every, frame=frame, duration=duration) for track in tracks]


def _box_of(track: list[Hit], *, every: float, frame, duration: float) -> Box:
    rects = [_grown(h.rect, frame) for h in track]
    left, top = min(r[0] for r in rects), min(r[1] for r in rects)
    right = max(r[0] + r[2] for r in rects)
    bottom = max(r[1] + r[3] for r in rects)
    start = max(0.0, round(track[0].moment, 1))
    end = min(duration, round(track[-1].moment + every, 1))
    return Box(start, max(end, min(duration, start + 0.1)), left, top, right - left, bottom - top)


def suggest(samples, *, duration: float, every: float = SAMPLE_EVERY) -> list[Box]:
    """Boxes over time for the faces in `samples` ((time, BGR image) pairs)."""
    hits: list[Hit] = []
    frame = (0, 0)
    for moment, image in samples:
        frame = (image.shape[1], image.shape[0])
        hits += [Hit(moment, rect) for rect in detect(image)]
    return join(hits, every=every, frame=frame, duration=duration)
