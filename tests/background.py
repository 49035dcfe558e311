"""Run the background queue in a test, as `kalantar run_worker --burst` would."""

from __future__ import annotations

from kalantar.core.tasks import Worker


def run_background_tasks() -> int:
    """Run every task due now (queued by the test's own transaction too); how many ran."""
    return Worker("tests").run(burst=True)
