"""Moving averages: SMA, EMA, WMA (TA-Lib conventions, see docs/indicators.md)."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.indicators._kernels import as_float, seeded_smoothing, window_sum


def sma(x: np.ndarray, period: int) -> np.ndarray:
    """Simple mean of the last ``period`` values; first value at index ``period - 1``."""
    return window_sum(x, period, float(period))


def ema(x: np.ndarray, period: int) -> np.ndarray:
    """EMA with alpha = 2/(period+1), seeded with the SMA of the first ``period`` values at ``period - 1``."""
    x = as_float(x)
    if x.shape[0] < period or period < 1:
        return np.full(x.shape[0], np.nan)
    return ema_from(x, period, period - 1, float(np.mean(x[:period])))


def ema_from(x: np.ndarray, period: int, seed_index: int, seed: float) -> np.ndarray:
    return seeded_smoothing(x, 2.0 / (period + 1), seed_index, seed)


def wma(x: np.ndarray, period: int) -> np.ndarray:
    """Linearly weighted mean, weights ``period .. 1`` from newest to oldest; first at ``period - 1``."""
    x = as_float(x)
    out = np.full(x.shape[0], np.nan)
    if period < 1 or x.shape[0] < period:
        return out
    weights = np.arange(1, period + 1, dtype=np.float64)  # oldest .. newest
    out[period - 1 :] = np.convolve(x, weights[::-1], mode="valid") / weights.sum()
    return out
