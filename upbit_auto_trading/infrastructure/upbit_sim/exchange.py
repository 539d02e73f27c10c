"""Accounts and orders of the loopback server, under Upbit's KRW rules (tick, 5,000 KRW minimum, 0.05 % fee).

With a state file attached, every change is written to it (atomically) before anyone hears of it: before the
HTTP reply and before the WebSocket push, so a crash at any point leaves a file a restart can trust.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal
from typing import Any

from upbit_auto_trading.domain.market.tick_size import is_on_tick
from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
from upbit_auto_trading.infrastructure.upbit_sim.orders import (
    VOLUME_STEP,
    ZERO,
    Balance,
    SimOrder,
    SimRejection,
    SimTrade,
)
from upbit_auto_trading.infrastructure.upbit_sim.persistence import (
    OrderDumps,
    SimStateFile,
    changes_between,
    dump_exchange,
    load_exchange,
)

__all__ = ["Balance", "SimExchange", "SimOrder", "SimRejection", "SimTrade", "VOLUME_STEP", "ZERO"]

OrderListener = Callable[[SimOrder], None]


class SimExchange:
    def __init__(self, market: MarketReplay, fee_rate: Decimal, min_total: Decimal) -> None:
        self.market = market
        self.fee_rate = fee_rate
        self.min_total = min_total
        self.accounts: dict[str, dict[str, Balance]] = {}
        self.orders: dict[str, SimOrder] = {}
        self.by_identifier: dict[tuple[str, str], str] = {}
        self.counter = 0
        # The high half of every uuid: ids stay unique across state files (replay sessions), the counter
        # in the low half keeps them stable and ordered within one.
        self.uuid_prefix = uuid.uuid4().int >> 64
        self.listeners: list[OrderListener] = []
        self.placed_count = 0  # successful POST /v1/orders (tests assert no duplicates)
        self.offline_markets: set[str] = set()
        self.hold_fills = False  # a test's thin book: new orders rest unfilled (``UpbitSimServer.hold_orders``)
        self._store: SimStateFile | None = None
        self._saved: dict[str, Any] | None = None  # the document the file holds now
        self._pending: list[SimOrder] = []  # order snapshots to announce once the change is on disk
        self._dirty = False
        self._dumps = OrderDumps()

    # --- accounts ---------------------------------------------------------------------------------------

    def add_account(self, spec: SimAccountSpec) -> None:
        self.accounts[spec.access_key] = {c: Balance(Decimal(a)) for c, a in spec.balances.items()}
        self._dirty = True
        self._commit()

    def has_account(self, access_key: str) -> bool:
        return access_key in self.accounts

    def balances(self, access_key: str) -> dict[str, Balance]:
        return self.accounts.setdefault(access_key, {})

    def set_balance(self, access_key: str, currency: str, balance: Decimal) -> Balance:
        """An outside change of the available balance (a deposit, a withdrawal, a trade elsewhere)."""
        bal = self._bal(access_key, currency)
        bal.balance = Decimal(balance)
        self._dirty = True
        self._commit()
        return bal

    def _bal(self, access_key: str, currency: str) -> Balance:
        return self.balances(access_key).setdefault(currency, Balance())

    def _next_uuid(self) -> str:
        self.counter += 1
        return str(uuid.UUID(int=(self.uuid_prefix << 64) | self.counter))

    # --- persistence --------------------------------------------------------------------------------------

    def attach_store(self, store: SimStateFile) -> bool:
        """Keep the state in ``store`` from now on; load it first when the file exists (True then)."""
        doc = store.read()
        self._store = store
        if doc is None:
            self._dirty = True  # the first commit writes the starting balances
            return False
        load_exchange(self, doc)
        self._saved = doc
        return True

    def close_store(self) -> None:
        """Release the state file's log (the state itself is on disk after every change already)."""
        if self._store is not None:
            self._store.close()

    def save(self) -> None:
        self._dirty = True
        self._commit()

    def _commit(self) -> None:
        """End of a change: write the file (when attached), then announce the orders that changed."""
        pending, self._pending = self._pending, []
        if self._store is not None and self._dirty:
            doc = dump_exchange(self, self._dumps)
            try:
                if self._saved is None or self._store.wants_compaction:
                    self._store.write(doc)
                elif change := changes_between(self._saved, doc):
                    self._store.append(change)
            except OSError as exc:
                if self._saved is not None:
                    load_exchange(
                        self, self._saved
                    )  # memory again equals the file: the change never happened
                raise SimRejection(
                    500, "server_error", f"the paper exchange could not save its state ({exc})"
                ) from exc
            self._saved = doc
        self._dirty = False
        for order in pending:
            for listener in self.listeners:
                listener(order)

    # --- validation -----------------------------------------------------------------------------------

    def validate(self, access_key: str, body: dict[str, Any]) -> SimOrder:
        """Check an order the way Upbit does; return it unplaced (funds not yet locked) or raise SimRejection."""
        market = str(body.get("market") or "")
        side = str(body.get("side") or "")
        ord_type = str(body.get("ord_type") or "")
        self._check_market(market, side, ord_type)
        price = _num(body.get("price"), "price")
        volume = _num(body.get("volume"), "volume")
        tif = body.get("time_in_force")
        identifier = body.get("identifier")
        if identifier is not None and (access_key, str(identifier)) in self.by_identifier:
            raise SimRejection(400, "duplicated_identifier", "이미 사용된 identifier 입니다.")
        _check_order_shape(side, ord_type, price, volume, tif)
        current = self.market.price(market)
        if current is None:
            raise SimRejection(400, "market_offline", "주문 가능한 상태가 아닙니다.")
        krw = market.startswith("KRW-")
        if krw and ord_type == "limit" and price is not None and not is_on_tick(price):
            raise SimRejection(
                400, f"invalid_price_{side}", "주문가격 단위를 잘못 입력하셨습니다. 확인 후 시도해주세요."
            )
        total = _order_total(side, ord_type, price, volume, current)
        if krw and total < self.min_total:
            raise SimRejection(
                400, f"under_min_total_{side}", f"최소주문금액 이상으로 주문해주세요. ({self.min_total} KRW)"
            )
        self._check_funds(access_key, market, side, total, volume)
        return SimOrder(
            uuid=str(uuid.uuid4()),  # a test order's id; ``place`` gives a placed order its own
            access_key=access_key,
            market=market,
            side=side,
            ord_type=ord_type,
            price=price,
            volume=volume,
            identifier=str(identifier) if identifier is not None else None,
            created_at=self.market.now(market),
            time_in_force=str(tif) if tif else None,
            remaining=volume or ZERO,
        )

    def _check_market(self, market: str, side: str, ord_type: str) -> None:
        """The request names a known market that is open for orders, a side and an order type."""
        if not market or side not in ("bid", "ask") or ord_type not in ("limit", "price", "market", "best"):
            raise SimRejection(400, "validation_error", "잘못된 API 요청입니다. (market, side, ord_type)")
        if not self.market.has_market(market):
            raise SimRejection(404, "market_does_not_exist", f"마켓이 존재하지 않습니다: {market}")
        if market in self.offline_markets:
            raise SimRejection(400, "market_offline", f"점검 중인 마켓입니다. 주문할 수 없습니다: {market}")

    def _check_funds(
        self, access_key: str, market: str, side: str, total: Decimal, volume: Decimal | None
    ) -> None:
        """A buy needs the quote currency for its total and the fee, a sell the base volume it sells."""
        quote, base = market.split("-", 1)
        if side == "bid":
            need_funds = total * (1 + self.fee_rate)
            if self._bal(access_key, quote).balance < need_funds:
                raise SimRejection(400, "insufficient_funds_bid", "매수가능 금액이 부족합니다.")
        elif self._bal(access_key, base).balance < (volume or ZERO):
            raise SimRejection(400, "insufficient_funds_ask", "매도가능 금액이 부족합니다.")

    # --- life cycle -----------------------------------------------------------------------------------

    def place(self, access_key: str, body: dict[str, Any], external: bool = False) -> SimOrder:
        """Place an order (``external``: by someone else, not through POST /v1/orders)."""
        order = self.validate(access_key, body)
        order.uuid = self._next_uuid()
        order.seq = self.counter
        order.external = external
        quote, base = order.market.split("-", 1)
        if order.side == "bid":
            reserve = {"limit": (order.price or ZERO) * (order.volume or ZERO)}.get(
                order.ord_type, order.price or ZERO
            )
            reserve = reserve * (1 + self.fee_rate)
            bal = self._bal(access_key, quote)
        else:
            reserve = order.volume or ZERO
            bal = self._bal(access_key, base)
        bal.balance -= reserve
        bal.locked += reserve
        order.locked = reserve
        self.orders[order.uuid] = order
        if order.identifier:
            self.by_identifier[(access_key, order.identifier)] = order.uuid
        if not external:
            self.placed_count += 1
        self._notify(order)
        if not self.hold_fills:
            self._try_fill(order, self.market.price(order.market))
        self._commit()
        return order

    def find(self, access_key: str, uuid_: str | None, identifier: str | None) -> SimOrder:
        key = uuid_ or self.by_identifier.get((access_key, identifier or ""), "")
        order = self.orders.get(key)
        if order is None or order.access_key != access_key:
            raise SimRejection(404, "order_not_found", "주문을 찾지 못했습니다.")
        return order

    def cancel(self, access_key: str, uuid_: str | None, identifier: str | None) -> SimOrder:
        order = self.find(access_key, uuid_, identifier)
        if order.state != "wait":
            raise SimRejection(400, "order_not_cancellable", "취소할 수 없는 주문입니다.")
        self._release(order)
        order.state = "cancel"
        self._notify(order)
        self._commit()
        return order

    def on_candle(self, market: str, low: Decimal, high: Decimal) -> None:
        """The price went through [low, high]: fill the resting limit orders it reached, at their limit
        (maker fills)."""
        for order in self._resting(market):
            assert order.price is not None
            if (order.side == "bid" and low <= order.price) or (order.side == "ask" and high >= order.price):
                self._fill(order, order.price, order.remaining, maker=True)
        self._commit()

    def on_price(self, market: str, price: Decimal) -> None:
        """The price moved to ``price``: fill the resting limit orders it crossed, at their limit."""
        self.on_candle(market, price, price)

    def _resting(self, market: str) -> list[SimOrder]:
        return [
            o
            for o in self.orders.values()
            if o.market == market and o.state == "wait" and o.ord_type == "limit" and o.price is not None
        ]

    def _try_fill(self, order: SimOrder, current: Decimal | None) -> None:
        if current is None:
            return
        if order.ord_type == "limit":
            assert order.price is not None
            if order.side == "bid" and order.price >= current:
                self._fill(order, current, order.remaining, maker=False)
            elif order.side == "ask" and order.price <= current:
                self._fill(order, current, order.remaining, maker=False)
            elif order.time_in_force in ("ioc", "fok"):
                self._release(order)
                order.state = "cancel"
                self._notify(order)
        elif order.side == "bid":  # price / best bid: spend the KRW total
            volume = ((order.price or ZERO) / current).quantize(VOLUME_STEP, rounding=ROUND_DOWN)
            if volume > 0:
                # Upbit ends a market buy in ``cancel``: what the floored volume did not use is refunded.
                self._fill(order, current, volume, maker=False, state="cancel")
            else:
                self._release(order)
                order.state = "cancel"
                self._notify(order)
        else:  # market / best ask
            self._fill(order, current, order.remaining, maker=False)

    def _fill(
        self, order: SimOrder, price: Decimal, volume: Decimal, maker: bool, state: str = "done"
    ) -> None:
        quote, base = order.market.split("-", 1)
        funds = price * volume
        fee = funds * self.fee_rate
        qb, bb = self._bal(order.access_key, quote), self._bal(order.access_key, base)
        if order.side == "bid":
            qb.locked -= order.locked
            qb.balance += order.locked - funds - fee  # the fee is charged on top; the rest is refunded
            held = bb.balance + bb.locked
            bb.avg_buy_price = (
                ((bb.avg_buy_price * held) + funds) / (held + volume) if held + volume else ZERO
            )
            bb.balance += volume
        else:
            bb.locked -= order.locked
            bb.balance += order.locked - volume
            qb.balance += funds - fee
        order.locked = ZERO
        order.executed += volume
        order.remaining = ZERO
        order.paid_fee += fee
        order.state = state
        # A taker buy lifts the offer (an up-tick), a taker sell hits the bid; a maker fill is the reverse.
        trend = "up" if (order.side == "bid") != maker else "down"
        order.trades.append(
            SimTrade(
                self._next_uuid(), price, volume, funds, fee, self.market.now(order.market), trend, maker
            )
        )
        self._notify(order)

    def _release(self, order: SimOrder) -> None:
        quote, base = order.market.split("-", 1)
        bal = self._bal(order.access_key, quote if order.side == "bid" else base)
        bal.locked -= order.locked
        bal.balance += order.locked
        order.locked = ZERO

    def _notify(self, order: SimOrder) -> None:
        # A snapshot: each announcement shows the order as it was at that step (wait, then done).
        self._dirty = True
        self._pending.append(replace(order, trades=list(order.trades)))


def _num(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise SimRejection(400, "validation_error", f"{name} 값이 올바르지 않습니다.") from exc
    if not number.is_finite() or number <= 0:
        raise SimRejection(400, "validation_error", f"{name} 값은 0보다 커야 합니다.")
    return number


def _check_order_shape(
    side: str, ord_type: str, price: Decimal | None, volume: Decimal | None, tif: Any
) -> None:
    """Price and volume as the order type needs them (a ``best`` order by its side), a side that fits the
    type, and a time in force for ``best``."""
    need = {
        "limit": (True, True),
        "price": (True, False),
        "market": (False, True),
        "best": (side == "bid", side == "ask"),
    }
    need_price, need_volume = need[ord_type]
    if (price is not None) != need_price or (volume is not None) != need_volume:
        raise SimRejection(400, f"create_{side}_error", "주문 유형에 맞지 않는 price/volume 조합입니다.")
    if ord_type == "price" and side != "bid" or ord_type == "market" and side != "ask":
        raise SimRejection(400, f"create_{side}_error", "주문 유형과 주문 방향이 맞지 않습니다.")
    if ord_type == "best" and tif not in ("ioc", "fok"):
        raise SimRejection(400, "validation_error", "최유리 주문은 time_in_force(ioc, fok)가 필요합니다.")


def _order_total(
    side: str, ord_type: str, price: Decimal | None, volume: Decimal | None, current: Decimal
) -> Decimal:
    """The order's KRW total (a volume order priced at the current price)."""
    return {
        "limit": (price or ZERO) * (volume or ZERO),
        "price": price or ZERO,
        "market": (volume or ZERO) * current,
        "best": (price or ZERO) if side == "bid" else (volume or ZERO) * current,
    }[ord_type]
