"""Async Upbit REST client (httpx). Base URL injectable: point it at the loopback server in tests.

Reads are retried on 429 (exponential backoff), timeouts, connection errors and 5xx. Order placement is
never re-sent: when its reply is lost (timeout, reset, 5xx) the client looks the order up by its
identifier and returns what the exchange actually holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.order import OrderRequest
from upbit_auto_trading.infrastructure.upbit import endpoints
from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitBlockedError,
    UpbitError,
    UpbitNetworkError,
    UpbitNotFoundError,
    UpbitOrderError,
    UpbitRateLimitError,
    UpbitServerError,
    UpbitTimeoutError,
)
from upbit_auto_trading.infrastructure.upbit.models import (
    Account,
    MarketInfo,
    Order,
    Orderbook,
    OrderbookInstrument,
    OrderChance,
    Ticker,
)
from upbit_auto_trading.infrastructure.upbit.paging import CandlePager
from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter
from upbit_auto_trading.infrastructure.upbit.transport import Call, RestCore

log = logging.getLogger(__name__)
T = TypeVar("T")


class UpbitOrderUnknownError(UpbitOrderError):
    """The order's reply was lost and no order with its identifier exists after several look-ups: it was
    most likely not placed. Place it again only with a NEW identifier, after checking open orders."""


class UpbitRestClient(RestCore):
    """One instance per base URL and key pair; close it with ``await client.aclose()`` (or ``async with``)."""

    def __init__(
        self,
        base_url: str,
        credentials: UpbitCredentials | None = None,
        *,
        timeout: float = 10.0,
        limiter: RateLimiter | None = None,
        max_read_retries: int = 3,
        order_lookup_attempts: int = 4,
        order_lookup_delay: float = 0.25,
    ) -> None:
        super().__init__(
            base_url, credentials, timeout=timeout, limiter=limiter, max_read_retries=max_read_retries
        )
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        self._lookup_attempts = order_lookup_attempts
        self._lookup_delay = order_lookup_delay

    async def __aenter__(self) -> UpbitRestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the one request loop ---------------------------------------------------------------------------

    async def execute(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            ticket = await self.limiter.acquire(call.group)
            req = self.prepare(call)
            try:
                resp = await self._http.request(req.method, req.url, headers=req.headers, content=req.content)
                self.limiter.done(ticket)
            except httpx.TimeoutException as exc:
                error: UpbitError = UpbitTimeoutError(f"Upbit {call.path} timed out after {self.timeout} s")
                if call.retry_safe and attempt < self.max_read_retries:
                    attempt = await self._pause_retry(call, attempt, error)
                    continue
                raise error from exc
            except httpx.TransportError as exc:
                error = UpbitNetworkError(f"cannot reach Upbit at {self.base_url}: {exc.__class__.__name__}")
                if call.retry_safe and attempt < self.max_read_retries:
                    attempt = await self._pause_retry(call, attempt, error)
                    continue
                raise error from exc
            try:
                return self.interpret(call, resp.status_code, resp.headers.get("Remaining-Req"), resp.text)
            except UpbitBlockedError as exc:
                self.limiter.on_blocked(exc.retry_after)
                log.error("Upbit blocked this client (418) for %.0f s; requests stopped", exc.retry_after)
                raise
            except UpbitRateLimitError:
                if call.retry_safe and attempt < self.limiter.backoff.max_retries:
                    delay = self.limiter.on_too_many(call.group, attempt)
                    log.warning("Upbit 429 on %s; backing off %.2f s", call.path, delay)
                    self.retries += 1
                    attempt += 1
                    continue
                raise
            except UpbitServerError as exc:
                if call.retry_safe and attempt < self.max_read_retries:
                    attempt = await self._pause_retry(call, attempt, exc)
                    continue
                raise

    async def _pause_retry(self, call: Call[Any], attempt: int, error: UpbitError) -> int:
        delay = self.limiter.backoff.delay(attempt)
        log.warning("%s; retrying %s in %.2f s", error, call.path, delay)
        self.retries += 1
        await asyncio.sleep(delay)
        return attempt + 1

    # --- quotation --------------------------------------------------------------------------------------

    async def markets(self) -> list[MarketInfo]:
        return await self.execute(endpoints.markets())

    async def candles(
        self, market: str, timeframe: Timeframe | str, to: datetime | None = None, count: int = 200
    ) -> list[Candle]:
        """Up to ``count`` (<= 200) candles strictly before ``to`` (None: the newest), newest first."""
        return await self.execute(endpoints.candles(market, _tf(timeframe), to, count))

    async def iter_candles(
        self,
        market: str,
        timeframe: Timeframe | str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> AsyncIterator[list[Candle]]:
        """Pages of candles in [start, end), newest page first, each page newest first; 200 per call."""
        pager = CandlePager(start, end)
        while not pager.done:
            kept = pager.accept(await self.candles(market, timeframe, pager.to, pager.count))
            if kept:
                yield kept

    async def tickers(self, markets: Sequence[str]) -> list[Ticker]:
        return await self.execute(endpoints.tickers(markets))

    async def orderbooks(self, markets: Sequence[str]) -> list[Orderbook]:
        return await self.execute(endpoints.orderbooks(markets))

    async def orderbook_instruments(self, markets: Sequence[str]) -> list[OrderbookInstrument]:
        return await self.execute(endpoints.orderbook_instruments(markets))

    # --- exchange ---------------------------------------------------------------------------------------

    async def accounts(self) -> list[Account]:
        return await self.execute(endpoints.accounts())

    async def order_chance(self, market: str) -> OrderChance:
        return await self.execute(endpoints.order_chance(market))

    async def test_order(self, request: OrderRequest) -> Order:
        return await self.execute(endpoints.test_order(request))

    async def get_order(self, uuid: str | None = None, identifier: str | None = None) -> Order:
        return await self.execute(endpoints.get_order(uuid, identifier))

    async def open_orders(self, market: str | None = None) -> list[Order]:
        return await self.execute(endpoints.open_orders(market))

    async def closed_orders(self, market: str | None = None) -> list[Order]:
        return await self.execute(endpoints.closed_orders(market))

    async def cancel_order(self, uuid: str | None = None, identifier: str | None = None) -> Order:
        return await self.execute(endpoints.cancel_order(uuid, identifier))

    async def place_order(self, request: OrderRequest) -> Order:
        """Place once. If the reply is lost, find the order by identifier instead of placing it again."""
        try:
            return await self.execute(endpoints.place_order(request))
        except (UpbitTimeoutError, UpbitServerError, UpbitNetworkError) as exc:
            if isinstance(exc, UpbitNetworkError) and isinstance(exc.__cause__, httpx.ConnectError):
                raise  # never connected: nothing was sent, nothing was placed
            log.warning("order %s: reply lost (%s); looking it up by identifier", request.identifier, exc)
            return await self._recover(request.identifier, exc)

    async def _recover(self, identifier: str, cause: UpbitError) -> Order:
        for attempt in range(self._lookup_attempts):
            try:
                return await self.get_order(identifier=identifier)
            except UpbitNotFoundError:
                await asyncio.sleep(self._lookup_delay * (attempt + 1))
        raise UpbitOrderUnknownError(
            f"order {identifier} was not found after its reply was lost ({cause}); it was most likely not "
            "placed. Check open orders, then place it again with a new identifier if still wanted.",
            name="order_unknown",
        ) from cause


def _tf(timeframe: Timeframe | str) -> Timeframe:
    return timeframe if isinstance(timeframe, Timeframe) else Timeframe.from_code(timeframe)
