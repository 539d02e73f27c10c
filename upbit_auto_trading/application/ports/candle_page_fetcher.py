"""Port: fetch one page of candles from the exchange (implemented by the Upbit client in infrastructure/upbit/)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.market.candle import Candle


class CandleFetchError(ApplicationError):
    """The exchange did not return candles (an error answer, a timeout). Stored candles are unchanged; retry later."""


class NetworkUnavailableError(CandleFetchError):
    """The exchange cannot be reached (no network, DNS failure, connection refused). Check the connection."""


class CandlePageFetcher(Protocol):
    def fetch_candles(
        self, market: str, timeframe_code: str, to: datetime | None, count: int = 200
    ) -> list[Candle]:
        """Up to ``count`` (<= 200) closed or current candles starting strictly before ``to`` (UTC; None = now),
        newest first, exactly as Upbit returns them. An empty list means there is nothing older.

        Implementations should raise :class:`NetworkUnavailableError` when the server cannot be reached and
        :class:`CandleFetchError` (or a subclass) for other failures; any other exception is treated as a
        failure too, with its message shown to the user.
        """
        ...
