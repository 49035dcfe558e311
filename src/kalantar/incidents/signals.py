"""Signals of the incidents app for writes that bypass the ORM's per-row signals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.dispatch import Signal


@dataclass(frozen=True)
class Keys:
    """Closed incidents as parallel columns: station ids, local days (datetime64[D]),
    categories and H3 cells."""

    station_id: np.ndarray
    day: np.ndarray
    category: list[str]
    h3_cell: list[str]

    def __len__(self) -> int:
        return len(self.station_id)


# Sent by the CSV import inside its transaction, with `added` (the closed incidents as they
# are now) and `removed` (the closed incidents it changed, as they were before), so that
# summaries kept elsewhere follow without a signal per row.
incidents_imported = Signal()
