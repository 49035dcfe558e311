"""The redaction plan and what a person types for it, without a database."""

from __future__ import annotations

import pytest

from kalantar.evidence import faces
from kalantar.evidence.redaction import (
    Box,
    Media,
    Plan,
    Span,
    format_time,
    parse_span,
    parse_spans,
    parse_time,
    validate,
)

VIDEO = Media(duration=60.0, width=640, height=480, has_audio=True)


def codes(plan: Plan, media: Media = VIDEO) -> list[tuple[str, int | None]]:
    return [(p.code, p.index) for p in validate(plan, media)]


def test_a_sound_plan_has_no_problems():
    plan = Plan(
        clip=Span(5, 30),
        mute=(Span(10, 12), Span(12, 15)),
        blur=(Box(5, 20, 100, 100, 80, 80), Box(6, 9, 120, 110, 80, 80)),
    )
    assert codes(plan) == []


def test_an_empty_plan_is_refused():
    assert codes(Plan()) == [("empty", None)]


@pytest.mark.parametrize("clip", [Span(-1, 10), Span(10, 5), Span(50, 61), Span(3, 3)])
def test_a_clip_must_lie_within_the_recording(clip):
    assert codes(Plan(clip=clip)) == [("clip_outside", None)]


def test_overlapping_mutes_are_refused_with_the_later_one_named():
    plan = Plan(mute=(Span(20, 30), Span(5, 8), Span(25, 40)))
    assert codes(plan) == [("mute_overlap", 2)]


def test_a_mute_past_the_end_is_named():
    assert codes(Plan(mute=(Span(1, 2), Span(59, 61)))) == [("mute_outside", 1)]


def test_muting_a_silent_recording_is_refused():
    silent = Media(duration=60.0, width=640, height=480, has_audio=False)
    assert codes(Plan(mute=(Span(1, 2),)), silent) == [("no_audio", None)]


def test_rectangles_may_overlap_but_must_stay_in_the_frame():
    plan = Plan(
        blur=(
            Box(0, 5, 600, 10, 80, 80),  # past the right edge
            Box(0, 5, 10, 10, 2, 80),  # too narrow to hide anything
            Box(0, 70, 10, 10, 80, 80),  # past the end
            Box(0, 5, -1, 10, 80, 80),  # left of the frame
        )
    )
    assert codes(plan) == [
        ("box_outside", 0),
        ("box_too_small", 1),
        ("box_time_outside", 2),
        ("box_outside", 3),
    ]


def test_blurring_an_audio_recording_is_refused():
    audio = Media(duration=60.0, width=None, height=None, has_audio=True)
    assert codes(Plan(blur=(Box(0, 5, 0, 0, 10, 10),)), audio) == [("no_picture", None)]


def test_a_plan_survives_its_written_form():
    plan = Plan(clip=Span(1.5, 9), mute=(Span(2, 3),), blur=(Box(1, 2, 3, 4, 50, 60),))
    assert Plan.from_dict(plan.as_dict()) == plan
    assert Plan.from_dict(Plan().as_dict()) == Plan()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("12", 12), ("۱۲", 12), ("1:05", 65), ("۱:۰۵٫۵", 65.5), ("1:00:02", 3602), (" 0:07 ", 7)],
)
def test_times_are_read_in_persian_or_latin_digits(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1:2:3:4", "-5", "۱:الف"])
def test_what_is_not_a_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_ranges_are_read_with_a_dash_or_the_persian_word():
    assert parse_span("۰:۰۵ تا ۰:۱۲") == Span(5, 12)
    assert parse_spans("0:05-0:12، 1:00 – 1:10\n2:00-2:01") == (
        Span(5, 12),
        Span(60, 70),
        Span(120, 121),
    )
    with pytest.raises(ValueError):
        parse_span("5")


def test_times_are_shown_back_as_minutes_and_seconds():
    assert format_time(65.5) == "1:05.5"
    assert format_time(3) == "0:03"


def test_face_hits_of_successive_samples_join_into_one_box_over_time():
    hits = [
        faces.Hit(0.0, (100, 100, 40, 40)),
        faces.Hit(1.0, (104, 102, 40, 40)),  # the same face, moved a little
        faces.Hit(2.0, (108, 100, 40, 40)),
        faces.Hit(1.0, (400, 300, 30, 30)),  # another face, seen once
    ]
    boxes = faces.join(hits, every=1.0, frame=(640, 480), duration=10.0)
    first, second = sorted(boxes, key=lambda b: b.x)
    assert (first.start, first.end) == (0.0, 3.0)
    # It covers every place the face was, with a margin.
    assert first.x <= 100 - 6 and first.x + first.width >= 148 + 6
    assert (second.start, second.end) == (1.0, 2.0)


def test_a_suggested_box_stays_inside_the_frame_and_the_recording():
    (box,) = faces.join(
        [faces.Hit(9.5, (0, 0, 40, 40))], every=1.0, frame=(640, 480), duration=10.0
    )
    assert box.x == 0 and box.y == 0 and box.end == 10.0
    assert validate(Plan(blur=(box,)), Media(10.0, 640, 480, False)) == []
