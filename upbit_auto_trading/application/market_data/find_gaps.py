"""Find the gaps of one stored series (a gap is information: nothing traded, or the exchange paused)."""

from __future__ import annotations

from upbit_auto_trading.application.market_data.errors import SeriesNotFoundError
from upbit_auto_trading.application.market_data.ports import CandleStore
from upbit_auto_trading.domain.market.gaps import Gap, find_gaps
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe


class FindGaps:
    def __init__(self, store: CandleStore) -> None:
        self._store = store

    def execute(self, market: str, timeframe: str) -> list[Gap]:
        market = normalize_market(market)
        code = Timeframe.from_code(timeframe).code
        starts = self._store.starts(market, code)
        if not starts:
            raise SeriesNotFoundError(f"No {code} candles are stored for {market}")
        return find_gaps(starts, code)
