"""Adapters for the market-data port ``application/ports/candle_page_fetcher.CandlePageFetcher``.

``fetch_candles(market, timeframe_code, to, count=200) -> list[Candle]``: up to ``count`` candles that
start strictly before ``to`` (None: the newest), newest first. Paging (the next ``to`` is the oldest
start of the page) is the caller's; rate limiting and retries of reads are the client's. Failures come out
as the port's ``NetworkUnavailableError`` (cannot connect) or ``CandleFetchError`` (anything else).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import httpx

from upbit_auto_trading.application.ports.candle_page_fetcher import CandleFetchError, NetworkUnavailableError
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit.errors import UpbitError, UpbitNetworkError, UpbitTimeoutError
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient


@contextmanager
def _as_port_errors() -> Iterator[None]:
    """Upbit errors -> the port's errors (no network -> NetworkUnavailableError, the rest -> CandleFetchError)."""
    try:
        yield
    except UpbitTimeoutError as exc:
        raise CandleFetchError(f"Upbit did not answer in time: {exc}") from exc
    except UpbitNetworkError as exc:
        if isinstance(exc.__cause__, httpx.ConnectError | httpx.NetworkError):
            raise NetworkUnavailableError(f"Upbit cannot be reached (no network?): {exc}") from exc
        raise CandleFetchError(str(exc)) from exc
    except UpbitError as exc:
        raise CandleFetchError(str(exc)) from exc


class UpbitCandleFetcher:
    """Blocking fetcher (CLI, worker threads). Close it when done (or use ``with``)."""

    def __init__(self, client: UpbitSyncClient) -> None:
        self.client = client

    def fetch_candles(
        self, market: str, timeframe_code: str, to: datetime | None, count: int = 200
    ) -> list[Candle]:
        with _as_port_errors():
            return self.client.candles(market, Timeframe.from_code(timeframe_code), to, count)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> UpbitCandleFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncUpbitCandleFetcher:
    """The same port, awaited (event-loop code, WebSocket backfill)."""

    def __init__(self, client: UpbitRestClient) -> None:
        self.client = client

    async def fetch_candles(
        self, market: str, timeframe_code: str, to: datetime | None, count: int = 200
    ) -> list[Candle]:
        with _as_port_errors():
            return await self.client.candles(market, Timeframe.from_code(timeframe_code), to, count)

    async def aclose(self) -> None:
        await self.client.aclose()
