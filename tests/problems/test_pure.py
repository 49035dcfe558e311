"""Pure modules: answer links, areas, figures and the referral workflow."""

from __future__ import annotations

from datetime import UTC, datetime

import h3
import pytest

from kalantar.problems import areas, figures, links, workflow


def test_link_round_trip_and_any_change_is_refused(settings):
    token = links.make_token(42, "abc123")
    claim = links.read_token(token)
    assert claim == links.LinkClaim(42, "abc123")
    payload, rest = token.split(":", 1)
    other_payload = links.make_token(43, "abc123").split(":", 1)[0]
    flipped = ("B" if payload[0] != "B" else "C") + payload[1:]
    for altered in (f"{other_payload}:{rest}", f"{flipped}:{rest}", token[:-6], ""):
        with pytest.raises(links.LinkError):
            links.read_token(altered)


def test_expired_link_is_refused_with_its_own_message(settings):
    token = links.make_token(1, "n")
    settings.REFERRAL_LINK_DAYS = -1
    with pytest.raises(links.LinkError) as expired:
        links.read_token(token)
    settings.REFERRAL_LINK_DAYS = 90
    with pytest.raises(links.LinkError) as altered:
        links.read_token(token + "x")
    assert str(expired.value) != str(altered.value)


def test_area_cells_are_validated_and_brought_to_resolution_9():
    cell7 = h3.latlng_to_cell(34.8, 48.5, 7)
    assert areas.valid_cells([cell7, cell7.upper(), " "]) == [cell7]
    with pytest.raises(areas.AreaError):
        areas.valid_cells(["not-a-cell"])
    with pytest.raises(areas.AreaError):
        areas.valid_cells([h3.latlng_to_cell(34.8, 48.5, 4)])  # too coarse
    children = areas.to_resolution([cell7])
    assert len(children) == 49 and all(h3.get_resolution(c) == 9 for c in children)


def test_ring_surrounds_the_area_without_touching_it():
    centre = h3.latlng_to_cell(34.8, 48.5, 9)
    area = set(h3.grid_disk(centre, 1))
    ring = areas.ring(area, k=2)
    assert not ring & area
    assert ring == set(h3.grid_disk(centre, 3)) - area


def test_figures_use_tehran_hours_and_a_week_from_saturday():
    cell = h3.latlng_to_cell(34.85, 48.55, 9)
    # Friday 2025-10-17 21:00 UTC is Saturday 00:30 in Tehran.
    rows = [
        figures.Row(datetime(2025, 10, 17, 21, 0, tzinfo=UTC), 34.85, 48.55, cell),
        figures.Row(datetime(2025, 10, 17, 21, 5, tzinfo=UTC), 34.85, 48.55, cell),
        figures.Row(datetime(2025, 10, 17, 8, 0, tzinfo=UTC), 34.80, 48.50, "other"),
    ]
    result = figures.compute(rows)
    assert result.total == 3
    assert result.by_hour[0] == 2 and result.by_hour[11] == 1
    assert result.by_weekday[0] == 2  # Saturday
    assert result.by_weekday[6] == 1  # Friday
    assert result.top_cells[0] == (cell, 2)
    assert len(result.repeat_places) == 1 and result.repeat_places[0][1] == 2


def test_agency_cannot_reopen_a_final_answer():
    assert workflow.agency_can_move("sent", "done")
    assert workflow.agency_can_move("overdue", "acknowledged")
    assert not workflow.agency_can_move("done", "in_progress")
    assert not workflow.agency_can_move("declined", "done")
    assert not workflow.agency_can_move("sent", "overdue")
