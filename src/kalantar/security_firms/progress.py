"""A progress bar on the terminal for the import commands. Our own, in a few lines: the
project's dependencies hold no progress-bar library and one bar does not justify one."""

from __future__ import annotations

from kalantar.core.persian import active_digits, format_number

WIDTH = 30


class Bar:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage and self.stage:
            self.stream.write("")
        self.stage = stage
        filled = WIDTH * done // max(total, 1)
        digits = active_digits()
        counts = f"{format_number(done, digits=digits)}/{format_number(total, digits=digits)}"
        self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {counts} {stage}", ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.stage:
            self.stream.write("")
            self.stage = ""
