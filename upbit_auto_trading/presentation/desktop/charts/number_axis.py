"""A value axis that writes plain numbers: 40,000,000 for a KRW price, 0.0012 for a small one."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg

MAX_DECIMALS = 10  # Upbit quotes some KRW markets in 0.0001 steps; zoomed in, ticks need a few more


def decimals_for(spacing: float) -> int:
    """The fewest decimals that keep ticks ``spacing`` apart distinct: 0 for 500,000, 1 for 0.5, 4 for 0.0005."""
    if not (spacing > 0 and math.isfinite(spacing)):
        return 0
    for decimals in range(MAX_DECIMALS + 1):
        if abs(round(spacing, decimals) - spacing) <= spacing * 1e-6:
            return decimals
    return MAX_DECIMALS


def number_strings(values: Sequence[float], spacing: float) -> list[str]:
    decimals = decimals_for(spacing)
    # A tick at zero often arrives as -1e-12 (float dust): it must read 0, not -0.
    return [f"{0.0 if abs(v) < spacing * 1e-6 else v:,.{decimals}f}" for v in values]


class NumberAxis(pg.AxisItem):
    """pyqtgraph's default writes 4e+07 for 40 million, or divides by a million and puts "(x1e+06)" in the
    label (its SI prefix): neither reads as a price. This one always writes the whole number."""

    def __init__(self, orientation: str = "left", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return number_strings([v * scale for v in values], spacing * scale)
