"""The Upbit KRW tick table (from ``domain.market.tick_size``) as float arrays for the kernel."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.market.tick_size import KRW_TICK_TABLE

_SMALLEST_TICK = 1e-8


def krw_tick_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(lower bounds descending, ticks); the last row catches every positive price below the table."""
    lower = [float(lo) for lo, _ in KRW_TICK_TABLE] + [0.0]
    ticks = [float(t) for _, t in KRW_TICK_TABLE] + [_SMALLEST_TICK]
    return np.asarray(lower, dtype=np.float64), np.asarray(ticks, dtype=np.float64)
