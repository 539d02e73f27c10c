"""Upbit orders and errors in the trading engine's terms: ``Order`` / myOrder -> ``ExchangeOrder``, and the
typed Upbit errors -> ``OrderRejected`` / ``MarketOffline`` / ``OrderFateUnknown`` / ``ExchangeError``.

The one rule the error mapping must never break: an error that leaves it open whether an order was placed
becomes ``OrderFateUnknown`` (the engine keeps the entry ``sent`` and looks it up later), never
``ExchangeError`` or ``OrderRejected`` (both tell the engine that nothing was placed).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from upbit_auto_trading.application.trading.ports import (
    ExchangeError,
    ExchangeOrder,
    ExchangeTrade,
    MarketOffline,
    OrderFateUnknown,
    OrderRejected,
)
from upbit_auto_trading.domain.trading.order import OrderSide, OrderState, OrderType
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitAuthError,
    UpbitBlockedError,
    UpbitError,
    UpbitMarketOfflineError,
    UpbitNetworkError,
    UpbitProtocolError,
    UpbitRateLimitError,
    UpbitRequestError,
    UpbitServerError,
)
from upbit_auto_trading.infrastructure.upbit.models import Order, dec
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitOrderUnknownError

log = logging.getLogger(__name__)

ZERO = Decimal(0)

# myOrder states. ``trade`` (a fill happened) and ``prevented`` (self-match prevention touched it) are
# steps of a live order: its final state comes in a later message (or the REST look-up), so both map to
# WAIT rather than guessing a final state.
_MY_ORDER_STATES = {
    "wait": OrderState.WAIT,
    "watch": OrderState.WATCH,
    "trade": OrderState.WAIT,
    "prevented": OrderState.WAIT,
    "done": OrderState.DONE,
    "cancel": OrderState.CANCEL,
}


# --- orders -------------------------------------------------------------------------------------------------


def exchange_order(order: Order) -> ExchangeOrder:
    """A REST order (with its trades when the reply listed them)."""
    trades = tuple(
        ExchangeTrade(
            # Upbit always names its trades; a reply without ids gets stable positional ones, so the same
            # look-up twice still keys every fill the same way.
            trade_id=t.uuid or f"{order.uuid}:{i}",
            price=t.price,
            volume=t.volume,
            funds=t.funds,
            at=t.created_at,
        )
        for i, t in enumerate(order.trades)
    )
    return ExchangeOrder(
        uuid=order.uuid,
        identifier=order.identifier,
        market=order.market,
        side=order.side,
        ord_type=order.ord_type,
        state=order.state,
        price=order.price,
        volume=order.volume,
        executed_volume=order.executed_volume,
        paid_fee=order.paid_fee,
        created_at=order.created_at,
        trades=trades,
    )


def my_order(data: dict[str, Any]) -> ExchangeOrder:
    """A WebSocket ``myOrder`` message. In state ``trade`` Upbit puts the fill's price and volume in
    ``price`` and ``volume`` (not the order's), so those are read as the trade's and the order's own price is
    left unknown; ``trade_price``/``trade_volume``, when sent, win."""
    try:
        state_text = str(data["state"])
        state = _MY_ORDER_STATES[state_text]
        side = OrderSide(str(data["ask_bid"]).lower())
        ord_type = OrderType(str(data["order_type"]))
        market = str(data.get("code") or data["market"])
        uuid = str(data["uuid"])
    except (KeyError, ValueError) as exc:
        raise UpbitProtocolError(f"unexpected myOrder message from Upbit: {exc!r}") from exc
    in_trade = state_text == "trade"
    executed = dec(data.get("executed_volume"), ZERO) or ZERO
    price, volume = dec(data.get("price")), dec(data.get("volume"))
    trades: tuple[ExchangeTrade, ...] = ()
    trade_id = data.get("trade_uuid")
    if trade_id:
        t_price = dec(data.get("trade_price")) or (price if in_trade else None)
        t_volume = dec(data.get("trade_volume")) or (volume if in_trade else None)
        if t_price is not None and t_volume is not None:
            funds = dec(data.get("trade_funds"))
            trades = (
                ExchangeTrade(
                    trade_id=str(trade_id),
                    price=t_price,
                    volume=t_volume,
                    funds=t_price * t_volume if funds is None else funds,
                    at=_millis(data.get("trade_timestamp")),
                ),
            )
    if in_trade and data.get("trade_price") is None:
        price = None
        remaining = dec(data.get("remaining_volume"))
        volume = executed + remaining if remaining is not None and ord_type is not OrderType.PRICE else None
    return ExchangeOrder(
        uuid=uuid,
        identifier=data.get("identifier") or None,
        market=market,
        side=side,
        ord_type=ord_type,
        state=state,
        price=price,
        volume=volume,
        executed_volume=executed,
        paid_fee=dec(data.get("paid_fee"), ZERO) or ZERO,
        created_at=_millis(data.get("order_timestamp")),
        trades=trades,
    )


def _millis(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# --- errors -------------------------------------------------------------------------------------------------


def _raised_during_lookup(exc: BaseException) -> bool:
    """True when ``exc`` was raised while the client was recovering a lost reply: Python then chains the
    lost-reply error (an Upbit timeout, 5xx or network error) as the context of whatever the look-up raised.
    A refusal of the POST itself, or a failed connect, carries no Upbit error in its chain."""
    seen: set[int] = {id(exc)}
    link = exc.__context__ or exc.__cause__
    while link is not None and id(link) not in seen:
        if isinstance(link, UpbitNetworkError | UpbitServerError):
            return True
        seen.add(id(link))
        link = link.__context__ or link.__cause__
    return False


def place_failure(exc: UpbitError, identifier: str) -> ExchangeError:
    """What a failed ``place_order`` means for the engine."""
    name = exc.name or (f"http_{exc.status}" if exc.status else "")
    if isinstance(exc, UpbitOrderUnknownError) or _raised_during_lookup(exc):
        return OrderFateUnknown(
            f"order {identifier}: the reply was lost and the look-up could not tell ({exc})"
        )
    if isinstance(exc, UpbitMarketOfflineError):
        return MarketOffline(str(exc), exc.name or "market_offline")
    if isinstance(exc, UpbitRequestError):  # a 4xx refusal: Upbit placed nothing
        return OrderRejected(str(exc), name)
    if isinstance(exc, UpbitNetworkError) and isinstance(exc.__cause__, httpx.ConnectError):
        return ExchangeError(f"order {identifier} not sent: {exc}")  # never connected: nothing left us
    if isinstance(exc, UpbitRateLimitError | UpbitBlockedError | UpbitAuthError):
        return ExchangeError(f"order {identifier} not placed: {exc}")  # refused before it was processed
    # Anything else (a reply we could not read, a transport failure after sending) may hide a placed order.
    return OrderFateUnknown(f"order {identifier}: {exc}")


def request_failure(exc: UpbitError, what: str) -> ExchangeError:
    """A failed read or cancel: a 4xx refusal keeps Upbit's error name; everything else is retryable."""
    if isinstance(exc, UpbitMarketOfflineError):
        return MarketOffline(str(exc), exc.name or "market_offline")
    if isinstance(exc, UpbitRequestError):
        return OrderRejected(f"{what}: {exc}", exc.name or (f"http_{exc.status}" if exc.status else ""))
    return ExchangeError(f"{what}: {exc}")
