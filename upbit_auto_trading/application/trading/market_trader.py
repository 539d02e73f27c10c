"""One market of one session: closed candles in, the backtest kernel's decisions, real orders out.

Per closed candle: signals (``SignalWindow``) -> one kernel step (``DecisionModel``) -> orders:
- a decision on this close (entry, add, exit signal, time exit) is placed now, as a market order; the
  model fills it at the next open, which is when a market order placed at the close fills in practice;
- an intrabar exit the model recorded inside this candle (stop, trailing stop, take-profit, partial) that
  the price watcher has not already executed is executed now.
Between closes, ``on_tick`` watches the price against the model's levels (Upbit has no stop orders), so a
stop fires when it is reached, not at the next close. Every order is placed through the ``OrderDesk``
(journal first), and a candle's decisions are keyed by (candle, reason) in the journal, so a restart that
re-decides a candle never places its orders twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Protocol

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.ports import (
    ClosedCandle,
    ExchangeError,
    ExchangePort,
    OrderRejected,
    PriceTick,
)
from upbit_auto_trading.application.trading.publisher import Publish
from upbit_auto_trading.application.trading.signal_window import SignalWindow
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.rules import EngineRules
from upbit_auto_trading.domain.market.candle_timing import floor_start
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.decision_model import DecisionModel, Levels, ModelStep
from upbit_auto_trading.domain.trading.events import CandleDecided, OrderRefusedByRisk
from upbit_auto_trading.domain.trading.journal import JournalOrder, JournalState
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.domain.trading.order_sizing import market_buy_total, partial_sell_volume
from upbit_auto_trading.domain.trading.refusal import OrderRefusal, RefusalKind
from upbit_auto_trading.domain.trading.session import TradingSession

log = logging.getLogger(__name__)
ZERO = Decimal(0)
MIN_TOTAL = Decimal(5000)

_KIND = {
    FillReason.ENTRY_SIGNAL: "entry",
    FillReason.PYRAMID: "add",
    FillReason.SCALE_IN: "add",
    FillReason.PARTIAL_TAKE_PROFIT: "partial_exit",
}


def kind_of(reason: FillReason) -> str:
    return _KIND.get(reason, "exit")


class RiskGate(Protocol):
    async def approve(self, session_id: str, market: str, kind: str, total_krw: Decimal) -> tuple[Decimal, str]:
        """The total allowed for a buy (0: refused, with the reason); exits are never asked."""
        ...


class EntryBlocks(Protocol):
    def blocked(self, market: str) -> str:
        """Why new entries are blocked on ``market`` ("" = they are not): manual review, warning..."""
        ...


class MarketWarnings:
    """New entries are refused on a market under Upbit's investment warning (``market_event.warning``).
    The exchange's list is read at most once per ``refresh`` of the session's clock (market time: a replay's
    candles, live the wall clock), shared by the session's markets. A failed read keeps the last list and is
    tried again at the next entry."""

    def __init__(
        self,
        exchange: ExchangePort,
        clock: Callable[[], datetime],
        refresh: timedelta = timedelta(seconds=60),
    ) -> None:
        self._exchange = exchange
        self._clock = clock
        self._refresh = refresh
        self._warned: frozenset[str] = frozenset()
        self._read_at: datetime | None = None

    async def blocked(self, market: str) -> str:
        now = self._clock()
        if self._read_at is None or not self._read_at <= now < self._read_at + self._refresh:
            try:
                self._warned = await self._exchange.warned_markets()
                self._read_at = now
            except ExchangeError as exc:
                log.warning("markets under warning could not be read (%s); using the last list", exc)
        if market in self._warned:
            return f"{market} is under Upbit's investment warning: no new entries there"
        return ""


AvailableKrw = Callable[[], Awaitable[Decimal]]


@dataclass
class TraderStatus:
    market: str
    last_candle: str = ""
    last_price: Decimal = ZERO
    levels: Levels | None = None
    decisions: int = 0


class MarketTrader:
    def __init__(
        self,
        session: TradingSession,
        market: str,
        rules: EngineRules,
        model: DecisionModel,
        signals: SignalWindow,
        desk: OrderDesk,
        *,
        available_krw: AvailableKrw,
        publish: Publish,
        risk: RiskGate | None = None,
        blocks: EntryBlocks | None = None,
        warnings: MarketWarnings | None = None,
    ) -> None:
        self.session = session
        self.market = market
        self.rules = rules
        self.model = model
        self.signals = signals
        self.desk = desk
        self._available = available_krw
        self._publish = publish
        self._risk = risk
        self._blocks = blocks
        self._warnings = warnings
        self.status = TraderStatus(market)
        self._levels: Levels | None = None
        self._partial_taken = False  # by the watcher, in the current model trade
        self._decided: dict[str, list[str]] | None = None  # decided_bar -> identifiers of its orders
        self._pending_levels: tuple[str, bool] | None = None  # a buy whose fill re-arms the levels
        self._tf = Timeframe.from_code(session.timeframe)

    def use_risk(self, risk: RiskGate) -> None:
        self._risk = risk

    # --- rebuilding after a restart ------------------------------------------------------------------------

    def replay_history(self, closed: list[ClosedCandle]) -> None:
        """Advance the model over candles already decided before a restart (no orders: the journal holds
        what was placed for them)."""
        sigs = self.signals.extend([c.candle for c in closed])
        for item, sig in zip(closed, sigs, strict=True):
            c = item.candle
            step = self.model.step(float(c.open), float(c.high), float(c.low), float(c.close), sig.entry, sig.exit)
            self._after_step(step, c.start.isoformat())

    def _after_step(self, step: ModelStep, iso: str) -> None:
        self._levels = step.levels
        self.status.levels = step.levels
        self.status.last_candle = iso
        if step.quantity <= 0 or any(f.reason is FillReason.ENTRY_SIGNAL for f in step.fills):
            self._partial_taken = False

    # --- the candle close ----------------------------------------------------------------------------------

    async def on_candle(self, closed: ClosedCandle) -> ModelStep:
        candle = closed.candle
        iso = candle.start.isoformat()
        sig = self.signals.append(candle)
        step = self.model.step(
            float(candle.open), float(candle.high), float(candle.low), float(candle.close), sig.entry, sig.exit
        )
        self.status.last_price = candle.close
        self.status.decisions += 1
        # 1. intrabar exits of the model inside this candle, not yet executed by the watcher
        for fill in step.fills:
            if not fill.close_decided and not fill.is_buy:
                await self._exit(fill.reason, decided_bar=f"{iso}#{fill.reason.label}")
        # 2. the decision on this close
        if step.decision is not None:
            await self._act(step.decision, iso)
        self._after_step(step, iso)
        await self._publish(
            CandleDecided(session_id=self.session.session_id, market=self.market, candle_start=iso,
                          close=str(candle.close), decision=step.decision.label if step.decision else "",
                          backfilled=closed.backfilled, source="trading"),
            EventPriority.LOW_LOGGING,
        )  # fmt: skip
        return step

    async def _act(self, reason: FillReason, iso: str) -> None:
        key = f"{iso}#{reason.label}"
        if reason.is_buy:
            await self._buy(reason, key)
        else:
            await self._exit(reason, decided_bar=key)

    def _already(self, decided_bar: str) -> bool:
        """The decision has an order (one that never reached the exchange does not count: a crash between
        its intent and its request must not lose the decision)."""
        if self._decided is None:  # built once from the journal, then kept by this trader's own orders
            self._decided = {}
            for o in self.desk.journal.orders(self.session.session_id, market=self.market):
                if o.decided_bar:
                    self._decided.setdefault(o.decided_bar, []).append(o.identifier)
        for identifier in self._decided.get(decided_bar, ()):
            entry = self.desk.journal.get(identifier)
            if entry is not None and entry.state is not JournalState.NOT_PLACED:
                return True
        return False

    async def _submit(self, request: OrderRequest, *, reason: str, kind: str, decided_bar: str) -> JournalOrder:
        entry = await self.desk.submit(self.session.session_id, request, reason=reason, kind=kind,
                                       decided_bar=decided_bar)  # fmt: skip
        if decided_bar and self._decided is not None:
            self._decided.setdefault(decided_bar, []).append(entry.identifier)
        return entry

    # --- buying --------------------------------------------------------------------------------------------

    def _wanted_total(self, reason: FillReason) -> Decimal:
        """The order total the kernel's sizing gives, from the session's own cash on this market."""
        fee = self.desk.fee_rate
        pos = self.desk.position(self.session.session_id, self.market)
        cash = self.session.budget_per_market - pos.spent
        if cash <= 0:
            return ZERO
        rules = self.rules
        if reason is FillReason.ENTRY_SIGNAL:
            if rules.sizing_fixed_amount is not None:
                return min(Decimal(str(rules.sizing_fixed_amount)), cash / (1 + fee))
            return cash * Decimal(str(rules.sizing_cash_fraction)) / (1 + fee)
        frac = rules.pyramid_size if reason is FillReason.PYRAMID else rules.scale_in_size
        return min(self._entry_cost() * Decimal(str(frac)), cash / (1 + fee))

    def _entry_cost(self) -> Decimal:
        """The first buy's order total of the current trade (adds are sized from it, as in the backtest)."""
        fills = [f for f in self.desk.journal.fills(self.session.session_id) if f.market == self.market]
        held = ZERO
        first = ZERO
        for fill in sorted(fills, key=lambda f: (f.at, f.trade_id)):
            if fill.side is OrderSide.BID:
                if held <= 0:
                    first = ZERO
                if first == 0 or held <= 0:
                    first += fill.funds
                held += fill.volume
            else:
                held -= fill.volume
        return first

    async def _buy(self, reason: FillReason, decided_bar: str) -> None:
        sid = self.session.session_id
        if self._already(decided_bar) or self._buy_ignored(reason):
            return
        if reason is FillReason.ENTRY_SIGNAL and await self._entry_blocked(decided_bar):
            return
        wanted = self._wanted_total(reason)
        if self._risk is not None and wanted > 0:
            wanted, why = await self._risk.approve(sid, self.market, kind_of(reason), wanted)
            if wanted <= 0:
                await self._refused(why, RefusalKind.RISK, decided_bar)
                return
        total = market_buy_total(wanted, await self._available(), self.desk.fee_rate, MIN_TOTAL)
        if total is None:
            kind = RefusalKind.MIN_ORDER if wanted < MIN_TOTAL else RefusalKind.FUNDS
            await self._refused(f"{reason.label}: order total {wanted:.0f} KRW is under the 5,000 KRW minimum or "
                                "more than the KRW available; not placed", kind, decided_bar)  # fmt: skip
            return
        request = OrderRequest(self.market, OrderSide.BID, OrderType.PRICE, price=total)
        if await self._exchange_refuses(request, reason, decided_bar):
            return
        entry = await self._submit(request, reason=reason.label, kind=kind_of(reason), decided_bar=decided_bar)
        self._pending_levels = (entry.identifier, reason is FillReason.ENTRY_SIGNAL)

    def _buy_ignored(self, reason: FillReason) -> bool:
        """A buy that does not fit the position (logged, not a refusal): an entry while a position or an
        order is open, or an add to a position that is not held."""
        sid = self.session.session_id
        pos = self.desk.position(sid, self.market)
        if reason is FillReason.ENTRY_SIGNAL and (pos.is_open or self.desk.unfinished(sid, self.market)):
            log.info("%s: entry signal while a position or an order is open; ignored", self.market)
            return True
        if reason is not FillReason.ENTRY_SIGNAL and not pos.is_open:
            # the model adds to a position the engine does not hold (its entry was refused by a risk limit,
            # a warning or a review item): an add must never open a position
            log.info("%s: %s for a position that is not held; ignored", self.market, reason.label)
            return True
        return False

    async def _entry_blocked(self, decided_bar: str) -> bool:
        """A blocked market or an exchange warning refuses a new entry (noted as a refusal)."""
        if self._blocks is not None:
            why = self._blocks.blocked(self.market)
            if why:
                await self._refused(why, RefusalKind.BLOCKED, decided_bar)
                return True
        if self._warnings is not None:
            why = await self._warnings.blocked(self.market)
            if why:
                await self._refused(why, RefusalKind.WARNING, decided_bar)
                return True
        return False

    async def _exchange_refuses(self, request: OrderRequest, reason: FillReason, decided_bar: str) -> bool:
        """Upbit's /v1/orders/test: a buy the exchange would refuse (market offline after maintenance, under
        its minimum...) is not journaled or sent; exits skip this (they must always be tried). A pre-check
        that cannot be made does not stop the buy."""
        try:
            await self.desk.exchange.check(request)
        except OrderRejected as exc:
            await self._refused(f"{reason.label}: the exchange would refuse this buy ({exc.name or exc}); not placed",
                                RefusalKind.EXCHANGE, decided_bar)  # fmt: skip
            return True
        except ExchangeError as exc:
            log.warning("%s: order pre-check unavailable (%s); placing anyway", self.market, exc)
        return False

    async def _refused(self, why: str, kind: RefusalKind, decided_bar: str) -> None:
        log.warning("%s %s: %s", self.session.session_id, self.market, why)
        try:  # a note for the drift report: it must never stop the session
            self.desk.journal.record_refusal(
                OrderRefusal(self.session.session_id, self.market, decided_bar, kind, why, datetime.now(UTC))
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("%s: the refusal could not be noted (%s)", self.market, exc)
        await self._publish(
            OrderRefusedByRisk(session_id=self.session.session_id, market=self.market, reason=why, source="trading"),
            EventPriority.HIGH_SAFETY,
        )

    # --- selling -------------------------------------------------------------------------------------------

    async def _exit(self, reason: FillReason, decided_bar: str) -> JournalOrder | None:
        sid = self.session.session_id
        if decided_bar and self._already(decided_bar):
            return None
        if any(o.side is OrderSide.ASK for o in self.desk.unfinished(sid, self.market)):
            return None  # a sell is already on its way
        pos = self.desk.position(sid, self.market)
        if not pos.is_open:
            return None
        if reason is FillReason.PARTIAL_TAKE_PROFIT:
            volume = partial_sell_volume(pos.quantity, Decimal(str(self.rules.partial_sell)) * 100)
            if volume is None or volume >= pos.quantity:
                volume = pos.quantity
        else:
            volume = pos.quantity.quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)
        if volume is None or volume <= 0:
            return None
        request = OrderRequest(self.market, OrderSide.ASK, OrderType.MARKET, volume=volume)
        return await self._submit(request, reason=reason.label, kind=kind_of(reason), decided_bar=decided_bar)

    async def flatten(self, reason: str = "stop") -> JournalOrder | None:
        """Sell the whole position at market (a user's stop-and-flatten or the emergency stop)."""
        sid = self.session.session_id
        pos = self.desk.position(sid, self.market)
        if not pos.is_open:
            return None
        volume = pos.quantity.quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)
        request = OrderRequest(self.market, OrderSide.ASK, OrderType.MARKET, volume=volume)
        return await self.desk.submit(sid, request, reason=reason, kind="emergency")

    # --- between closes: the levels watcher ----------------------------------------------------------------

    def _arm_after_buy(self) -> None:
        """Once the buy decided on the last close has filled, guard the rest of its candle with the levels
        the kernel will use (computed from the real average price)."""
        if self._pending_levels is None:
            return
        identifier, entry = self._pending_levels
        order = self.desk.journal.get(identifier)
        if order is None or not order.is_final:
            return
        self._pending_levels = None
        pos = self.desk.position(self.session.session_id, self.market)
        fills = [f for f in self.desk.journal.fills(identifier=identifier)]
        if not pos.is_open or not fills:
            return
        last = fills[-1].price
        self._levels = self.model.levels_after_buy(float(pos.average_price), float(last), entry=entry)
        if entry:
            self._partial_taken = False
        self.status.levels = self._levels

    async def on_tick(self, tick: PriceTick) -> None:
        self.status.last_price = tick.price
        self._arm_after_buy()
        lv = self._levels
        if lv is None:
            return
        price = float(tick.price)
        forming = self._forming_candle(tick)
        if lv.stop is not None and lv.stop_reason is not None and price <= lv.stop:
            await self._exit(lv.stop_reason, decided_bar=f"{forming}#{lv.stop_reason.label}")
            return
        if lv.partial is not None and not self._partial_taken and price >= lv.partial:
            self._partial_taken = True
            await self._exit(FillReason.PARTIAL_TAKE_PROFIT, decided_bar=f"{forming}#partial_take_profit")
        if lv.take_profit is not None and price >= lv.take_profit:
            await self._exit(FillReason.TAKE_PROFIT, decided_bar=f"{forming}#take_profit")

    def _forming_candle(self, tick: PriceTick) -> str:
        """The ISO start of the candle the tick falls in (the key of intrabar decisions, like the model's)."""
        return floor_start(self._tf, tick.at).isoformat()
