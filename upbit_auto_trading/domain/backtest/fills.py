"""Fills and round-trip trades: numpy columns for speed, frozen dataclasses (Decimal) for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from upbit_auto_trading.domain.backtest.codes import FillReason


def dec(x: float, places: int = 8) -> Decimal:
    """A float from the engine as a Decimal rounded to ``places`` decimals (trailing zeros dropped)."""
    d = Decimal(f"{x:.{places}f}")
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def iso_utc(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(int(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, eq=False)
class FillArrays:
    """All fills in time order. ``bar`` is the candle in which the fill happened."""

    bar: np.ndarray  # int64
    reason: np.ndarray  # int64 FillReason
    price: np.ndarray
    quantity: np.ndarray
    fee: np.ndarray
    trade_no: np.ndarray  # int64, 1-based round-trip number

    def __len__(self) -> int:
        return int(self.bar.shape[0])

    @property
    def is_buy(self) -> np.ndarray:
        return self.reason <= FillReason.SCALE_IN

    @classmethod
    def empty(cls) -> FillArrays:
        i = np.empty(0, dtype=np.int64)
        f = np.empty(0, dtype=np.float64)
        return cls(i, i.copy(), f, f.copy(), f.copy(), i.copy())


@dataclass(frozen=True)
class Fill:
    bar: int
    time: str  # ISO-8601 UTC start of the candle in which the fill happened
    side: str  # "buy" | "sell"
    kind: str  # "entry" | "add" | "partial_exit" | "exit"
    reason: str  # FillReason label
    price: Decimal
    quantity: Decimal
    fee: Decimal
    trade_no: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "bar": self.bar,
            "time": self.time,
            "side": self.side,
            "kind": self.kind,
            "reason": self.reason,
            "price": format(self.price, "f"),
            "quantity": format(self.quantity, "f"),
            "fee": format(self.fee, "f"),
            "trade_no": self.trade_no,
        }


def _kind(reason: FillReason) -> str:
    if reason is FillReason.ENTRY_SIGNAL:
        return "entry"
    if reason.is_buy:
        return "add"
    if reason is FillReason.PARTIAL_TAKE_PROFIT:
        return "partial_exit"
    return "exit"


def fills_list(fills: FillArrays, start: np.ndarray, final_position: float) -> list[Fill]:
    """Fills for display; ``final_position`` (quantity held after the last candle) tells whether the last
    round trip is still open."""
    out: list[Fill] = []
    n = len(fills)
    for k in range(n):
        reason = FillReason(int(fills.reason[k]))
        kind = _kind(reason)
        last_of_trade = k == n - 1 or fills.trade_no[k + 1] != fills.trade_no[k]
        if kind == "partial_exit" and last_of_trade and (k < n - 1 or final_position <= 0):
            kind = "exit"
        bar = int(fills.bar[k])
        out.append(
            Fill(
                bar=bar,
                time=iso_utc(int(start[bar])),
                side="buy" if reason.is_buy else "sell",
                kind=kind,
                reason=reason.label,
                price=dec(float(fills.price[k])),
                quantity=dec(float(fills.quantity[k])),
                fee=dec(float(fills.fee[k])),
                trade_no=int(fills.trade_no[k]),
            )
        )
    return out


@dataclass(frozen=True, eq=False)
class TradeArrays:
    """One row per round trip (entry through the last sell). Open trades have ``closed`` False and NaN exits."""

    trade_no: np.ndarray
    entry_bar: np.ndarray
    exit_bar: np.ndarray  # -1 when open
    entry_price: np.ndarray  # first buy
    average_entry_price: np.ndarray
    exit_price: np.ndarray  # quantity-weighted average of the sells
    quantity: np.ndarray  # total bought
    bought_total: np.ndarray  # sum of buy order totals (without fees)
    sold_total: np.ndarray
    fees: np.ndarray
    pnl: np.ndarray  # sold - bought - fees (open trades: NaN)
    return_: np.ndarray  # pnl / (bought + buy fees)
    exit_reason: np.ndarray  # FillReason of the last sell, 0 when open
    adds: np.ndarray
    closed: np.ndarray  # bool

    def __len__(self) -> int:
        return int(self.trade_no.shape[0])


def trade_arrays(fills: FillArrays, final_position: float) -> TradeArrays:
    """Round trips; every trade but the last is closed (one position at a time), the last one is closed
    when nothing is held after the last candle."""
    n = len(fills)
    if n == 0:
        z = np.empty(0, dtype=np.float64)
        zi = np.empty(0, dtype=np.int64)
        return TradeArrays(zi, zi, zi, z, z, z, z, z, z, z, z, z, zi, zi, np.empty(0, dtype=bool))
    tno = fills.trade_no
    starts = np.flatnonzero(np.r_[True, tno[1:] != tno[:-1]])
    ends = np.r_[starts[1:], n] - 1
    buy = fills.is_buy
    value = fills.price * fills.quantity
    buy_value = np.where(buy, value, 0.0)
    sell_value = np.where(buy, 0.0, value)
    buy_qty = np.where(buy, fills.quantity, 0.0)
    sell_qty = np.where(buy, 0.0, fills.quantity)
    buy_fee = np.where(buy, fills.fee, 0.0)
    bought = np.add.reduceat(buy_value, starts)
    sold = np.add.reduceat(sell_value, starts)
    qty_b = np.add.reduceat(buy_qty, starts)
    qty_s = np.add.reduceat(sell_qty, starts)
    fees = np.add.reduceat(fills.fee, starts)
    fees_b = np.add.reduceat(buy_fee, starts)
    n_buys = np.add.reduceat(buy.astype(np.int64), starts)
    closed = np.ones(starts.shape[0], dtype=bool)
    closed[-1] = final_position <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        exit_price = np.where(qty_s > 0, sold / np.where(qty_s > 0, qty_s, 1.0), np.nan)
        pnl = np.where(closed, sold - bought - fees, np.nan)
        ret = pnl / (bought + fees_b)
    return TradeArrays(
        trade_no=tno[starts].copy(),
        entry_bar=fills.bar[starts].copy(),
        exit_bar=np.where(closed, fills.bar[ends], -1),
        entry_price=fills.price[starts].copy(),
        average_entry_price=bought / qty_b,
        exit_price=np.where(closed, exit_price, np.nan),
        quantity=qty_b,
        bought_total=bought,
        sold_total=sold,
        fees=fees,
        pnl=pnl,
        return_=ret,
        exit_reason=np.where(closed, fills.reason[ends], 0),
        adds=n_buys - 1,
        closed=closed,
    )


@dataclass(frozen=True)
class Trade:
    """A round trip for display and storage; times ISO-8601 UTC, money as Decimal."""

    trade_no: int
    entry_time: str
    entry_price: Decimal
    average_entry_price: Decimal
    exit_time: str | None
    exit_price: Decimal | None
    quantity: Decimal
    fee: Decimal
    pnl: Decimal | None
    return_: float | None
    exit_reason: str | None
    adds: int
    entry_bar: int
    exit_bar: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "trade_no": self.trade_no,
            "entry_time": self.entry_time,
            "entry_price": format(self.entry_price, "f"),
            "average_entry_price": format(self.average_entry_price, "f"),
            "exit_time": self.exit_time,
            "exit_price": None if self.exit_price is None else format(self.exit_price, "f"),
            "quantity": format(self.quantity, "f"),
            "fee": format(self.fee, "f"),
            "pnl": None if self.pnl is None else format(self.pnl, "f"),
            "return": self.return_,
            "exit_reason": self.exit_reason,
            "adds": self.adds,
            "entry_bar": self.entry_bar,
            "exit_bar": self.exit_bar,
        }


def trades_list(t: TradeArrays, start: np.ndarray) -> list[Trade]:
    out: list[Trade] = []
    for k in range(len(t)):
        closed = bool(t.closed[k])
        out.append(
            Trade(
                trade_no=int(t.trade_no[k]),
                entry_time=iso_utc(int(start[int(t.entry_bar[k])])),
                entry_price=dec(float(t.entry_price[k])),
                average_entry_price=dec(float(t.average_entry_price[k])),
                exit_time=iso_utc(int(start[int(t.exit_bar[k])])) if closed else None,
                exit_price=dec(float(t.exit_price[k])) if closed else None,
                quantity=dec(float(t.quantity[k])),
                fee=dec(float(t.fees[k])),
                pnl=dec(float(t.pnl[k])) if closed else None,
                return_=float(t.return_[k]) if closed else None,
                exit_reason=FillReason(int(t.exit_reason[k])).label if closed else None,
                adds=int(t.adds[k]),
                entry_bar=int(t.entry_bar[k]),
                exit_bar=int(t.exit_bar[k]) if closed else None,
            )
        )
    return out
