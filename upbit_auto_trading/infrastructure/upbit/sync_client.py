"""Blocking Upbit REST client (httpx), for CLI commands and worker threads.

Same rules as the async client (``rest_client.py``): reads retried with backoff, orders never re-sent,
a lost order reply recovered by identifier. Never call it on the GUI/event-loop thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TypeVar

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
    UpbitRateLimitError,
    UpbitServerError,
    UpbitTimeoutError,
)
from upbit_auto_trading.infrastructure.upbit.models import (
    Account,
    MarketInfo,
    Order,
    Orderbook,
    OrderChance,
    Ticker,
)
from upbit_auto_trading.infrastructure.upbit.paging import CandlePager
from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitOrderUnknownError, _tf
from upbit_auto_trading.infrastructure.upbit.transport import Call, RestCore

log = logging.getLogger(__name__)
T = TypeVar("T")


class UpbitSyncClient(RestCore):
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
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        self._lookup_attempts = order_lookup_attempts
        self._lookup_delay = order_lookup_delay

    def __enter__(self) -> UpbitSyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def execute(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            ticket = self.limiter.acquire_sync(call.group)
            req = self.prepare(call)
            try:
                resp = self._http.request(req.method, req.url, headers=req.headers, content=req.content)
                self.limiter.done(ticket)
            except httpx.TimeoutException as exc:
                error: UpbitError = UpbitTimeoutError(f"Upbit {call.path} timed out after {self.timeout} s")
                if call.retry_safe and attempt < self.max_read_retries:
                    attempt = self._pause_retry(attempt, error)
                    continue
                raise error from exc
            except httpx.TransportError as exc:
                error = UpbitNetworkError(f"cannot reach Upbit at {self.base_url}: {exc.__class__.__name__}")
                if call.retry_safe and attempt < self.max_read_retries:
                    attempt = self._pause_retry(attempt, error)
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
                    attempt = self._pause_retry(attempt, exc)
                    continue
                raise

    def _pause_retry(self, attempt: int, error: UpbitError) -> int:
        delay = self.limiter.backoff.delay(attempt)
        log.warning("%s; retrying in %.2f s", error, delay)
        self.retries += 1
        time.sleep(delay)
        return attempt + 1

    def markets(self) -> list[MarketInfo]:
        return self.execute(endpoints.markets())

    def candles(
        self, market: str, timeframe: Timeframe | str, to: datetime | None = None, count: int = 200
    ) -> list[Candle]:
        return self.execute(endpoints.candles(market, _tf(timeframe), to, count))

    def iter_candles(
        self,
        market: str,
        timeframe: Timeframe | str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterator[list[Candle]]:
        pager = CandlePager(start, end)
        while not pager.done:
            kept = pager.accept(self.candles(market, timeframe, pager.to, pager.count))
            if kept:
                yield kept

    def tickers(self, markets: Sequence[str]) -> list[Ticker]:
        return self.execute(endpoints.tickers(markets))

    def orderbooks(self, markets: Sequence[str]) -> list[Orderbook]:
        return self.execute(endpoints.orderbooks(markets))

    def accounts(self) -> list[Account]:
        return self.execute(endpoints.accounts())

    def order_chance(self, market: str) -> OrderChance:
        return self.execute(endpoints.order_chance(market))

    def get_order(self, uuid: str | None = None, identifier: str | None = None) -> Order:
        return self.execute(endpoints.get_order(uuid, identifier))

    def cancel_order(self, uuid: str | None = None, identifier: str | None = None) -> Order:
        return self.execute(endpoints.cancel_order(uuid, identifier))

    def place_order(self, request: OrderRequest) -> Order:
        try:
            return self.execute(endpoints.place_order(request))
        except (UpbitTimeoutError, UpbitServerError, UpbitNetworkError) as exc:
            if isinstance(exc, UpbitNetworkError) and isinstance(exc.__cause__, httpx.ConnectError):
                raise
            for attempt in range(self._lookup_attempts):
                try:
                    return self.get_order(identifier=request.identifier)
                except UpbitNotFoundError:
                    time.sleep(self._lookup_delay * (attempt + 1))
            raise UpbitOrderUnknownError(
                f"order {request.identifier} was not found after its reply was lost ({exc}); it was most likely "
                "not placed. Check open orders, then place it again with a new identifier if still wanted.",
                name="order_unknown",
            ) from exc
