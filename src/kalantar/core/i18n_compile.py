"""Compile a gettext .po file into its .mo with polib, so set-up needs no GNU gettext."""

from __future__ import annotations

import sys
from pathlib import Path

import polib


def compile_po(path: Path) -> Path:
    po = polib.pofile(str(path))
    target = path.with_suffix(".mo")
    po.save_as_mofile(str(target))
    return target


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        compile_po(Path(arg))
