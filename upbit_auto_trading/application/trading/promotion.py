"""The promotion check: a strategy's paper record, read before it may start live.

Only ``paper`` sessions count: they traded the real market as it came, on the paper account. A ``replay``
only repeats the backtest over stored candles (its drift is zero by construction), so replays are counted
apart and never make a record. For each paper session: how long it ran, how many orders filled, and its
drift report's totals (its shadow backtest); the record adds them up and says what to worry about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.application.trading.drift import ShadowBacktest, iso_utc, totals_dict
from upbit_auto_trading.application.trading.ports import OrderJournal, SessionStore
from upbit_auto_trading.domain.trading.drift import DriftPair, DriftTotals, add_pnl
from upbit_auto_trading.domain.trading.session import TradingMode, TradingSession

DAY_SECONDS = Decimal(86400)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    strategy_version: int
    state: str
    started_at: datetime
    stopped_at: datetime | None
    days: Decimal  # from its start to its stop (or now, running)
    trades: int  # orders with a fill
    totals: DriftTotals | None  # its drift report's totals; None when it could not be made
    problem: str = ""  # why there is no drift report

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.session_id, "strategy_version": self.strategy_version, "state": self.state,
            "started_at": iso_utc(self.started_at),
            "stopped_at": iso_utc(self.stopped_at) if self.stopped_at else None,
            "days": format(self.days, "f"), "trades": self.trades,
            "drift": totals_dict(self.totals) if self.totals else None, "problem": self.problem,
        }  # fmt: skip


@dataclass(frozen=True)
class PaperRecord:
    strategy: str
    strategy_id: int
    version: int  # the current version (the one a live start would run)
    paper: list[SessionRecord] = field(default_factory=list)
    replays: int = 0
    live: int = 0
    totals: DriftTotals | None = None  # over every paper session that has a drift report

    @property
    def never_on_paper(self) -> bool:
        return not self.paper

    @property
    def current_version_on_paper(self) -> bool:
        return any(s.strategy_version == self.version for s in self.paper)

    @property
    def days_run(self) -> Decimal:
        return sum((s.days for s in self.paper), Decimal(0))

    @property
    def trades(self) -> int:
        return sum(s.trades for s in self.paper)

    @property
    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.never_on_paper:
            out.append(f"{self.strategy} has never run on paper: run it on paper first (a replay does not "
                       "count: it only repeats the backtest)")  # fmt: skip
            return out
        if not self.current_version_on_paper:
            ran = ", ".join(str(v) for v in sorted({s.strategy_version for s in self.paper}))
            out.append(f"version {self.version} has not run on paper (the record is of version {ran})")
        if self.trades == 0:
            out.append("its paper sessions have not traded yet")
        if self.totals is not None and (self.totals.missed or self.totals.extra):
            out.append(f"its paper sessions drifted from their backtests: {self.totals.missed} missed and "
                       f"{self.totals.extra} extra trade(s) (see their drift reports)")  # fmt: skip
        problems = [s for s in self.paper if s.problem]
        if problems:
            out.append(f"{len(problems)} paper session(s) have no drift report: {problems[0].problem}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy, "strategy_id": self.strategy_id, "version": self.version,
            "never_on_paper": self.never_on_paper, "current_version_on_paper": self.current_version_on_paper,
            "paper_sessions": len(self.paper), "days_run": format(self.days_run, "f"), "trades": self.trades,
            "drift": totals_dict(self.totals) if self.totals else None, "replay_sessions": self.replays,
            "live_sessions": self.live, "warnings": self.warnings, "sessions": [s.to_dict() for s in self.paper],
        }  # fmt: skip


class PromotionCheck:
    """``execute(strategy name or id)`` -> ``PaperRecord``."""

    def __init__(
        self,
        sessions: SessionStore,
        journal: OrderJournal,
        strategies: StrategyRepository,
        drift: ShadowBacktest,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._strategies = strategies
        self._drift = drift
        self._clock = clock

    def execute(self, strategy: str) -> PaperRecord:
        stored = find_strategy(self._strategies, strategy)
        mine = [s for s in self._sessions.all() if s.strategy_id == stored.strategy_id]
        paper = sorted((s for s in mine if s.mode is TradingMode.PAPER), key=lambda s: s.started_at)
        records: list[SessionRecord] = []
        pairs: list[DriftPair] = []
        missed = extra = 0
        session_pnl: list[Decimal | None] = []
        backtest_pnl: list[Decimal | None] = []
        for s in paper:
            totals, problem = None, ""
            try:
                report = self._drift.of(s)
            except ApplicationError as exc:
                problem = str(exc)
            else:
                totals = report.totals
                pairs += report.pairs
                missed += totals.missed
                extra += totals.extra
                session_pnl.append(totals.session_pnl)
                backtest_pnl.append(totals.backtest_pnl)
            records.append(self._record(s, totals, problem))
        combined = (
            DriftTotals.of(pairs, missed, extra, add_pnl(session_pnl), add_pnl(backtest_pnl))
            if any(r.totals is not None for r in records) else None
        )  # fmt: skip
        return PaperRecord(
            strategy=stored.name, strategy_id=stored.strategy_id, version=stored.version, paper=records,
            replays=sum(1 for s in mine if s.mode is TradingMode.REPLAY),
            live=sum(1 for s in mine if s.mode is TradingMode.LIVE), totals=combined,
        )  # fmt: skip

    def _record(self, s: TradingSession, totals: DriftTotals | None, problem: str) -> SessionRecord:
        end = s.stopped_at or self._clock()
        days = (Decimal((end - s.started_at).total_seconds()) / DAY_SECONDS).quantize(CENT)
        filled = {f.identifier for f in self._journal.fills(s.session_id)}
        return SessionRecord(s.session_id, s.strategy_version, s.state.value, s.started_at, s.stopped_at,
                             max(days, Decimal(0)), len(filled), totals, problem)  # fmt: skip
