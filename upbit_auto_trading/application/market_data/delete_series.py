"""Delete one stored series."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.market_data.errors import SeriesNotFoundError
from upbit_auto_trading.application.market_data.ports import CandleStore
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.domain.market.events import SeriesDeleted
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe

log = logging.getLogger(__name__)


class DeleteSeries:
    def __init__(self, store: CandleStore, publisher: EventPublisher | None = None) -> None:
        self._store = store
        self._publisher = publisher or NoPublisher()

    def execute(self, market: str, timeframe: str) -> int:
        """Returns how many candles were deleted; SeriesNotFoundError if there were none."""
        market = normalize_market(market)
        code = Timeframe.from_code(timeframe).code
        deleted = self._store.delete_series(market, code)
        if deleted == 0:
            raise SeriesNotFoundError(f"No {code} candles are stored for {market}")
        log.info("deleted %d %s candles of %s", deleted, code, market)
        self._publisher.publish(
            SeriesDeleted(source="market_data", market=market, timeframe=code, deleted=deleted)
        )
        return deleted
