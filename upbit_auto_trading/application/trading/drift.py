"""The drift report: a shadow backtest of a finished (or running) session, trade by trade.

The backtest of the session's candles, with the session's strategy version, budget, fee and slippage, is
what the engine should have done; the journal is what it did. Each fill is keyed by (the candle in which it
happened, side, reason): a close-decided order fills in the candle after the one that decided it, an
intrabar exit in the candle where its level was reached. Unmatched rows on either side are the drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.signals import TriggerSource, resolve_triggers
from upbit_auto_trading.application.backtest.simulate import simulate
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.application.trading.ports import OrderJournal, SessionStore
from upbit_auto_trading.domain.backtest import BacktestSettings
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.journal import JournalState

_CLOSE_DECIDED = {"entry_signal", "pyramid", "scale_in", "exit_signal", "time_exit"}


@dataclass(frozen=True)
class DriftRow:
    time: str  # ISO start of the candle in which the fill happened
    side: str  # buy | sell
    reason: str
    backtest_price: Decimal | None = None
    live_price: Decimal | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.time, self.side, self.reason)


@dataclass
class MarketDrift:
    market: str
    matched: list[DriftRow] = field(default_factory=list)
    only_backtest: list[DriftRow] = field(default_factory=list)
    only_live: list[DriftRow] = field(default_factory=list)
    backtest_return: float | None = None

    @property
    def identical(self) -> bool:
        return not self.only_backtest and not self.only_live


@dataclass
class DriftReport:
    session_id: str
    markets: list[MarketDrift]

    @property
    def identical(self) -> bool:
        return all(m.identical for m in self.markets)

    def to_dict(self) -> dict[str, object]:
        def rows(items: list[DriftRow]) -> list[dict[str, object]]:
            return [{"time": r.time, "side": r.side, "reason": r.reason,
                     "backtest_price": r.backtest_price, "live_price": r.live_price} for r in items]  # fmt: skip

        return {
            "session": self.session_id,
            "identical": self.identical,
            "markets": [
                {"market": m.market, "matched": len(m.matched), "only_backtest": rows(m.only_backtest),
                 "only_live": rows(m.only_live), "trades": rows(m.matched)}  # fmt: skip
                for m in self.markets
            ],
        }


class ShadowBacktest:
    def __init__(
        self,
        sessions: SessionStore,
        journal: OrderJournal,
        strategies: StrategyRepository,
        triggers: TriggerSource,
        candles: CandleReader,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._strategies = strategies
        self._triggers = triggers
        self._candles = candles

    def execute(self, session_id: str) -> DriftReport:
        session = self._sessions.get(session_id)
        if session is None:
            raise ApplicationError(f"No trading session {session_id!r}; `trade status` lists them.")
        stored = self._strategies.get_version(session.strategy_id, session.strategy_version)
        if stored is None:
            raise ApplicationError(f"Strategy version {session.strategy_version} of {session.strategy_name} is gone.")
        conditions = resolve_triggers(self._triggers, stored.strategy)
        tf = Timeframe.from_code(session.timeframe)
        step = timedelta(seconds=tf.seconds or 86400)
        settings = BacktestSettings(initial_capital=session.budget_per_market, fee_rate=session.fee_rate,
                                    slippage_rate=session.slippage_rate)  # fmt: skip
        out = []
        for market in session.markets:
            first, last = session.first_candle.get(market), session.last_candle.get(market)
            drift = MarketDrift(market)
            out.append(drift)
            if not first or not last:
                continue
            # the session decided up to ``last``; the fills it caused happen up to the candle after it
            end = datetime.fromisoformat(last) + step
            window = load_window(self._candles, market, tf.code, datetime.fromisoformat(first), end)
            sim = simulate(stored.strategy, conditions, window, window.other_timeframes(self._candles), settings)
            backtest = [
                DriftRow(f.time.replace("Z", "+00:00"), f.side, f.reason, backtest_price=f.price)
                for f in sim.result.fills_list()
            ]
            drift.backtest_return = sim.result.metrics.total_return
            live = self._live_rows(session_id, market, step)
            pending = {r.key: r for r in live}
            for row in backtest:
                hit = pending.pop(row.key, None)
                if hit is None:
                    drift.only_backtest.append(row)
                else:
                    drift.matched.append(DriftRow(*row.key, backtest_price=row.backtest_price,
                                                  live_price=hit.live_price))  # fmt: skip
            drift.only_live = sorted(pending.values(), key=lambda r: r.key)
        return DriftReport(session_id, out)

    def _live_rows(self, session_id: str, market: str, step: timedelta) -> list[DriftRow]:
        rows = []
        fills = self._journal.fills(session_id)
        for order in self._journal.orders(session_id, market=market):
            if order.state is not JournalState.DONE or order.executed_volume <= 0 or "#" not in order.decided_bar:
                continue
            bar, reason = order.decided_bar.split("#", 1)
            when = datetime.fromisoformat(bar)
            if reason in _CLOSE_DECIDED:
                when += step
            mine = [f for f in fills if f.identifier == order.identifier]
            volume = sum((f.volume for f in mine), Decimal(0))
            price = sum((f.price * f.volume for f in mine), Decimal(0)) / volume if volume else None
            rows.append(DriftRow(when.isoformat(), "buy" if order.side.value == "bid" else "sell", reason,
                                 live_price=price))  # fmt: skip
        return rows
