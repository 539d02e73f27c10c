"""The drift report's rules: a session's trades set beside the trades of its shadow backtest.

The backtest of the session's candles (same strategy version, budget per market, fee and slippage) is what
the engine should have done; the journal's filled orders are what it did. Rules:

- **Pairing.** A session trade pairs with a backtest trade of the same side whose candle is at most one
  candle away. The session trade's candle is the one its decision says it should fill in (a close-decided
  order fills in the candle after the one that decided it, an intrabar exit in the candle that reached its
  level), or, for an order without a decision (manual), the candle its first fill fell in. Closest first;
  a tie goes to the same reason.
- **Slippage** of a pair, positive = worse for the trader: a buy filled above the model's price, a sell
  below it. In KRW per coin, in KRW over the filled quantity, and in basis points of the model's price.
- **Missed** (the backtest traded, the session did not) and **extra** (the session traded, the backtest did
  not) trades carry the reason when one can be told from the journal, the refusals, the session's period
  and the stored candles.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from upbit_auto_trading.domain.market.candle_timing import floor_start, next_start
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.journal import JournalOrder, JournalState, OrderFill
from upbit_auto_trading.domain.trading.order import OrderSide
from upbit_auto_trading.domain.trading.refusal import OrderRefusal, RefusalKind

ZERO = Decimal(0)
BPS = Decimal(10000)
CENT = Decimal("0.01")
# the backtest's quantities are floats rounded to 8 decimals: their sum over a round trip may leave this
DUST = Decimal("0.00000001")

CLOSE_DECIDED = frozenset({"entry_signal", "pyramid", "scale_in", "exit_signal", "time_exit"})
"""Reasons decided on a candle's close and filled in the next candle (the rest are intrabar levels)."""
ADDS = frozenset({"pyramid", "scale_in"})


class DriftCode(Enum):
    ORDER_REFUSED = "order_refused"  # a risk limit, a block, the exchange (pre-check or reply)
    MIN_ORDER = "min_order"  # under the 5,000 KRW minimum, or not enough KRW to reach it
    NOT_FILLED = "not_filled"  # placed, and cancelled or still open without a fill
    CANDLE_MISSING = "candle_missing"  # a gap in the stored candles where the trade was decided
    STARTED_AFTER = "session_started_after"
    STOPPED_BEFORE = "session_stopped_before"
    NOT_DECIDED_YET = "not_decided_yet"  # a running session has not reached that candle
    MANUAL_ACTION = "manual_action"  # a user's order, stop-and-flatten or emergency stop
    WATCHDOG_ACTION = "watchdog_action"
    NO_POSITION = "no_position"  # an add or a sell with nothing held on that side
    POSITION_HELD = "position_held"  # an entry while that side still held a position
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DriftReason:
    code: DriftCode
    detail: str


# --- the two sides ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelTrade:
    """One fill of the shadow backtest."""

    time: datetime  # UTC start of the candle in which the backtest filled
    side: str  # buy | sell
    reason: str  # FillReason label
    price: Decimal
    quantity: Decimal
    fee: Decimal = ZERO
    trade_no: int = 0  # the backtest's round trip

    def decision_key(self, tf: Timeframe) -> str:
        """The journal's key of the decision that should have produced this fill."""
        return f"{decision_candle(tf, self.time, self.reason).isoformat()}#{self.reason}"


@dataclass(frozen=True)
class SessionTrade:
    """One order of the session with what filled of it (a market order may fill in several trades)."""

    identifier: str
    side: str  # buy | sell
    reason: str
    kind: str  # entry | add | partial_exit | exit | emergency ...
    filled_at: datetime  # the first fill
    price: Decimal  # volume-weighted over its fills
    quantity: Decimal
    fee: Decimal
    decided_bar: str = ""  # "<ISO candle>#<reason>" for the engine's decisions, "" for manual orders

    @classmethod
    def of(cls, order: JournalOrder, fills: Iterable[OrderFill]) -> SessionTrade | None:
        """The order as a trade, or None when nothing of it filled."""
        mine = sorted(
            (f for f in fills if f.identifier == order.identifier), key=lambda f: (f.at, f.trade_id)
        )
        quantity = sum((f.volume for f in mine), ZERO)
        if quantity <= 0:
            return None
        return cls(
            identifier=order.identifier,
            side="buy" if order.side is OrderSide.BID else "sell",
            reason=order.reason,
            kind=order.kind,
            filled_at=mine[0].at,
            price=sum((f.price * f.volume for f in mine), ZERO) / quantity,
            quantity=quantity,
            fee=sum((f.fee for f in mine), ZERO),
            decided_bar=order.decided_bar,
        )

    @property
    def by_watchdog(self) -> bool:
        return "watchdog" in self.reason.lower() or "watchdog" in self.kind.lower()

    @property
    def manual(self) -> bool:
        """Not one of the engine's decisions: a user's order, a stop-and-flatten, an emergency stop."""
        return self.kind == "emergency" or "#" not in self.decided_bar

    def candle(self, tf: Timeframe) -> datetime:
        """The candle the model would fill this order in (see the module's pairing rule)."""
        if "#" in self.decided_bar:
            bar, reason = self.decided_bar.split("#", 1)
            start = datetime.fromisoformat(bar)
            return next_start(tf, start) if reason in CLOSE_DECIDED else start
        return floor_start(tf, self.filled_at)


def previous_start(tf: Timeframe, start: datetime) -> datetime:
    return floor_start(tf, start - timedelta(seconds=1))


def decision_candle(tf: Timeframe, fill_candle: datetime, reason: str) -> datetime:
    """The candle whose close (or whose prices, for an intrabar level) decided a fill in ``fill_candle``."""
    return previous_start(tf, fill_candle) if reason in CLOSE_DECIDED else fill_candle


def candle_length(tf: Timeframe) -> timedelta:
    return timedelta(seconds=tf.seconds) if tf.seconds else timedelta(days=31)


# --- slippage ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slippage:
    """Positive = worse for the trader than the model's price."""

    per_unit: Decimal  # KRW per coin
    krw: Decimal  # over the session's filled quantity, to the 0.01 KRW
    bps: Decimal  # of the model's price, to 0.01 bp


def slippage(side: str, model_price: Decimal, fill_price: Decimal, quantity: Decimal) -> Slippage:
    per_unit = fill_price - model_price if side == "buy" else model_price - fill_price
    bps = (per_unit / model_price * BPS).quantize(CENT) if model_price > 0 else ZERO
    return Slippage(per_unit, (per_unit * quantity).quantize(CENT), bps)


# --- the comparison -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriftPair:
    model: ModelTrade
    session: SessionTrade
    slippage: Slippage

    @property
    def time(self) -> datetime:
        return self.model.time

    @property
    def side(self) -> str:
        return self.model.side

    @property
    def reason(self) -> str:
        return self.model.reason

    @property
    def reason_differs(self) -> bool:
        """E.g. the backtest's stop-loss and the session's take-profit in the same candle (the real order of
        prices decided)."""
        return self.model.reason != self.session.reason


@dataclass(frozen=True)
class MissedTrade:
    """The backtest traded; the session did not."""

    model: ModelTrade
    why: DriftReason


@dataclass(frozen=True)
class ExtraTrade:
    """The session traded; the backtest did not."""

    session: SessionTrade
    why: DriftReason


@dataclass(frozen=True)
class DriftContext:
    """What the explanations look at besides the trades themselves."""

    timeframe: Timeframe
    first_decided: datetime | None  # the session's first decided candle on this market
    last_decided: datetime | None  # its last decided candle (None: none yet)
    running: bool
    stopped_at: datetime | None = None
    stored: frozenset[datetime] = frozenset()  # starts of the stored candles of the period
    orders: Sequence[JournalOrder] = ()  # the session's journal entries on this market
    refusals: Sequence[OrderRefusal] = ()


@dataclass
class Comparison:
    pairs: list[DriftPair] = field(default_factory=list)
    missed: list[MissedTrade] = field(default_factory=list)
    extra: list[ExtraTrade] = field(default_factory=list)


def pair_trades(
    model: Sequence[ModelTrade], session: Sequence[SessionTrade], tf: Timeframe
) -> tuple[list[tuple[ModelTrade, SessionTrade]], list[ModelTrade], list[SessionTrade]]:
    """Pairs (in the backtest's order), unpaired backtest trades, unpaired session trades."""
    tolerance = candle_length(tf)
    keyed = sorted(((s.candle(tf), j) for j, s in enumerate(session)), key=lambda x: (x[0], x[1]))
    times = [t for t, _ in keyed]
    candidates: list[tuple[timedelta, bool, int, int]] = []
    for i, m in enumerate(model):
        lo = bisect.bisect_left(times, m.time - tolerance)
        hi = bisect.bisect_right(times, m.time + tolerance)
        for t, j in keyed[lo:hi]:
            s = session[j]
            if s.side == m.side:
                candidates.append((abs(t - m.time), s.reason != m.reason, i, j))
    candidates.sort()
    model_used: dict[int, int] = {}
    session_used: set[int] = set()
    for _, _, i, j in candidates:
        if i in model_used or j in session_used:
            continue
        model_used[i] = j
        session_used.add(j)
    pairs = [(model[i], session[model_used[i]]) for i in range(len(model)) if i in model_used]
    missed = [m for i, m in enumerate(model) if i not in model_used]
    extra = [s for j, s in enumerate(session) if j not in session_used]
    return pairs, missed, extra


def compare(
    model: Sequence[ModelTrade], session: Sequence[SessionTrade], context: DriftContext
) -> Comparison:
    tf = context.timeframe
    paired, missed, extra = pair_trades(model, session, tf)
    out = Comparison()
    out.pairs = [DriftPair(m, s, slippage(m.side, m.price, s.price, s.quantity)) for m, s in paired]
    explainer = _Explainer(model, session, missed, extra, context)
    out.missed = [MissedTrade(m, explainer.missed(m)) for m in missed]
    out.extra = [ExtraTrade(s, explainer.extra(s)) for s in extra]
    return out


# --- why a trade has no counterpart ----------------------------------------------------------------------------


def _held(
    trades: Iterable[tuple[datetime, str, Decimal]], start: datetime, end: datetime | None = None
) -> Decimal:
    """What was held at ``start``; with ``end``, what there was to sell during [start, end): the buys up to
    ``end`` count too (a live entry fills a moment after its candle opens, and a stop may follow it)."""
    held = ZERO
    for at, side, qty in trades:
        if side == "buy" and at < (end or start):
            held += qty
        elif side != "buy" and at < start:
            held -= qty
    return held


class _Explainer:
    def __init__(
        self,
        model: Sequence[ModelTrade],
        session: Sequence[SessionTrade],
        missed: Sequence[ModelTrade],
        extra: Sequence[SessionTrade],
        context: DriftContext,
    ) -> None:
        self._model = model
        self._session = session
        self._missed = missed
        self._extra = extra
        self._c = context
        self._tf = context.timeframe
        self._notes = self._notes_by_decision(context)

    @staticmethod
    def _notes_by_decision(context: DriftContext) -> dict[str, DriftReason]:
        """Decision key -> why it has no fill: a refusal, or an order that did not fill. In time order, so the
        latest word wins (a decision placed again after a restart keeps the outcome of its latest order)."""
        facts: list[tuple[datetime, DriftReason, str]] = []
        for r in context.refusals:
            code = (
                DriftCode.MIN_ORDER
                if r.kind in (RefusalKind.MIN_ORDER, RefusalKind.FUNDS)
                else DriftCode.ORDER_REFUSED
            )
            facts.append((r.at, DriftReason(code, r.detail), r.decided_bar))
        for o in context.orders:
            if not o.decided_bar or o.executed_volume > 0:
                continue
            if o.state is JournalState.REJECTED:
                why = DriftReason(DriftCode.ORDER_REFUSED, f"refused by the exchange: {o.error}")
            elif o.state is JournalState.NOT_PLACED:
                why = DriftReason(DriftCode.NOT_FILLED, f"the order never reached the exchange: {o.error}")
            elif o.state is JournalState.CANCELLED:
                why = DriftReason(DriftCode.NOT_FILLED, "the order was cancelled before any fill")
            elif not o.is_final:
                why = DriftReason(DriftCode.NOT_FILLED, f"the order is {o.state.value}, not filled yet")
            else:
                continue
            facts.append((o.updated_at, why, o.decided_bar))
        facts.sort(key=lambda f: f[0])
        return {key: why for _, why, key in facts}

    def _session_rows(self) -> list[tuple[datetime, str, Decimal]]:
        return [(s.filled_at, s.side, s.quantity) for s in self._session]

    def _model_rows(self) -> list[tuple[datetime, str, Decimal]]:
        return [(m.time, m.side, m.quantity) for m in self._model]

    def _period(self, decided: datetime) -> DriftReason | None:
        """A decision outside what the session decided."""
        c = self._c
        if c.first_decided is not None and decided < c.first_decided:
            return DriftReason(DriftCode.STARTED_AFTER,
                               f"the session started after that candle (its first is {c.first_decided:%Y-%m-%d %H:%M} UTC)")  # fmt: skip
        if c.last_decided is None or decided > c.last_decided:
            if c.running:
                return DriftReason(
                    DriftCode.NOT_DECIDED_YET, "the running session has not decided that candle yet"
                )
            when = f" at {c.stopped_at:%Y-%m-%d %H:%M} UTC" if c.stopped_at else ""
            return DriftReason(DriftCode.STOPPED_BEFORE, f"the session stopped{when}, before that candle")
        return None

    def missed(self, m: ModelTrade) -> DriftReason:
        tf = self._tf
        key = m.decision_key(tf)
        if key in self._notes:
            return self._notes[key]
        decided = decision_candle(tf, m.time, m.reason)
        outside = self._period(decided)
        if outside is not None:
            return outside
        if m.reason in CLOSE_DECIDED and self._c.stored and decided not in self._c.stored:
            return DriftReason(DriftCode.CANDLE_MISSING,
                               f"no stored candle at {decided:%Y-%m-%d %H:%M} UTC: the backtest decided on the candle "
                               "before the gap")  # fmt: skip
        if m.side == "sell" or m.reason in ADDS:
            if _held(self._session_rows(), m.time, next_start(tf, m.time)) <= DUST:
                return DriftReason(DriftCode.NO_POSITION, self._why_flat(m))
        elif _held(self._session_rows(), m.time) > DUST:
            return DriftReason(
                DriftCode.POSITION_HELD, "the session still held a position from an earlier trade"
            )
        return DriftReason(DriftCode.UNKNOWN, "no order was journaled for this decision (see the log)")

    def _why_flat(self, m: ModelTrade) -> str:
        entry = next(
            (x for x in self._missed if x.trade_no == m.trade_no and x.reason == "entry_signal"), None
        )
        if entry is not None and entry is not m:
            return f"the session held no position: it follows the missed entry of {entry.time:%Y-%m-%d %H:%M} UTC"
        sold = [s for s in self._extra if s.side == "sell" and s.filled_at < next_start(self._tf, m.time)]
        if sold:
            last = sold[-1]
            actor = "the watchdog" if last.by_watchdog else f"{last.reason or 'a manual order'}"
            return f"the session held no position: sold earlier by {actor} at {last.filled_at:%Y-%m-%d %H:%M} UTC"
        return "the session held no position then"

    def extra(self, s: SessionTrade) -> DriftReason:
        c = self._c
        if s.by_watchdog:
            return DriftReason(DriftCode.WATCHDOG_ACTION, f"placed by the watchdog ({s.reason})")
        if s.manual:
            return DriftReason(
                DriftCode.MANUAL_ACTION, f"not a decision of the strategy ({s.reason or s.kind})"
            )
        bar, reason = s.decided_bar.split("#", 1)
        decided = datetime.fromisoformat(bar)
        candle = s.candle(self._tf)
        if c.stored and (decided not in c.stored or candle not in c.stored):
            if c.running and (c.last_decided is None or candle > c.last_decided):
                return DriftReason(DriftCode.NOT_DECIDED_YET,
                                   f"the candle of {candle:%Y-%m-%d %H:%M} UTC has not closed yet: the backtest "
                                   "cannot see it")  # fmt: skip
            missing = decided if decided not in c.stored else candle
            return DriftReason(DriftCode.CANDLE_MISSING,
                               f"no stored candle at {missing:%Y-%m-%d %H:%M} UTC: the backtest never saw it")  # fmt: skip
        if s.side == "sell" or reason in ADDS:
            if _held(self._model_rows(), candle, next_start(self._tf, candle)) <= DUST:
                return DriftReason(DriftCode.NO_POSITION, "the backtest held no position then")
        elif _held(self._model_rows(), candle) > DUST:
            return DriftReason(
                DriftCode.POSITION_HELD, "the backtest still held a position from an earlier trade"
            )
        return DriftReason(DriftCode.UNKNOWN, "the backtest made no such trade")


# --- totals --------------------------------------------------------------------------------------------------


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return ((ordered[mid - 1] + ordered[mid]) / 2).quantize(CENT)


@dataclass(frozen=True)
class DriftTotals:
    pairs: int
    missed: int
    extra: int
    mean_bps: Decimal | None  # None: nothing paired
    median_bps: Decimal | None
    worst_bps: Decimal | None  # the highest (the worst for the trader)
    slippage_krw: Decimal
    session_pnl: Decimal | None  # realised + open P&L, marked at the last close of the period
    backtest_pnl: Decimal | None

    @property
    def pnl_difference(self) -> Decimal | None:
        """Session minus backtest: negative = the session made less than its backtest."""
        if self.session_pnl is None or self.backtest_pnl is None:
            return None
        return self.session_pnl - self.backtest_pnl

    @classmethod
    def of(
        cls,
        pairs: Sequence[DriftPair],
        missed: int,
        extra: int,
        session_pnl: Decimal | None,
        backtest_pnl: Decimal | None,
    ) -> DriftTotals:
        bps = [p.slippage.bps for p in pairs]
        return cls(
            pairs=len(pairs),
            missed=missed,
            extra=extra,
            mean_bps=(sum(bps, ZERO) / len(bps)).quantize(CENT) if bps else None,
            median_bps=_median(bps) if bps else None,
            worst_bps=max(bps) if bps else None,
            slippage_krw=sum((p.slippage.krw for p in pairs), ZERO),
            session_pnl=session_pnl,
            backtest_pnl=backtest_pnl,
        )


def add_pnl(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known values (None when none is known)."""
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None
