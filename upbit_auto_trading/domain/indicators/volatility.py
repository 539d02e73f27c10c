"""Bollinger bands (population deviation) and ATR (Wilder)."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.indicators._kernels import as_float, wilder_smoothing, window_sum


def bbands(
    close: np.ndarray, period: int = 20, stddev: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper, middle (SMA) and lower band with ddof=0 deviation; first value at ``period - 1``."""
    close = as_float(close)
    middle = window_sum(close, period, float(period))
    # Centre on the first close so the squares stay smaller (running sums re-summed every `period` values).
    reference = close[0] if close.shape[0] else 0.0
    centred = close - reference
    mean_c = window_sum(centred, period, float(period))
    variance = window_sum(centred * centred, period, float(period)) - mean_c * mean_c
    deviation = np.sqrt(np.maximum(variance, 0.0))
    return middle + stddev * deviation, middle, middle - stddev * deviation


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """TR; NaN at index 0 (no previous close), as TA-Lib's TRANGE."""
    high, low, close = as_float(high), as_float(low), as_float(close)
    out = np.full(high.shape[0], np.nan)
    if high.shape[0] > 1:
        previous = close[:-1]
        out[1:] = np.maximum(high[1:], previous) - np.minimum(low[1:], previous)
    return out


def atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder ATR seeded with the mean of the first ``period`` true ranges; first value at ``period``."""
    tr = true_range(high, low, close)
    if period < 1 or tr.shape[0] <= period:
        return np.full(tr.shape[0], np.nan)
    seed = float(np.sum(tr[1 : period + 1])) / period  # TA-Lib: the SMA of the first `period` true ranges
    return wilder_smoothing(tr, period, period, seed)
