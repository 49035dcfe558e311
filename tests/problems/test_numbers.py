"""Project numbers and referral references: consecutive per unit and year, even when people
open projects at the same moment, and continuing after the numbers given before."""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection

from kalantar.core.jalali import tehran_today, to_jalali
from kalantar.problems import services
from kalantar.problems.drafts import ProblemDraft
from kalantar.problems.models import Problem


def _open(unit, by, title: str = "سرقت از خودرو") -> Problem:
    today = tehran_today()
    return services.open_problem(
        by=by,
        unit=unit,
        origin="manual",
        draft=ProblemDraft(title=title, period_start=today - timedelta(days=27), period_end=today),
    )


@pytest.mark.django_db(transaction=True)
def test_projects_opened_at_once_get_distinct_consecutive_numbers(org_tree, chief):
    unit, year = org_tree["HM01K01"], to_jalali(tehran_today()).year
    start = threading.Barrier(6)

    def open_one(i: int) -> str:
        try:
            start.wait()
            return _open(unit, chief, f"پروژه {i}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(open_one, range(6)))
    assert sorted(numbers) == [f"P-HM01K01-{year}-{n:04d}" for n in range(1, 7)]


@pytest.mark.django_db
def test_numbering_continues_after_the_numbers_given_before(org_tree, chief, problem):
    """Numbers the old count-and-retry scheme gave (one with a retry suffix) are counted
    by the migration, so the next number meets none of them."""
    year = to_jalali(tehran_today()).year
    Problem.objects.filter(pk=problem.pk).update(number=f"P-HM01K01-{year}-0007-1")
    seed = importlib.import_module("kalantar.problems.migrations.0004_numbers_from_core_sequence")
    seed.seed(apps, None)
    assert _open(org_tree["HM01K01"], chief).number == f"P-HM01K01-{year}-0008"
    assert _open(org_tree["HM01K02"], None).number.endswith(f"-{year}-0001")
