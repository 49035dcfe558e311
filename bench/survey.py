"""Benchmark: a province's neighbourhood survey results at 50,000 answers.

Builds a throw-away database (SQLite by default; --db postgres empties and uses the database
of DATABASE_URL, by default the local kalantar_bench) with one province-wide survey and
--answers answers spread over the neighbourhood cells of Hamedan (more answers in the centre,
a few cells under the minimum count), then measures in the same run, medians of --repeats:

- the baseline: a plain count of the survey's answers (SELECT count(*));
- the plain count per cell (GROUP BY cell), the least any per-cell result must do;
- the results page's query (feedback.selectors.neighbourhood_results): answers and the
  share feeling unsafe per cell from the tallies kept with every answer, Wilson intervals,
  suppression, the gap against recorded incidents;
- the ways it replaced: the database counting the answers per cell (GROUP BY with the
  share's filter on the answers' JSON), and every answer read into Python and tallied there.

Goal (issue 16): the results within 5x the plain count.

    python bench/survey.py [--answers N] [--repeats N] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

import benchdb

GOAL_RATIO = 5.0
CENTRE = (34.80, 48.515)  # Hamedan


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=15)
    benchdb.add_db_argument(parser)
    return parser.parse_args(argv)


def _build(count: int):
    import h3
    from django.utils import timezone

    from kalantar.feedback import perception, services
    from kalantar.feedback.models import NeighbourhoodAnswer

    _nation, province = benchdb.hamedan_units(2)
    user = benchdb.add_user("commander", "province_commander", "HM")
    survey = services.create_neighbourhood_survey(by=user, unit=province, title="احساس امنیت")
    # Cells within ~8 km of the centre; answers thin out away from it, so the outer cells
    # fall under the minimum count and are suppressed, as in a real survey.
    cells = sorted(h3.grid_disk(h3.latlng_to_cell(*CENTRE, perception.RESOLUTION), 8))
    rng = random.Random(16)
    levels = ["very_safe", "fairly_safe", "a_bit_unsafe", "very_unsafe"]
    today = timezone.localdate()
    rows, made = [], 0
    while made < count:
        cell = cells[min(int(rng.expovariate(1 / 40)), len(cells) - 1)]
        lean = (int(cell[-3:], 16) % 4) / 6  # some cells feel less safe than others
        answers = {
            q["key"]: levels[min(3, int(rng.random() * 2.5 + lean * 2))] for q in survey.questions
        }
        rows.append(
            NeighbourhoodAnswer(survey=survey, cell=cell, answers=answers, answered_on=today)
        )
        made += 1
        if len(rows) == 10_000:
            NeighbourhoodAnswer.objects.bulk_create(rows)
            rows = []
    NeighbourhoodAnswer.objects.bulk_create(rows)
    services.retally_neighbourhood_survey(survey)  # loaded in bulk: the tallies, once
    return survey, user


def grouped_results(user, survey):
    """The answers counted per cell by the database on every view."""
    from kalantar.feedback import perception, selectors

    counts = selectors.answers_per_cell(survey)
    return perception.results(counts, selectors.incidents_per_cell(user))


def naive_results(user, survey):
    """Every answer read into Python and tallied there (how the results page first worked)."""
    from kalantar.feedback import perception, selectors
    from kalantar.feedback.models import NeighbourhoodAnswer

    counts: dict[str, list[int]] = {}
    rows = NeighbourhoodAnswer.objects.filter(survey=survey).values_list("cell", "answers")
    for cell, answers in rows:
        row = counts.setdefault(cell, [0, 0])
        row[0] += 1
        row[1] += answers.get("safety") in perception.UNSAFE
    return perception.results(
        {c: (n, u) for c, (n, u) in counts.items()}, selectors.incidents_per_cell(user)
    )


def _median_ms(call: Callable[[], object], repeats: int) -> tuple[float, object]:
    call()  # warm
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, result


def main(argv=None) -> int:
    args = _parse_args(argv)
    where = benchdb.setup(args.db, "survey")
    from django.db.models import Count

    from kalantar.feedback import selectors
    from kalantar.feedback.models import NeighbourhoodAnswer

    benchdb.print_header(f"survey benchmark — {args.answers:,} answers", args.db, where)
    t = time.perf_counter()
    survey, user = _build(args.answers)
    print(f"data built in {time.perf_counter() - t:.1f} s")
    answers = NeighbourhoodAnswer.objects.filter(survey=survey)

    count_ms, total = _median_ms(answers.count, args.repeats)
    per_cell_ms, _rows = _median_ms(
        lambda: list(answers.values("cell").annotate(n=Count("id"))), args.repeats
    )
    results_ms, (cells, overall) = _median_ms(
        lambda: selectors.neighbourhood_results(user, survey), args.repeats
    )
    grouped_ms, (grouped_cells, _o) = _median_ms(
        lambda: grouped_results(user, survey), args.repeats
    )
    naive_ms, (naive_cells, _o) = _median_ms(lambda: naive_results(user, survey), args.repeats)
    assert cells == grouped_cells == naive_cells
    shown = [c for c in cells if not c.suppressed]
    print(
        f"\n  {total:,} answers in {len(cells)} cells: {len(shown)} shown, "
        f"{len(cells) - len(shown)} suppressed; {overall:.1%} feel unsafe overall"
    )
    print("\n  median, ms")
    for label, ms in (
        ("plain count (baseline)", count_ms),
        ("plain count per cell", per_cell_ms),
        ("results with intervals", results_ms),
        ("before: counted per view", grouped_ms),
        ("naive: tallied in Python", naive_ms),
    ):
        print(f"  {label:28} {ms:8.1f}  ({ms / count_ms:5.1f}x the count)")
    ratio = results_ms / count_ms
    verdict = "met" if ratio <= GOAL_RATIO else "MISSED"
    print(f"\n  results / plain count {ratio:4.2f}x (goal ≤ {GOAL_RATIO}x: {verdict})")
    print(
        f"  counted per view / results {grouped_ms / results_ms:4.1f}x; "
        f"naive / results {naive_ms / results_ms:4.1f}x"
    )
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
