"""What guard tours and reviews on events cost on the paths they join.

- Checking a scanned checkpoint code (HMAC-SHA256) against a baseline of one SHA-256 of
  the same bytes: the signature is not what makes a scan slow.
- Looking for national codes in an incident's narrative (done for every incident opened,
  inside its transaction) against the narrative's normalisation that opening an incident
  already does: the ratio says what the review signal adds to that step.

    .venv/bin/python bench/guard_tours.py [--rounds 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")

import django

KEY = b"bench-tour-key"
NARRATIVES = (
    "تماس ۱۱۰: نزاع جلوی در فروشگاه بزرگ الوند؛ دو نفر زخمی شدند و گشت اعزام شد.",
    "سرقت از انبار؛ نگهبان شیفت شب (کد ملی ۰۰۸۴۵۷۵۹۴۸) هنگام بازدید پارکینگ متوجه شد. "
    "شماره تماس 09121234567 و پلاک ۱۲ ب ۳۴۵ ایران ۱۸ ثبت شد.",
    "Burglar alarm at the premises; keyholder informed, no one on site. " * 4,
)


def _median_us(fn, rounds: int) -> float:
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        samples.append((time.perf_counter() - start) / rounds * 1e6)
    return statistics.median(samples)


def main() -> None:
    django.setup()
    from kalantar.core.persian import normalize_text
    from kalantar.security_firms import tour_codes
    from kalantar.security_firms.reviews import national_codes_in

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    code = tour_codes.make_code(KEY, 1234, now)

    verify = _median_us(lambda: tour_codes.verify(KEY, code, now=now), args.rounds)
    sha = _median_us(lambda: hashlib.sha256(code.encode()).digest(), args.rounds)
    print(f"checkpoint code check  {verify:8.2f} µs   baseline sha256 {sha:6.2f} µs   "
          f"ratio {verify / sha:5.1f}×")  # fmt: skip

    for i, text in enumerate(NARRATIVES, start=1):
        scan = _median_us(lambda t=text: national_codes_in(t), args.rounds // 4)
        norm = _median_us(lambda t=text: normalize_text(t, multiline=True), args.rounds // 4)
        print(f"narrative {i} ({len(text):3d} chars) codes {scan:7.2f} µs   "
              f"baseline normalise {norm:7.2f} µs   ratio {scan / norm:5.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
