"""``ExchangePort`` over Upbit's HTTP API (``UpbitRestClient``) and its private WebSocket (myOrder).

The same adapter serves live trading (api.upbit.com) and paper/replay (the loopback server): both speak
Upbit's protocol, so nothing here knows which one it talks to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from upbit_auto_trading.application.trading.ports import (
    ExchangeBalance,
    ExchangeError,
    ExchangeOrder,
    MarketRules,
    OrderFateUnknown,
    OrderRejected,
)
from upbit_auto_trading.domain.trading.order import OrderRequest
from upbit_auto_trading.infrastructure.trading.upbit_orders import (
    exchange_order,
    my_order,
    place_failure,
    request_failure,
)
from upbit_auto_trading.infrastructure.upbit import endpoints
from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitDuplicateIdentifierError,
    UpbitError,
    UpbitNotFoundError,
    UpbitRequestError,
)
from upbit_auto_trading.infrastructure.upbit.models import Order
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.transport import Call
from upbit_auto_trading.infrastructure.upbit.websocket_client import (
    PrivateMessage,
    Subscription,
    UpbitWebSocketClient,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_MIN_TOTAL = Decimal(5000)
MAX_OPEN_PAGES = 50  # 5,000 open orders: far beyond any session; stops a server that ignores ``page``


def _utc_now() -> datetime:
    return datetime.now(UTC)


class UpbitExchange:
    """Implements ``ExchangePort``. ``ws_url`` is the private WebSocket (``.../websocket/v1/private``);
    None: no order stream (``order_updates`` then waits until ``aclose``; REST look-ups still work)."""

    def __init__(
        self,
        client: UpbitRestClient,
        ws_url: str | None,
        credentials: UpbitCredentials | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        reconnect_base: float = 0.2,
        reconnect_cap: float = 10.0,
    ) -> None:
        self.client = client
        self.ws_url = ws_url
        self.credentials = credentials if credentials is not None else client.credentials
        self._clock = clock
        self._reconnect = (reconnect_base, reconnect_cap)
        self._streams: set[UpbitWebSocketClient] = set()
        self._closed = asyncio.Event()

    # --- orders -------------------------------------------------------------------------------------------

    async def place(self, request: OrderRequest) -> ExchangeOrder:
        try:
            return exchange_order(await self.client.place_order(request))
        except UpbitDuplicateIdentifierError as exc:
            # The identifier was used before: by an earlier send of this very order (our identifiers are
            # never reused on purpose). "Rejected" would tell the engine nothing is placed, which may be
            # false, so answer with the order that holds the identifier.
            return await self._holder_of(request.identifier, exc)
        except UpbitError as exc:
            raise place_failure(exc, request.identifier) from exc

    async def _holder_of(self, identifier: str, refusal: UpbitError) -> ExchangeOrder:
        try:
            found = await self.lookup(identifier)
        except ExchangeError as exc:
            raise OrderFateUnknown(
                f"order {identifier}: identifier already used, and its order cannot be looked up now ({exc})"
            ) from refusal
        if found is None:  # used by a request that placed nothing: this request placed nothing either
            raise OrderRejected(str(refusal), refusal.name or "duplicated_identifier") from refusal
        log.warning("order %s was already placed (duplicated identifier); using that order", identifier)
        return found

    async def lookup(self, identifier: str) -> ExchangeOrder | None:
        try:
            return exchange_order(await self.client.get_order(identifier=identifier))
        except UpbitNotFoundError:
            return None
        except UpbitError as exc:
            raise ExchangeError(f"cannot look order {identifier} up: {exc}") from exc

    async def cancel(self, identifier: str) -> ExchangeOrder:
        try:
            return exchange_order(await self.client.cancel_order(identifier=identifier))
        except UpbitError as exc:
            raise request_failure(exc, f"cannot cancel order {identifier}") from exc

    async def open_orders(self) -> list[ExchangeOrder]:
        """Every open order (wait and watch), page by page (Upbit: at most 100 per page)."""
        limit = endpoints.MAX_OPEN_ORDERS_PER_PAGE
        found: dict[str, Order] = {}
        for page in range(1, MAX_OPEN_PAGES + 1):
            batch = await self._read(endpoints.open_orders(limit=limit, page=page), "open orders")
            fresh = [o for o in batch if o.uuid not in found]
            found.update((o.uuid, o) for o in fresh)
            if len(batch) < limit or not fresh:
                break
        return [exchange_order(o) for o in found.values()]

    async def closed_orders(self, since: datetime | None = None) -> list[ExchangeOrder]:
        """Closed orders (done, cancel) created since ``since`` (None: Upbit's default, the last 7 days),
        oldest first. Upbit answers one window of at most 7 days and 1,000 orders per call: longer spans
        are asked window by window, a full window again from its newest order on."""
        limit = endpoints.MAX_CLOSED_ORDERS_PER_CALL
        found: dict[str, Order] = {}
        if since is None:
            found.update(
                (o.uuid, o) for o in await self._read(endpoints.closed_orders(limit=limit), "closed")
            )
        else:
            now = self._clock()
            start = since
            while True:
                end = min(start + endpoints.CLOSED_ORDERS_MAX_WINDOW, max(now, start))
                await self._closed_window(start, end, found)
                if end >= now:
                    break
                start = end
        ordered = sorted(found.values(), key=lambda o: o.created_at or datetime.min.replace(tzinfo=UTC))
        return [exchange_order(o) for o in ordered]

    async def _closed_window(self, start: datetime, end: datetime, found: dict[str, Order]) -> None:
        limit = endpoints.MAX_CLOSED_ORDERS_PER_CALL
        while True:
            call = endpoints.closed_orders(limit=limit, start_time=start, end_time=end, order_by="asc")
            batch = await self._read(call, "closed orders")
            fresh = [o for o in batch if o.uuid not in found]
            found.update((o.uuid, o) for o in fresh)
            newest = max((o.created_at for o in batch if o.created_at is not None), default=None)
            if len(batch) < limit or not fresh or newest is None or newest <= start:
                return
            start = newest  # orders created at that same instant come again and are deduplicated

    # --- account and market rules -------------------------------------------------------------------------

    async def balances(self) -> dict[str, ExchangeBalance]:
        accounts = await self._call(self.client.accounts, "balances")
        return {
            a.currency: ExchangeBalance(a.currency, a.balance, a.locked, a.avg_buy_price) for a in accounts
        }

    async def rules(self, market: str) -> MarketRules:
        chance = await self._call(lambda: self.client.order_chance(market), f"order rules of {market}")
        min_total = max(chance.bid_min_total, chance.ask_min_total) or DEFAULT_MIN_TOTAL
        return MarketRules(market, chance.bid_fee, chance.ask_fee, min_total)

    async def check(self, request: OrderRequest) -> None:
        try:
            await self.client.test_order(request)
        except UpbitRequestError as exc:
            if exc.status in (404, 405) and exc.name in ("", "not_found"):
                return  # this server has no test endpoint: the real placement will tell
            raise request_failure(exc, f"order {request.identifier} would be refused") from exc
        except UpbitError as exc:
            raise ExchangeError(f"cannot check order {request.identifier}: {exc}") from exc

    async def warned_markets(self) -> frozenset[str]:
        markets = await self._call(self.client.markets, "market list")
        return frozenset(m.market for m in markets if m.warning)

    # --- the private order stream -------------------------------------------------------------------------

    async def order_updates(self) -> AsyncIterator[ExchangeOrder]:
        """Every myOrder message as an ``ExchangeOrder``, until ``aclose``. The WebSocket client reconnects
        with backoff and keeps the connection alive with pings; messages missed while it was down are not
        replayed by Upbit, so the engine's REST look-ups remain the backstop."""
        if self.ws_url is None:
            await self._closed.wait()
            return
        ws = UpbitWebSocketClient(
            self.ws_url,
            [Subscription("myOrder")],
            credentials=self.credentials,
            reconnect_base=self._reconnect[0],
            reconnect_cap=self._reconnect[1],
        )
        self._streams.add(ws)
        try:
            async for message in ws.messages():
                if not isinstance(message, PrivateMessage) or message.type != "myOrder":
                    continue
                try:
                    order = my_order(message.data)
                except UpbitError as exc:
                    log.error("skipping a myOrder message that could not be read: %s", exc)
                    continue
                yield order
        finally:
            self._streams.discard(ws)
            await ws.close()

    async def aclose(self) -> None:
        self._closed.set()
        for ws in list(self._streams):
            await ws.close()
        await self.client.aclose()

    # --- helpers ------------------------------------------------------------------------------------------

    async def _read(self, call: Call[list[Order]], what: str) -> list[Order]:
        return await self._call(lambda: self.client.execute(call), what)

    async def _call(self, fn: Callable[[], Awaitable[T]], what: str) -> T:
        try:
            return await fn()
        except UpbitError as exc:
            raise ExchangeError(f"cannot read {what} from the exchange: {exc}") from exc
