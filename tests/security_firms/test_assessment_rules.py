"""The arithmetic of an institution's assessment, without Django."""

from kalantar.security_firms.assessment_rules import may_approve_outright, score


def test_no_findings_is_full_marks():
    assert score(8, []) == 100


def test_a_must_fix_loses_the_indicator_and_a_should_fix_half_of_it():
    assert score(8, [(1, "must_fix"), (2, "should_fix")]) == 81  # 6.5 of 8


def test_the_worst_finding_on_an_indicator_counts():
    assert score(4, [(1, "good_practice"), (1, "must_fix"), (1, "should_fix")]) == 75


def test_no_indicators_scores_nothing():
    assert score(0, [(1, "good_practice")]) == 0


def test_a_must_fix_rules_out_an_outright_approval():
    assert may_approve_outright(["should_fix", "good_practice"])
    assert not may_approve_outright(["good_practice", "must_fix"])
