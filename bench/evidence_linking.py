"""Precision and recall of the evidence linker on simulated shifts with known truth.

Each shift: patrol cars with car cameras, an officer per car with a body camera, calls
taken by free cars, recordings at most calls and a few on plain patrol, device clocks a
minute or so off and one an hour off. The baseline in the same run ignores the clock
offsets recorded at check-in.

    .venv/bin/python bench/evidence_linking.py [--shifts 200]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kalantar.evidence.simulation import Score, score, simulate

DEMO_SEED, DEMO_HOURS = 14, 3  # evidence.demo's shift (that module needs Django)


def _line(label: str, s: Score) -> str:
    return (
        f"{label:<22} links {s.linked:>5}  precision {s.precision:6.1%}  recall {s.recall:6.1%}"
        f"  suggested {s.suggested:>5} (truth among them {s.suggested_with_truth})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shifts", type=int, default=200)
    args = parser.parse_args()
    first = datetime(2026, 1, 1, 4, 30, tzinfo=UTC)
    shifts = [simulate(first + timedelta(hours=8 * i), seed=i) for i in range(args.shifts)]
    corrected = score(shifts)
    print(f"{args.shifts} shifts, {corrected.recordings} recordings, "
          f"{corrected.with_truth} recorded at an incident")  # fmt: skip
    print(_line("clocks corrected", corrected))
    print(_line("clocks uncorrected", score(shifts, correct_clocks=False)))
    demo_shift = simulate(first, seed=DEMO_SEED, units=4, hours=DEMO_HOURS)
    print(_line("the demo's own shift", score([demo_shift])))
    for kind in ("car", "body"):
        only = [_only(s, kind) for s in shifts]
        print(_line(f"  {kind} cameras only", score(only)))


def _only(shift, kind: str):
    recordings = [r for r in shift.recordings if r.camera.startswith(kind)]
    return type(shift)(
        shift.start, shift.end, shift.units, shift.offsets, shift.attendances, recordings
    )


if __name__ == "__main__":
    main()
