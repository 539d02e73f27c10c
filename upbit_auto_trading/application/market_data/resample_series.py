"""Build a coarser series from a stored finer one (e.g. 1h -> 1d) and store it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from upbit_auto_trading.application.market_data.errors import SeriesNotFoundError
from upbit_auto_trading.application.market_data.ports import CandleStore
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.domain.market.events import SeriesResampled
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.resampling import check_resample, resample
from upbit_auto_trading.domain.market.timeframe import Timeframe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResampleReport:
    market: str
    source: str
    target: str
    read: int
    written: int
    inserted: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {
            "market": self.market,
            "source": self.source,
            "target": self.target,
            "read": self.read,
            "written": self.written,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class ResampleSeries:
    def __init__(self, store: CandleStore, publisher: EventPublisher | None = None) -> None:
        self._store = store
        self._publisher = publisher or NoPublisher()

    def execute(
        self,
        market: str,
        source: str,
        target: str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> ResampleReport:
        market = normalize_market(market)
        src, dst = check_resample(Timeframe.from_code(source), Timeframe.from_code(target))
        candles = self._store.load_candles(market, src.code, start, end)
        if not candles:
            raise SeriesNotFoundError(f"No {src.code} candles are stored for {market} to resample")
        out = resample(candles, dst, src)
        counts = self._store.upsert(out)
        log.info(
            "resampled %d %s candles of %s into %d %s candles",
            len(candles),
            src.code,
            market,
            len(out),
            dst.code,
        )
        self._publisher.publish(
            SeriesResampled(
                source="market_data",
                market=market,
                source_timeframe=src.code,
                target_timeframe=dst.code,
                read=len(candles),
                written=len(out),
                inserted=counts.inserted,
                updated=counts.updated,
                unchanged=counts.unchanged,
            )
        )
        return ResampleReport(
            market,
            src.code,
            dst.code,
            len(candles),
            len(out),
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
