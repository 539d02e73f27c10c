"""Port: read stored candles as arrays."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


class CandleReader(Protocol):
    def load_arrays(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> CandleArrays:
        """Closed candles with ``start <= candle start <= end`` (UTC), ascending; empty if none."""
        ...
