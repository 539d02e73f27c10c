"""Histogram data (trade returns, holding times) and the exposure timeline of a run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOUR = 3600
DAY = 86_400
HOLDING_EDGES = (0, HOUR, 4 * HOUR, 12 * HOUR, DAY, 2 * DAY, 4 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY)
"""Holding-time bins in seconds; the last bin is open-ended (90 days and more). Human steps rather than
equal widths: a trade of 20 minutes and one of 3 weeks must both be readable on one chart."""


@dataclass(frozen=True)
class HistogramBin:
    low: float
    high: float | None  # None: open-ended
    count: int


def return_histogram(returns: np.ndarray, bins: int = 20) -> list[HistogramBin]:
    """Equal-width bins over the trade returns (fractions); empty without trades."""
    r = np.asarray(returns, dtype=np.float64)
    r = r[np.isfinite(r)]
    if r.shape[0] == 0:
        return []
    lo, hi = float(r.min()), float(r.max())
    if lo == hi:
        return [HistogramBin(lo, hi, int(r.shape[0]))]
    counts, edges = np.histogram(r, bins=bins, range=(lo, hi))
    return [HistogramBin(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)]


def holding_histogram(seconds: np.ndarray) -> list[HistogramBin]:
    """Trades per holding-time bin (``HOLDING_EDGES``), every bin listed even when empty."""
    s = np.asarray(seconds, dtype=np.int64)
    idx = np.searchsorted(np.asarray(HOLDING_EDGES[1:]), s, side="right")
    counts = np.bincount(idx, minlength=len(HOLDING_EDGES))
    out = []
    for i, low in enumerate(HOLDING_EDGES):
        high = HOLDING_EDGES[i + 1] if i + 1 < len(HOLDING_EDGES) else None
        out.append(HistogramBin(float(low), None if high is None else float(high), int(counts[i])))
    return out


def exposure_timeline(position: np.ndarray, close: np.ndarray, equity: np.ndarray) -> np.ndarray:
    """Share of equity invested after each candle: position x close / equity (0 when flat, 1 all in;
    NaN where the close is unknown)."""
    pos = np.asarray(position, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(equity) > 0, pos * np.asarray(close, dtype=np.float64) / equity, 0.0)
