"""What the Trading tab shows, read from the profile's databases: sessions with their P&L and risk state,
positions with the rules armed on them, open orders, recent fills, the manual-review list and the chart of
one market. Blocking reads: the desktop runs it off the GUI thread (after each batch of trading events).

The engine's memory (last prices, armed levels, risk state) comes in as ``LiveSession`` values read by the
desk on the engine's loop; a session this process does not follow is priced at its last stored close.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.trading.desk import ArmedRules, LiveSession
from upbit_auto_trading.application.trading.ports import OrderJournal, ReviewList, SessionStore
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.journal import JournalOrder, OrderFill
from upbit_auto_trading.domain.trading.position import position_from
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.domain.trading.session import TradingSession

ZERO = Decimal(0)
CHART_HISTORY = 120  # candles shown before a session's first decided candle
ENDED_SHOWN = 20  # ended sessions listed under the running ones


class OrderHistory(Protocol):
    def history(self, identifier: str) -> list[dict[str, Any]]:
        """Every recorded fact of one order, oldest first (``at``, ``state``, ``source``, ``detail``)."""
        ...


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    strategy: str
    mode: str
    timeframe: str
    markets: tuple[str, ...]
    state: str  # running | stopped | finished | halted
    followed: bool  # this process runs it now
    budget: Decimal
    used: Decimal  # KRW invested in its open positions (fees included)
    realized: Decimal
    unrealized: Decimal
    risk_state: str  # normal | caution | defense | halt ("" when not followed)
    risk_reason: str
    started_at: datetime
    note: str = ""
    error: str = ""


@dataclass(frozen=True)
class PositionRow:
    session_id: str
    market: str
    quantity: Decimal
    average_price: Decimal
    last_price: Decimal | None
    unrealized: Decimal | None
    armed: ArmedRules


@dataclass(frozen=True)
class OrderRow:
    identifier: str
    session_id: str
    market: str
    side: str  # bid | ask
    kind: str  # entry | add | partial_exit | exit | emergency
    reason: str
    state: str
    price: Decimal | None
    volume: Decimal | None
    executed_volume: Decimal
    created_at: datetime
    correlation_id: str


@dataclass(frozen=True)
class FillRow:
    trade_id: str
    identifier: str
    session_id: str
    market: str
    side: str
    kind: str
    price: Decimal
    volume: Decimal
    fee: Decimal
    at: datetime
    correlation_id: str


@dataclass(frozen=True)
class ChartMarker:
    time: float  # epoch seconds (the fill's market time)
    price: float
    kind: str  # entry | add | partial_exit | exit


@dataclass(frozen=True)
class ChartData:
    session_id: str
    market: str
    timeframe: str
    candles: CandleArrays
    markers: tuple[ChartMarker, ...]


@dataclass(frozen=True)
class DeskSnapshot:
    sessions: tuple[SessionRow, ...] = ()
    positions: tuple[PositionRow, ...] = ()
    open_orders: tuple[OrderRow, ...] = ()
    fills: tuple[FillRow, ...] = ()  # newest first
    review: tuple[ReviewItem, ...] = ()
    chart: ChartData | None = None


def _kind(order: JournalOrder | None) -> str:
    if order is None:
        return "exit"
    if order.kind in ("entry", "add", "partial_exit"):
        return order.kind
    return "exit"


class ReadTradingDesk:
    """``execute(live, chart=(session, market))`` -> ``DeskSnapshot``."""

    def __init__(
        self,
        sessions: SessionStore,
        journal: OrderJournal,
        review: ReviewList,
        candles: CandleReader,
        *,
        recent_fills: int = 200,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._review = review
        self._candles = candles
        self._recent = recent_fills

    def execute(
        self, live: Mapping[str, LiveSession], *, chart: tuple[str, str] | None = None
    ) -> DeskSnapshot:
        stored = self._sessions.all()
        running = [s for s in stored if s.is_running]
        ended = sorted((s for s in stored if not s.is_running), key=lambda s: s.started_at, reverse=True)
        shown = sorted(running, key=lambda s: s.started_at, reverse=True) + ended[:ENDED_SHOWN]
        rows: list[SessionRow] = []
        positions: list[PositionRow] = []
        orders: list[OrderRow] = []
        fills: list[FillRow] = []
        for s in shown:
            row, held = self._session(s, live.get(s.session_id))
            rows.append(row)
            positions += held
        for s in running:
            by_id = {o.identifier: o for o in self._journal.orders(s.session_id)}
            orders += [self._order(o) for o in by_id.values() if not o.is_final]
            fills += [
                self._fill(f, s.session_id, by_id.get(f.identifier))
                for f in self._journal.fills(s.session_id)
            ]
        fills.sort(key=lambda f: f.at, reverse=True)
        chart_data = self._chart(chart, {s.session_id: s for s in stored}) if chart else None
        return DeskSnapshot(
            sessions=tuple(rows), positions=tuple(positions),
            open_orders=tuple(sorted(orders, key=lambda o: o.created_at, reverse=True)),
            fills=tuple(fills[: self._recent]), review=tuple(self._review.items(open_only=True)), chart=chart_data,
        )  # fmt: skip

    def order_history(self, identifier: str) -> list[dict[str, Any]]:
        history = getattr(self._journal, "history", None)
        return list(history(identifier)) if callable(history) else []

    def resolve_review(self, item_id: int, note: str) -> ReviewItem:
        return self._review.resolve(item_id, note, datetime.now(UTC))

    # --- parts ---------------------------------------------------------------------------------------------

    def _last_close(self, s: TradingSession, market: str) -> Decimal | None:
        iso = s.last_candle.get(market)
        if not iso:
            return None
        moment = datetime.fromisoformat(iso)
        arrays = self._candles.load_arrays(market, s.timeframe, moment, moment)
        return Decimal(str(float(arrays.close[-1]))) if len(arrays) else None

    def _session(self, s: TradingSession, live: LiveSession | None) -> tuple[SessionRow, list[PositionRow]]:
        all_fills = self._journal.fills(s.session_id)
        realized = used = unrealized = ZERO
        held: list[PositionRow] = []
        for market in s.markets:
            pos = position_from(market, all_fills)
            realized += pos.realized
            if not pos.is_open:
                continue
            used += pos.invested
            market_live = live.markets.get(market) if live is not None else None
            last = market_live.last_price if market_live is not None else None
            if last is None:
                last = self._last_close(s, market)
            gain = pos.unrealized(last) if last is not None else None
            unrealized += gain or ZERO
            armed = market_live.armed if market_live is not None else ArmedRules()
            held.append(PositionRow(s.session_id, market, pos.quantity, pos.average_price, last, gain, armed))
        row = SessionRow(
            session_id=s.session_id, strategy=s.strategy_name, mode=s.mode.value, timeframe=s.timeframe,
            markets=s.markets, state=s.state.value, followed=live is not None, budget=s.budget, used=used,
            realized=realized, unrealized=unrealized, risk_state=live.risk_state if live is not None else "",
            risk_reason=live.risk_reason if live is not None else "", started_at=s.started_at, note=s.note,
            error=live.error if live is not None else "",
        )  # fmt: skip
        return row, held

    @staticmethod
    def _order(o: JournalOrder) -> OrderRow:
        return OrderRow(
            identifier=o.identifier, session_id=o.session_id, market=o.market, side=o.side.value, kind=o.kind,
            reason=o.reason, state=o.state.value, price=o.price, volume=o.volume, executed_volume=o.executed_volume,
            created_at=o.created_at, correlation_id=o.correlation_id,
        )  # fmt: skip

    @staticmethod
    def _fill(f: OrderFill, session_id: str, order: JournalOrder | None) -> FillRow:
        return FillRow(
            trade_id=f.trade_id, identifier=f.identifier, session_id=session_id, market=f.market,
            side=f.side.value, kind=_kind(order), price=f.price, volume=f.volume, fee=f.fee, at=f.at,
            correlation_id=order.correlation_id if order is not None else "",
        )  # fmt: skip

    def _chart(self, chart: tuple[str, str], sessions: Mapping[str, TradingSession]) -> ChartData | None:
        session_id, market = chart
        s = sessions.get(session_id)
        if s is None or market not in s.markets:
            return None
        tf = Timeframe.from_code(s.timeframe)
        step = timedelta(seconds=tf.seconds or 86400)
        first = s.first_candle.get(market)
        start = datetime.fromisoformat(first) - step * CHART_HISTORY if first else None
        last = s.last_candle.get(market)
        # the candle after the last decided one is where its orders filled: shown when it is stored
        end = datetime.fromisoformat(last) + step if last else None
        candles = self._candles.load_arrays(market, tf.code, start, end)
        if not first and len(candles) > CHART_HISTORY:
            candles = candles.slice(len(candles) - CHART_HISTORY, len(candles))
        by_id = {o.identifier: o for o in self._journal.orders(session_id, market=market)}
        markers = tuple(
            ChartMarker(f.at.timestamp(), float(f.price), _kind(by_id.get(f.identifier)))
            for f in self._journal.fills(session_id) if f.market == market
        )  # fmt: skip
        return ChartData(session_id, market, tf.code, candles, markers)


def chart_choice(sessions: Sequence[SessionRow], wanted: tuple[str, str] | None) -> tuple[str, str] | None:
    """The (session, market) to chart: the one asked for while it is listed, else the newest running one."""
    listed = {(s.session_id, m) for s in sessions for m in s.markets}
    if wanted is not None and wanted in listed:
        return wanted
    for s in sessions:
        if s.state == "running":
            return s.session_id, s.markets[0]
    return None
