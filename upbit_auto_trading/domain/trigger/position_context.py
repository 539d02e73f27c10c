"""What capital/state/meta variables are read from: a position and account, one value per candle.

Candle-based variables need only candles; AVG_BUY_PRICE, PROFIT_*, POSITION_SIZE, the balances and the
meta variables need this context. A backtest supplies the arrays it simulates (per candle, aligned with the
candles being evaluated); a chart preview has none, and such variables report "needs a position".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class PositionContext:
    """Per-candle state at each candle's close (arrays as long as the candles).

    ``avg_buy_price`` is NaN while flat; ``quantity`` is the coin held (0 while flat); ``cash`` is KRW.
    ``highest_since_entry`` (highest close since the position was opened) and ``last_buy_price`` are
    optional; without them the trailing stop uses the highest close since the average buy price last
    changed from NaN, and the pyramid target uses the average buy price.
    """

    avg_buy_price: np.ndarray
    quantity: np.ndarray
    cash: np.ndarray
    highest_since_entry: np.ndarray | None = None
    last_buy_price: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.avg_buy_price.shape[0])

    @classmethod
    def flat(cls, size: int, cash: float) -> PositionContext:
        return cls(np.full(size, np.nan), np.zeros(size), np.full(size, float(cash)))

    def slice(self, begin: int, end: int) -> PositionContext:
        return PositionContext(
            self.avg_buy_price[begin:end],
            self.quantity[begin:end],
            self.cash[begin:end],
            None if self.highest_since_entry is None else self.highest_since_entry[begin:end],
            None if self.last_buy_price is None else self.last_buy_price[begin:end],
        )


def highest_close_since_entry(close: np.ndarray, avg_buy_price: np.ndarray) -> np.ndarray:
    """Running maximum of the close within each stretch where a position is open (NaN while flat)."""
    out = np.full(close.shape[0], np.nan)
    held = ~np.isnan(avg_buy_price)
    if not held.any():
        return out
    edges = np.flatnonzero(np.diff(np.concatenate([[0], held.astype(np.int8), [0]])))
    for begin, end in zip(edges[::2], edges[1::2], strict=True):
        out[begin:end] = np.maximum.accumulate(close[begin:end])
    return out
