"""Finer candles made from coarse ones, for the fill-sensitivity path replay: each coarse candle becomes
``parts`` finer candles tracing open -> high -> low -> close (or open -> low -> high -> close), then flat at
the close. Their open, highest high, lowest low and close are exactly the coarse candle's.

Loaded by path (tests are not a package under importlib mode): ``load_finer()`` in the test modules.
"""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe


def bearish_high_first(coarse: CandleArrays) -> np.ndarray:
    """The usual guess: a falling candle went up first, a rising one down first."""
    return np.asarray(coarse.close < coarse.open)


def split_candles(
    coarse: CandleArrays, fine_timeframe: str, high_first: np.ndarray | bool, parts: int | None = None
) -> CandleArrays:
    """``coarse`` as ``fine_timeframe`` candles (``parts`` per coarse candle, at least 3; default: as many as
    fit). ``high_first`` per coarse candle (or one bool for all)."""
    fine_s = Timeframe.from_code(fine_timeframe).seconds
    coarse_s = Timeframe.from_code(coarse.timeframe).seconds
    assert fine_s and coarse_s and coarse_s % fine_s == 0
    parts = parts or coarse_s // fine_s
    assert 3 <= parts <= coarse_s // fine_s
    n = len(coarse)
    first = np.broadcast_to(np.asarray(high_first, dtype=bool), (n,))
    o, h, lo, c = coarse.open, coarse.high, coarse.low, coarse.close
    x1, x2 = np.where(first, h, lo), np.where(first, lo, h)
    points = [o, x1, x2, c]  # the path's turning points
    opens = [points[k] if k < 3 else c for k in range(parts)]
    closes = [points[k + 1] if k < 3 else c for k in range(parts)]
    cols = {
        "open": np.stack(opens, axis=1).ravel(),
        "close": np.stack(closes, axis=1).ravel(),
    }
    cols["high"] = np.maximum(cols["open"], cols["close"])
    cols["low"] = np.minimum(cols["open"], cols["close"])
    start = (coarse.start[:, None] + np.arange(parts, dtype=np.int64)[None, :] * fine_s).ravel()
    volume = np.repeat(coarse.volume / parts, parts)
    quote = np.repeat(coarse.quote_volume / parts, parts)
    return CandleArrays(coarse.market, fine_timeframe, start, cols["open"], cols["high"], cols["low"],
                        cols["close"], volume, quote)  # fmt: skip
