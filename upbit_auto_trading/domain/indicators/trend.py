"""MACD (TA-Lib conventions: both EMAs seeded at ``slow - 1``)."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.indicators._kernels import as_float
from upbit_auto_trading.domain.indicators.moving_averages import ema_from


def macd(
    close: np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MACD line, signal line and histogram; all three start at ``slow + signal - 2``.

    The slow EMA is seeded with the mean of the first ``slow`` closes at index ``slow - 1``; the fast EMA is
    seeded at the same index with the mean of the ``fast`` closes ending there. The signal EMA is seeded
    with the mean of the first ``signal`` MACD values. ``fast`` and ``slow`` are swapped if given reversed.
    """
    close = as_float(close)
    size = close.shape[0]
    if fast > slow:
        fast, slow = slow, fast
    nan = np.full(size, np.nan)
    start = slow + signal - 2
    if size <= start or fast < 1:
        return nan, nan.copy(), nan.copy()
    seed_at = slow - 1
    slow_ema = ema_from(close, slow, seed_at, float(close[:slow].mean()))
    fast_ema = ema_from(close, fast, seed_at, float(close[slow - fast : slow].mean()))
    line = fast_ema - slow_ema
    signal_line = ema_from(line, signal, start, float(line[seed_at : start + 1].mean()))
    line[:start] = np.nan
    histogram = line - signal_line
    return line, signal_line, histogram
