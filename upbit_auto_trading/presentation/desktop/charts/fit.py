"""Time-only navigation with a value axis that follows what is visible, as trading charts do.

pyqtgraph's wheel and drag scale and move both axes: a turn of the wheel low in a price chart zoomed the
price around the pointer too and threw the candles off screen, and an auto-range (the "A" button) fitted the
price to the whole series, a flat band when zoomed in on a week. Here the mouse moves time only, and after
every change of the time range (wheel, drag, a linked pane, new data) the value axis is set to the lowest
and highest value in view plus a small margin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyqtgraph as pg

Extent = Callable[[float, float], tuple[float, float] | None]
MARGIN = 0.05  # of the visible height, above and below: the extreme wicks stay clear of the frame


def visible(x: np.ndarray, x0: float, x1: float, pad: float = 0.0) -> slice:
    """The slice of sorted times ``x`` inside [x0 - pad, x1 + pad]."""
    return slice(int(np.searchsorted(x, x0 - pad, "left")), int(np.searchsorted(x, x1 + pad, "right")))


def span_of(values: Iterable[np.ndarray | float | None]) -> tuple[float, float] | None:
    """(lowest, highest) finite value among arrays and numbers; None when there is none."""
    lo, hi = np.inf, -np.inf
    for v in values:
        if v is None:
            continue
        a = np.asarray(v, dtype=np.float64).ravel()
        a = a[np.isfinite(a)]
        if a.size:
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return (lo, hi) if lo <= hi else None


def candle_step(start: np.ndarray) -> float:
    """The usual distance between two candles (a gap in the data must not widen it)."""
    return float(np.median(np.diff(start[:1000]))) if len(start) > 1 else 3600.0


def limit_time(plot: pg.PlotItem, start: np.ndarray, margin_days: float = 30) -> None:
    """Pan and zoom stop a month beyond the data and at five candles: past that there is nothing to see."""
    if len(start) == 0:
        return
    margin = max(margin_days * 86400.0, float(start[-1] - start[0]) * 0.05)
    plot.setLimits(xMin=float(start[0]) - margin, xMax=float(start[-1]) + margin, minXRange=candle_step(start) * 5)


class ValueFit:
    """Keeps ``plot``'s y range on ``extent(x0, x1)`` (the lowest and highest value shown between two times).

    ``margin`` is (below, above) as fractions of the visible height: (0, 0.1) for volume bars that stand on
    zero. When ``extent`` says None (nothing in view) the y range is left where it is.
    """

    def __init__(self, plot: pg.PlotItem, extent: Extent, margin: tuple[float, float] = (MARGIN, MARGIN)) -> None:
        self._plot = plot
        self._extent = extent
        self._margin = margin
        plot.setMouseEnabled(x=True, y=False)  # wheel, drag and right-drag: time only
        plot.hideButtons()  # the "A" button would fit the value axis to the whole series
        plot.enableAutoRange(axis="y", enable=False)
        # Every time change comes through here, including a linked pane's wheel and a new series' range.
        plot.sigXRangeChanged.connect(self.refit)

    def refit(self, *_signal_args: object) -> None:
        """Also call after replacing the data: the time range may not have changed, so no signal comes."""
        x0, x1 = self._plot.viewRange()[0]
        span = self._extent(x0, x1)
        if span is None:
            return
        lo, hi = span
        height = hi - lo
        if not height > 0:  # one flat value: a band of 1 % around it (a zero-height range is invalid)
            pad = abs(hi) * 0.01 or 1.0
            self._plot.setYRange(lo - pad, hi + pad, padding=0)
            return
        below, above = self._margin
        self._plot.setYRange(lo - height * below, hi + height * above, padding=0)
