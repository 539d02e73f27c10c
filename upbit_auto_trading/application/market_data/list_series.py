"""List every stored candle series, optionally with its gaps."""

from __future__ import annotations

from upbit_auto_trading.application.market_data.dto import SeriesSummary
from upbit_auto_trading.application.market_data.ports import CandleStore
from upbit_auto_trading.domain.market.gaps import GapSummary, find_gaps


class ListSeries:
    def __init__(self, store: CandleStore) -> None:
        self._store = store

    def execute(self, with_gaps: bool = True) -> list[SeriesSummary]:
        result: list[SeriesSummary] = []
        for info in sorted(self._store.series(), key=lambda s: (s.market, s.timeframe)):
            gaps = missing = None
            if with_gaps:
                summary = GapSummary.of(
                    find_gaps(self._store.starts(info.market, info.timeframe), info.timeframe)
                )
                gaps, missing = summary.gaps, summary.missing
            result.append(
                SeriesSummary(
                    info.market, info.timeframe, info.first_utc, info.last_utc, info.count, gaps, missing
                )
            )
        return result
