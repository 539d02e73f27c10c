"""Volume indicators: OBV and the volume SMA; highest high / lowest low live here too (window extremes)."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.indicators._kernels import as_float, window_max, window_min
from upbit_auto_trading.domain.indicators.moving_averages import sma


def obv(close: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """On-balance volume starting at ``volume[0]`` (TA-Lib); unchanged on an equal close."""
    close, volume = as_float(close), as_float(volume)
    if close.shape[0] == 0:
        return np.empty(0)
    sign = np.sign(np.diff(close))
    steps = np.concatenate([[volume[0]], sign * volume[1:]])
    return np.cumsum(steps)


def volume_sma(volume: np.ndarray, period: int = 20) -> np.ndarray:
    return sma(volume, period)


def highest(high: np.ndarray, period: int) -> np.ndarray:
    """Highest value of the last ``period`` candles including the current one (TA-Lib MAX)."""
    return window_max(high, period)


def lowest(low: np.ndarray, period: int) -> np.ndarray:
    """Lowest value of the last ``period`` candles including the current one (TA-Lib MIN)."""
    return window_min(low, period)
