"""Typed Upbit replies. Money and quantities are Decimal (the JSON is parsed with Decimal floats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.domain.trading.order import OrderSide, OrderState, OrderType
from upbit_auto_trading.infrastructure.upbit.errors import UpbitProtocolError


def dec(value: Any, default: Decimal | None = None) -> Decimal | None:
    """A Decimal from Upbit's number or numeric string; ``default`` for null/absent."""
    if value is None or value == "":
        return default
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise UpbitProtocolError(f"not a number in Upbit reply: {value!r}") from exc


def req_dec(data: dict[str, Any], key: str) -> Decimal:
    value = dec(data.get(key))
    if value is None:
        raise UpbitProtocolError(f"Upbit reply lacks {key!r}")
    return value


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UpbitProtocolError(f"bad time in Upbit reply: {text!r}") from exc


@dataclass(frozen=True)
class MarketInfo:
    market: str
    korean_name: str
    english_name: str
    warning: bool = False

    @property
    def quote(self) -> str:
        return self.market.split("-", 1)[0]

    @property
    def base(self) -> str:
        return self.market.split("-", 1)[1]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MarketInfo:
        event = d.get("market_event") or {}
        warning = d.get("market_warning") == "CAUTION" or bool(event.get("warning"))
        return cls(d["market"], d.get("korean_name", ""), d.get("english_name", ""), warning)


@dataclass(frozen=True)
class Ticker:
    market: str
    trade_price: Decimal
    opening_price: Decimal
    high_price: Decimal
    low_price: Decimal
    prev_closing_price: Decimal
    change: str
    signed_change_rate: Decimal
    acc_trade_volume_24h: Decimal
    acc_trade_price_24h: Decimal
    timestamp: int

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Ticker:
        return cls(
            market=d.get("market") or d.get("code", ""),
            trade_price=req_dec(d, "trade_price"),
            opening_price=req_dec(d, "opening_price"),
            high_price=req_dec(d, "high_price"),
            low_price=req_dec(d, "low_price"),
            prev_closing_price=dec(d.get("prev_closing_price"), Decimal(0)) or Decimal(0),
            change=str(d.get("change", "EVEN")),
            signed_change_rate=dec(d.get("signed_change_rate"), Decimal(0)) or Decimal(0),
            acc_trade_volume_24h=dec(d.get("acc_trade_volume_24h"), Decimal(0)) or Decimal(0),
            acc_trade_price_24h=dec(d.get("acc_trade_price_24h"), Decimal(0)) or Decimal(0),
            timestamp=int(d.get("timestamp", 0)),
        )


@dataclass(frozen=True)
class OrderbookUnit:
    ask_price: Decimal
    bid_price: Decimal
    ask_size: Decimal
    bid_size: Decimal


@dataclass(frozen=True)
class Orderbook:
    market: str
    timestamp: int
    total_ask_size: Decimal
    total_bid_size: Decimal
    units: tuple[OrderbookUnit, ...]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Orderbook:
        units = tuple(
            OrderbookUnit(
                req_dec(u, "ask_price"),
                req_dec(u, "bid_price"),
                req_dec(u, "ask_size"),
                req_dec(u, "bid_size"),
            )
            for u in d.get("orderbook_units", [])
        )
        return cls(
            market=d.get("market") or d.get("code", ""),
            timestamp=int(d.get("timestamp", 0)),
            total_ask_size=dec(d.get("total_ask_size"), Decimal(0)) or Decimal(0),
            total_bid_size=dec(d.get("total_bid_size"), Decimal(0)) or Decimal(0),
            units=units,
        )


@dataclass(frozen=True)
class OrderbookInstrument:
    """Per-market tick size from ``GET /v1/orderbook/instruments`` (wins over the generic KRW table)."""

    market: str
    quote_currency: str
    tick_size: Decimal

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OrderbookInstrument:
        return cls(d["market"], d.get("quote_currency", d["market"].split("-")[0]), req_dec(d, "tick_size"))


@dataclass(frozen=True)
class Account:
    currency: str
    balance: Decimal
    locked: Decimal
    avg_buy_price: Decimal
    unit_currency: str = "KRW"

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Account:
        return cls(
            currency=d["currency"],
            balance=req_dec(d, "balance"),
            locked=dec(d.get("locked"), Decimal(0)) or Decimal(0),
            avg_buy_price=dec(d.get("avg_buy_price"), Decimal(0)) or Decimal(0),
            unit_currency=d.get("unit_currency", "KRW"),
        )


@dataclass(frozen=True)
class OrderChance:
    market: str
    bid_fee: Decimal
    ask_fee: Decimal
    bid_min_total: Decimal
    ask_min_total: Decimal
    bid_account: Account
    ask_account: Account

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OrderChance:
        market = d.get("market", {})
        return cls(
            market=market.get("id", ""),
            bid_fee=req_dec(d, "bid_fee"),
            ask_fee=req_dec(d, "ask_fee"),
            bid_min_total=dec(market.get("bid", {}).get("min_total"), Decimal(0)) or Decimal(0),
            ask_min_total=dec(market.get("ask", {}).get("min_total"), Decimal(0)) or Decimal(0),
            bid_account=Account.from_json(d["bid_account"]),
            ask_account=Account.from_json(d["ask_account"]),
        )


@dataclass(frozen=True)
class OrderTrade:
    """One fill of an order, from the ``trades`` list of ``GET /v1/order``. ``uuid`` is the exchange's trade
    id (fills are keyed by it); ``funds`` is price x volume in the quote currency."""

    uuid: str
    price: Decimal
    volume: Decimal
    funds: Decimal
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OrderTrade:
        price, volume = req_dec(d, "price"), req_dec(d, "volume")
        funds = dec(d.get("funds"))
        return cls(
            uuid=str(d.get("uuid") or ""),
            price=price,
            volume=volume,
            funds=price * volume if funds is None else funds,
            created_at=parse_time(d.get("created_at")),
        )


@dataclass(frozen=True)
class Order:
    uuid: str
    market: str
    side: OrderSide
    ord_type: OrderType
    state: OrderState
    price: Decimal | None
    volume: Decimal | None
    remaining_volume: Decimal | None
    executed_volume: Decimal
    paid_fee: Decimal
    locked: Decimal
    trades_count: int
    created_at: datetime | None
    identifier: str | None = None
    trades: tuple[OrderTrade, ...] = ()  # only ``GET /v1/order`` lists them; empty elsewhere

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Order:
        try:
            return cls(
                uuid=d["uuid"],
                market=d["market"],
                side=OrderSide(d["side"]),
                ord_type=OrderType(d["ord_type"]),
                state=OrderState(d["state"]),
                price=dec(d.get("price")),
                volume=dec(d.get("volume")),
                remaining_volume=dec(d.get("remaining_volume")),
                executed_volume=dec(d.get("executed_volume"), Decimal(0)) or Decimal(0),
                paid_fee=dec(d.get("paid_fee"), Decimal(0)) or Decimal(0),
                locked=dec(d.get("locked"), Decimal(0)) or Decimal(0),
                trades_count=int(d.get("trades_count", 0)),
                created_at=parse_time(d.get("created_at")),
                identifier=d.get("identifier"),
                trades=tuple(OrderTrade.from_json(t) for t in d.get("trades") or ()),
            )
        except (KeyError, ValueError) as exc:
            raise UpbitProtocolError(f"unexpected order reply from Upbit: {exc}") from exc
