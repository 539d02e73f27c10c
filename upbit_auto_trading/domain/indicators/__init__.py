"""Technical indicators over numpy arrays, equal to TA-Lib after the warm-up (docs/indicators.md).

Recurrences and running sums are numba kernels (``_compiled``), imported on the first computation.
"""

from __future__ import annotations

from upbit_auto_trading.domain.indicators.moving_averages import ema, sma, wma
from upbit_auto_trading.domain.indicators.oscillators import cci, mfi, roc, rsi, stoch, willr
from upbit_auto_trading.domain.indicators.trend import macd
from upbit_auto_trading.domain.indicators.volatility import atr, bbands, true_range
from upbit_auto_trading.domain.indicators.volume import highest, lowest, obv, volume_sma

__all__ = [
    "atr",
    "bbands",
    "cci",
    "ema",
    "highest",
    "lowest",
    "macd",
    "mfi",
    "obv",
    "roc",
    "rsi",
    "sma",
    "stoch",
    "true_range",
    "volume_sma",
    "willr",
    "wma",
]
