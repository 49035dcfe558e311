"""Bounded fuzzing, run in every CI run (SQLite and PostgreSQL): fixed seeds, fixed budgets.

Every test here carries the `fuzz` marker (`pytest -m fuzz` runs them alone, `-m "not fuzz"`
skips them). Hypothesis runs derandomized (its seed comes from each test's source) and without
its example database, so a run finds the same inputs on every machine; `FUZZ_EXAMPLES`
scales every budget (e.g. FUZZ_EXAMPLES=10 for a long run by hand).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))
FUZZ_DIR = Path(__file__).parent


def budget(examples: int) -> settings:
    """Hypothesis settings for `examples` examples (times FUZZ_EXAMPLES), reproducibly."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(FUZZ_DIR):
            item.add_marker(pytest.mark.fuzz)
