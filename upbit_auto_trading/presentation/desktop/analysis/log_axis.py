"""A value axis for a curve plotted as log10 of its values (the equity chart's log scale): the ticks fall on
round values (8,000,000, 10,000,000, 20,000,000), written in full like ``NumberAxis`` writes them.

pyqtgraph's own log mode labels decades (1e7) or, within one decade, the exponents' round steps (10^6.9 =
7,943,282): neither reads as money. Here the plot's data is already log10 (the view fits and pans it as any
other curve); this axis only chooses the ticks and writes them back as values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis, number_strings

STEPS = (1.0, 2.0, 2.5, 5.0)
TARGET_TICKS = 6


def nice_step(span: float, ticks: int = TARGET_TICKS) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks over ``span``."""
    if not (span > 0 and math.isfinite(span)):
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next((s * power for s in STEPS if s * power >= raw), 10.0 * power)


def log_ticks(lo: float, hi: float, ticks: int = TARGET_TICKS) -> tuple[float, list[float]]:
    """(step, tick values) between ``lo`` and ``hi`` (values, not logs; both > 0). Over more than a decade
    the ticks are 1, 2, 5 times each power of ten; within one, round linear steps."""
    if not (0 < lo < hi and math.isfinite(hi)):
        return 1.0, []
    if hi / lo > 10:
        out = []
        for power in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
            for m in (1.0, 2.0, 5.0):
                value = m * 10.0**power
                if lo <= value <= hi:
                    out.append(value)
        return 10.0 ** math.floor(math.log10(lo)), out
    step = nice_step(hi - lo, ticks)
    first = math.ceil(lo / step) * step
    count = int((hi - first) / step + 1e-9) + 1
    return step, [first + k * step for k in range(max(count, 0))]


class LogValueAxis(NumberAxis):
    """Writes ``10 ** v`` for a plot whose data is log10 of its values; plain ``NumberAxis`` when off."""

    def __init__(self, orientation: str = "left", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.log = False
        self._step = 1.0

    def set_log(self, log: bool) -> None:
        self.log = log
        self.picture = None  # redraw the labels
        self.update()

    def tickValues(  # noqa: N802 - pyqtgraph API
        self,
        minVal: float,
        maxVal: float,
        size: float,  # noqa: N803
    ) -> list[tuple[float, list[float]]]:
        if not self.log:
            return list(super().tickValues(minVal, maxVal, size))
        if not (math.isfinite(minVal) and math.isfinite(maxVal) and maxVal > minVal):
            return []
        lo, hi = 10.0 ** max(minVal, -300.0), 10.0 ** min(maxVal, 300.0)
        ticks = max(2, int(size / 60))  # a label every 60 px or so
        self._step, values = log_ticks(lo, hi, ticks)
        return [(1.0, [math.log10(v) for v in values])]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if not self.log:
            return super().tickStrings(values, scale, spacing)
        actual = [10.0**v for v in values]
        return number_strings(actual, self._step)
