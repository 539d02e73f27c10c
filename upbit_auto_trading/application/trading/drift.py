"""The drift report: the shadow backtest of a finished or running session, trade by trade.

For each market of the session the backtest runs on the candles stored in market data over the candles the
session decided (plus the one after the last, where its orders fill), with the session's strategy version,
budget per market as capital, fee and slippage. Its trades are set beside the session's filled orders by the
rules of ``domain/trading/drift.py``: pairs with their slippage, missed and extra trades with their reason,
and the totals (slippage, and the P&L of both marked at the last close of the period).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.signals import TriggerSource, resolve_triggers
from upbit_auto_trading.application.backtest.simulate import simulate
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.application.trading.ports import OrderJournal, SessionStore
from upbit_auto_trading.domain.backtest import BacktestSettings
from upbit_auto_trading.domain.backtest.fills import Fill, dec
from upbit_auto_trading.domain.market.candle_timing import next_start
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trading.drift import (
    DriftContext,
    DriftPair,
    DriftTotals,
    ExtraTrade,
    MissedTrade,
    ModelTrade,
    SessionTrade,
    add_pnl,
    compare,
)
from upbit_auto_trading.domain.trading.journal import JournalOrder, OrderFill
from upbit_auto_trading.domain.trading.position import position_from
from upbit_auto_trading.domain.trading.refusal import OrderRefusal
from upbit_auto_trading.domain.trading.session import TradingSession
from upbit_auto_trading.domain.trigger.condition import TradingCondition

CENT = Decimal("0.01")


def iso_utc(moment: datetime) -> str:
    """ISO-8601 UTC with a Z (microseconds only when there are any)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass
class MarketDrift:
    market: str
    pairs: list[DriftPair] = field(default_factory=list)
    missed: list[MissedTrade] = field(default_factory=list)
    extra: list[ExtraTrade] = field(default_factory=list)
    totals: DriftTotals = field(default_factory=lambda: DriftTotals.of([], 0, 0, None, None))
    period: tuple[datetime, datetime] | None = None  # first and last candle of the backtest
    note: str = ""  # why nothing could be compared (no decided candle yet, no stored candles)

    @property
    def identical(self) -> bool:
        return not self.missed and not self.extra

    def to_dict(self) -> dict[str, Any]:
        return {
            "market": self.market,
            "period": {"from": iso_utc(self.period[0]), "to": iso_utc(self.period[1])}
            if self.period
            else None,
            "note": self.note,
            "identical": self.identical,
            "matched": len(self.pairs),
            "totals": totals_dict(self.totals),
            "pairs": [pair_dict(p) for p in self.pairs],
            "missed": [missed_dict(m) for m in self.missed],
            "extra": [extra_dict(e) for e in self.extra],
        }


@dataclass
class DriftReport:
    session: TradingSession
    markets: list[MarketDrift]
    generated_at: datetime

    @property
    def session_id(self) -> str:
        return self.session.session_id

    @property
    def identical(self) -> bool:
        return all(m.identical for m in self.markets)

    @property
    def pairs(self) -> list[DriftPair]:
        return [p for m in self.markets for p in m.pairs]

    @property
    def totals(self) -> DriftTotals:
        return DriftTotals.of(
            self.pairs,
            sum(len(m.missed) for m in self.markets),
            sum(len(m.extra) for m in self.markets),
            add_pnl(m.totals.session_pnl for m in self.markets),
            add_pnl(m.totals.backtest_pnl for m in self.markets),
        )

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "session": s.session_id,
            "strategy": s.strategy_name,
            "strategy_version": s.strategy_version,
            "mode": s.mode.value,
            "state": s.state.value,
            "timeframe": s.timeframe,
            "budget": _num(s.budget),
            "fee_rate": _num(s.fee_rate),
            "slippage_rate": _num(s.slippage_rate),
            "generated_at": iso_utc(self.generated_at),
            "identical": self.identical,
            "totals": totals_dict(self.totals),
            "markets": [m.to_dict() for m in self.markets],
        }


def totals_dict(t: DriftTotals) -> dict[str, Any]:
    return {
        "pairs": t.pairs, "missed": t.missed, "extra": t.extra, "slippage_mean_bps": _num(t.mean_bps),
        "slippage_median_bps": _num(t.median_bps), "slippage_worst_bps": _num(t.worst_bps),
        "slippage_krw": _num(t.slippage_krw), "session_pnl_krw": _num(t.session_pnl),
        "backtest_pnl_krw": _num(t.backtest_pnl), "pnl_difference_krw": _num(t.pnl_difference),
    }  # fmt: skip


def pair_dict(p: DriftPair) -> dict[str, Any]:
    return {
        "time": iso_utc(p.model.time), "filled_at": iso_utc(p.session.filled_at), "side": p.side,
        "reason": p.model.reason, "session_reason": p.session.reason, "quantity": _num(p.session.quantity),
        "model_quantity": _num(p.model.quantity), "model_price": _num(p.model.price),
        "fill_price": _num(p.session.price), "slippage_per_unit_krw": _num(p.slippage.per_unit),
        "slippage_krw": _num(p.slippage.krw), "slippage_bps": _num(p.slippage.bps),
        "identifier": p.session.identifier,
    }  # fmt: skip


def missed_dict(m: MissedTrade) -> dict[str, Any]:
    t = m.model
    return {
        "time": iso_utc(t.time), "side": t.side, "reason": t.reason, "model_quantity": _num(t.quantity),
        "model_price": _num(t.price), "why": m.why.code.value, "detail": m.why.detail,
    }  # fmt: skip


def extra_dict(e: ExtraTrade) -> dict[str, Any]:
    t = e.session
    return {
        "time": iso_utc(t.filled_at), "filled_at": iso_utc(t.filled_at), "side": t.side, "reason": t.reason,
        "quantity": _num(t.quantity), "fill_price": _num(t.price), "identifier": t.identifier,
        "why": e.why.code.value, "detail": e.why.detail,
    }  # fmt: skip


class ShadowBacktest:
    """The drift report use case: ``execute(session_id)`` -> ``DriftReport``."""

    def __init__(
        self,
        sessions: SessionStore,
        journal: OrderJournal,
        strategies: StrategyRepository,
        triggers: TriggerSource,
        candles: CandleReader,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._strategies = strategies
        self._triggers = triggers
        self._candles = candles
        self._clock = clock

    def execute(self, session_id: str) -> DriftReport:
        session = self._sessions.get(session_id)
        if session is None:
            raise NotFoundError(f"No trading session {session_id!r}; `trade status --all` lists them.")
        return self.of(session)

    def of(self, session: TradingSession) -> DriftReport:
        stored = self._strategies.get_version(session.strategy_id, session.strategy_version)
        if stored is None:
            raise NotFoundError(
                f"Version {session.strategy_version} of strategy {session.strategy_name!r} is gone: its session "
                "cannot be backtested again."
            )
        sid = session.session_id
        record = _SessionRecord(
            session=session,
            strategy=stored.strategy,
            conditions=resolve_triggers(self._triggers, stored.strategy),
            tf=Timeframe.from_code(session.timeframe),
            settings=BacktestSettings(
                initial_capital=session.budget_per_market,
                fee_rate=session.fee_rate,
                slippage_rate=session.slippage_rate,
            ),
            orders=self._journal.orders(sid),
            fills=self._journal.fills(sid),
            refusals=self._journal.refusals(sid),
        )
        return DriftReport(session, [self._market_drift(record, m) for m in session.markets], self._clock())

    def _market_drift(self, record: _SessionRecord, market: str) -> MarketDrift:
        """One market's backtest over the candles the session decided, set beside the session's trades."""
        session, tf, settings = record.session, record.tf, record.settings
        drift = MarketDrift(market)
        first, last = session.first_candle.get(market), session.last_candle.get(market)
        if not first or not last:
            drift.note = "the session has not decided a candle of this market yet"
            return drift
        first_at, last_at = datetime.fromisoformat(first), datetime.fromisoformat(last)
        # the session decided up to ``last``; the orders it placed then fill in the candle after it
        try:
            window = load_window(self._candles, market, tf.code, first_at, next_start(tf, last_at))
        except ApplicationError as exc:
            drift.note = str(exc)
            return drift
        sim = simulate(
            record.strategy, record.conditions, window, window.other_timeframes(self._candles), settings
        )
        mine = [o for o in record.orders if o.market == market]
        trades = [t for t in (SessionTrade.of(o, record.fills) for o in mine) if t is not None]
        context = DriftContext(
            timeframe=tf, first_decided=first_at, last_decided=last_at, running=session.is_running,
            stopped_at=session.stopped_at,
            stored=frozenset(datetime.fromtimestamp(int(x), UTC) for x in window.candles.start),
            orders=mine, refusals=[r for r in record.refusals if r.market == market],
        )  # fmt: skip
        comparison = compare(_model_trades(sim.result.fills_list()), trades, context)
        tested = window.tested
        mark = dec(float(tested.close[-1]))
        position = position_from(market, record.fills)
        drift.pairs, drift.missed, drift.extra = comparison.pairs, comparison.missed, comparison.extra
        drift.period = (datetime.fromtimestamp(int(tested.start[0]), UTC),
                        datetime.fromtimestamp(int(tested.start[-1]), UTC))  # fmt: skip
        drift.totals = DriftTotals.of(
            comparison.pairs,
            len(comparison.missed),
            len(comparison.extra),
            (position.realized + position.unrealized(mark)).quantize(CENT),
            (dec(sim.result.final_equity) - settings.initial_capital).quantize(CENT),
        )
        return drift


@dataclass(frozen=True)
class _SessionRecord:
    """What the drift report of one session reads once, for all of its markets."""

    session: TradingSession
    strategy: Strategy
    conditions: dict[str, TradingCondition]
    tf: Timeframe
    settings: BacktestSettings
    orders: list[JournalOrder]
    fills: list[OrderFill]
    refusals: list[OrderRefusal]


def _model_trades(fills: list[Fill]) -> list[ModelTrade]:
    """The backtest's fills as the trades the session is compared with."""
    return [
        ModelTrade(
            datetime.fromisoformat(f.time.replace("Z", "+00:00")),
            f.side,
            f.reason,
            f.price,
            f.quantity,
            f.fee,
            f.trade_no,
        )
        for f in fills
    ]
