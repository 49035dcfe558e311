"""The early-intervention comparison and the workflow tables, without Django's database."""

from __future__ import annotations

from kalantar.inspection import early_intervention as ei

T = [ei.Threshold("cases", min_count=3, z_threshold=2.0)]


def test_an_officer_far_above_the_peers_is_flagged_and_the_peers_are_not():
    groups = {n: "desk/kalantari" for n in range(8)}
    counts = {0: {"cases": 5}, 1: {"cases": 1}, 2: {"cases": 1}}
    flags = ei.flagged(ei.figures(counts, groups, T))
    assert set(flags) == {0}
    figure = flags[0][0]
    assert figure.count == 5 and figure.peers == 7
    assert round(figure.peer_mean, 2) == round(2 / 7, 2)


def test_few_events_never_flag_even_when_peers_have_none():
    groups = {n: "g" for n in range(10)}
    flags = ei.flagged(ei.figures({0: {"cases": 2}}, groups, T))
    assert flags == {}


def test_officers_are_compared_only_with_their_own_peer_group():
    groups = {
        **{n: "desk/kalantari" for n in range(5)},
        **{n: "patrol/pasgah" for n in range(5, 10)},
    }
    counts = {n: {"cases": 6} for n in range(5, 10)} | {0: {"cases": 6}}
    flags = ei.flagged(ei.figures(counts, groups, T))
    assert set(flags) == {0}  # the patrol group all at 6: nobody above their peers


def test_too_few_peers_give_no_baseline():
    flags = ei.flagged(ei.figures({0: {"cases": 9}}, {0: "g", 1: "g", 2: "g"}, T))
    assert flags == {}


def test_false_flag_rate():
    assert ei.false_flag_rate({1, 2, 3, 4}, {1, 2, 9}) == 0.5
    assert ei.false_flag_rate(set(), {1}) is None
