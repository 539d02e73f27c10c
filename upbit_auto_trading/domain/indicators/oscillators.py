"""Momentum oscillators: RSI, STOCH, MFI, WILLR, CCI, ROC (TA-Lib conventions)."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.indicators._kernels import (
    as_float,
    wilder_rsi,
    window_max,
    window_min,
    window_sum,
)
from upbit_auto_trading.domain.indicators.moving_averages import sma


def rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder RSI; averages seeded with the mean of the first ``period`` changes; first value at ``period``.

    Computed in TA-Lib's order of operations (compiled kernel); 0 when both averages are ~0 (|sum| < 1e-8).
    """
    close = as_float(close)
    if period < 2 or close.shape[0] <= period:
        return np.full(close.shape[0], np.nan)
    return wilder_rsi(close, period)


def stoch(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    k_period: int = 14,
    k_smoothing: int = 3,
    d_period: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Slow stochastic (%K = SMA of the fast %K, %D = SMA of %K); fast %K is 0 when high == low.

    Both lines start at ``k_period + k_smoothing + d_period - 3`` (TA-Lib's STOCH with SMA smoothing).
    """
    close = as_float(close)
    highest = window_max(high, k_period)
    lowest = window_min(low, k_period)
    span = highest - lowest
    with np.errstate(invalid="ignore", divide="ignore"):
        fast_k = np.where(span != 0, (close - lowest) / span * 100.0, 0.0)
    fast_k[: k_period - 1] = np.nan
    slow_k = _sma_skip(fast_k, k_smoothing, k_period - 1)
    slow_d = _sma_skip(slow_k, d_period, k_period + k_smoothing - 2)
    start = k_period + k_smoothing + d_period - 3
    slow_k[: min(start, slow_k.shape[0])] = np.nan
    return slow_k, slow_d


def _sma_skip(x: np.ndarray, period: int, first_valid: int) -> np.ndarray:
    out = np.full(x.shape[0], np.nan)
    if first_valid < x.shape[0]:
        out[first_valid:] = sma(x[first_valid:], period)
    return out


def mfi(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray, period: int = 14
) -> np.ndarray:
    """Money flow index; first value at ``period``; 0 when the total flow is below 1 (TA-Lib)."""
    typical = (as_float(high) + as_float(low) + as_float(close)) / 3.0
    out = np.full(typical.shape[0], np.nan)
    if period < 1 or typical.shape[0] <= period:
        return out
    flow = typical * as_float(volume)
    change = np.diff(typical)
    positive = np.where(change > 0, flow[1:], 0.0)
    negative = np.where(change < 0, flow[1:], 0.0)
    pos_sum = window_sum(positive, period)
    neg_sum = window_sum(negative, period)
    total = pos_sum + neg_sum
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(total < 1.0, 0.0, 100.0 * pos_sum / total)
    out[1:] = value
    out[:period] = np.nan
    return out


def willr(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 14) -> np.ndarray:
    """Williams %R in -100..0; first value at ``period - 1``; 0 when high == low over the window."""
    highest = window_max(high, period)
    lowest = window_min(low, period)
    span = highest - lowest
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(span != 0, (highest - as_float(close)) / (span / -100.0), 0.0)
    value[np.isnan(highest)] = np.nan
    return value


def cci(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 20) -> np.ndarray:
    """Commodity channel index with the mean absolute deviation; first value at ``period - 1``."""
    typical = (as_float(high) + as_float(low) + as_float(close)) / 3.0
    out = np.full(typical.shape[0], np.nan)
    if period < 2 or typical.shape[0] < period:
        return out
    mean = sma(typical, period)
    windows = np.lib.stride_tricks.sliding_window_view(typical, period)
    valid_mean = mean[period - 1 :]
    deviation = np.abs(windows - valid_mean[:, None]).sum(axis=1) / period
    last = typical[period - 1 :]
    numerator = last - valid_mean
    # A flat window has zero deviation; rounding in the mean must not turn it into +-66.67, so deviations
    # below 1e-12 of the price level count as zero (TA-Lib's own summation order happens to give exact 0).
    flat = deviation <= 1e-12 * np.abs(valid_mean)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where((numerator != 0) & ~flat, numerator / (0.015 * deviation), 0.0)
    out[period - 1 :] = value
    return out


def roc(close: np.ndarray, period: int = 10) -> np.ndarray:
    """Rate of change in percent against ``period`` candles earlier; first value at ``period``; 0 if that close is 0."""
    close = as_float(close)
    out = np.full(close.shape[0], np.nan)
    if period < 1 or close.shape[0] <= period:
        return out
    before = close[:-period]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[period:] = np.where(before != 0, (close[period:] / before - 1.0) * 100.0, 0.0)
    return out
