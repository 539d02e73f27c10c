"""Everything the run analysis shows for one backtest run, computed once from its ``BacktestResult``.

Formulas: docs/analysis.md. Curves are per candle (aligned with ``times``), calendar figures per KST day,
month and year, trade figures over the closed round trips.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

import numpy as np

from upbit_auto_trading.domain.analysis.breakdowns import Breakdowns, breakdowns
from upbit_auto_trading.domain.analysis.distributions import (
    HistogramBin,
    exposure_timeline,
    holding_histogram,
    return_histogram,
)
from upbit_auto_trading.domain.analysis.periodic import (
    DrawdownPeriod,
    PeriodReturn,
    monthly_returns,
    rolling_sharpe,
    rolling_volatility,
    worst_drawdowns,
    yearly_returns,
)
from upbit_auto_trading.domain.analysis.returns import daily_closes, daily_returns
from upbit_auto_trading.domain.analysis.risk import DailyRisk
from upbit_auto_trading.domain.analysis.trade_stats import TradeStats, holding_seconds
from upbit_auto_trading.domain.backtest.fills import iso_utc
from upbit_auto_trading.domain.backtest.metrics import Metrics
from upbit_auto_trading.domain.backtest.result import BacktestResult

ROLLING_WINDOW_DAYS = 90
WORST_DRAWDOWNS = 5


@dataclass(frozen=True, eq=False)
class RunAnalysis:
    market: str
    timeframe: str
    start_equity: float
    final_equity: float
    metrics: Metrics  # the run's own metrics (per-candle annualisation, docs/backtest-model.md)
    # Per candle.
    times: np.ndarray  # candle starts, epoch seconds UTC
    equity: np.ndarray
    drawdown: np.ndarray  # <= 0
    buy_and_hold: np.ndarray | None  # None when the candles' closes are unknown
    exposure: np.ndarray  # position x close / equity
    # Per KST day, month, year.
    day_starts: np.ndarray
    daily: np.ndarray
    risk: DailyRisk
    monthly: list[PeriodReturn]
    yearly: list[PeriodReturn]
    worst_drawdowns: list[DrawdownPeriod]
    rolling_window_days: int
    rolling_days: np.ndarray
    rolling_sharpe: np.ndarray  # NaN where a window never moved
    rolling_volatility: np.ndarray
    # Closed trades.
    trades: TradeStats
    trade_returns: np.ndarray
    return_histogram: list[HistogramBin]
    holding_histogram: list[HistogramBin]
    breakdowns: Breakdowns

    def to_dict(self, *, series: bool = False) -> dict[str, Any]:
        """JSON-able summary: times ISO-8601 UTC, fractions as floats, non-finite numbers as None. With
        ``series`` the daily returns and rolling figures are included too (per-candle curves never are:
        a million points belong in a chart, not a document)."""
        out: dict[str, Any] = {
            "market": self.market,
            "timeframe": self.timeframe,
            "start_equity": self.start_equity,
            "final_equity": self.final_equity,
            "metrics": self.metrics.to_dict(),
            "risk": _plain(self.risk),
            "trades": _plain(self.trades),
            "monthly": [_plain(p) for p in self.monthly],
            "yearly": [_plain(p) for p in self.yearly],
            "worst_drawdowns": [self._drawdown(d) for d in self.worst_drawdowns],
            "return_histogram": [_plain(b) for b in self.return_histogram],
            "holding_histogram": [_plain(b) for b in self.holding_histogram],
            "breakdowns": _plain(self.breakdowns),
        }
        if series:
            out["daily"] = [
                {"day": iso_utc(int(t)), "return": _num(float(r))}
                for t, r in zip(self.day_starts.tolist(), self.daily.tolist(), strict=True)
            ]
            out["rolling"] = {
                "window_days": self.rolling_window_days,
                "points": [
                    {"day": iso_utc(int(t)), "sharpe": _num(float(s)), "volatility": _num(float(v))}
                    for t, s, v in zip(
                        self.rolling_days.tolist(),
                        self.rolling_sharpe.tolist(),
                        self.rolling_volatility.tolist(),
                        strict=True,
                    )
                ],
            }
        return out

    def _drawdown(self, d: DrawdownPeriod) -> dict[str, Any]:
        t = self.times
        return {
            "start": iso_utc(int(t[d.start])),
            "trough": iso_utc(int(t[d.trough])),
            "end": None if d.end is None else iso_utc(int(t[d.end])),
            "depth": d.depth,
            "start_index": d.start,
            "trough_index": d.trough,
            "end_index": d.end,
        }


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _plain(obj: Any) -> Any:
    """A dataclass (or list / dict of them) as JSON-able values, non-finite floats as None."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return _num(obj)
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    return obj


def analyse(
    result: BacktestResult,
    entry_groups: Sequence[tuple[str, np.ndarray]] | None = None,
    *,
    rolling_window_days: int = ROLLING_WINDOW_DAYS,
    worst_k: int = WORST_DRAWDOWNS,
) -> RunAnalysis:
    """The analysis of one run. ``entry_groups``: (label, boolean array over the run's candles) per entry
    group of the strategy, to attribute each trade to what opened it; None when unknown."""
    times = np.asarray(result.candles.start, dtype=np.int64)
    equity = np.asarray(result.equity, dtype=np.float64)
    close = np.asarray(result.candles.close, dtype=np.float64)
    known_close = close.shape[0] > 0 and bool(np.isfinite(close).all())
    day_starts, daily = daily_returns(times, equity)
    _, closes = daily_closes(times, equity)
    roll_days, roll_sharpe = rolling_sharpe(times, equity, rolling_window_days)
    _, roll_vol = rolling_volatility(times, equity, rolling_window_days)
    trades = result.trade_arrays
    closed = trades.closed
    rets = trades.return_[closed]
    return RunAnalysis(
        market=result.candles.market,
        timeframe=result.candles.timeframe,
        start_equity=result.start_equity,
        final_equity=result.final_equity,
        metrics=result.metrics,
        times=times,
        equity=equity,
        drawdown=result.drawdown,
        buy_and_hold=result.buy_and_hold if known_close else None,
        exposure=exposure_timeline(result.position, close, equity),
        day_starts=day_starts,
        daily=daily,
        risk=DailyRisk.of(daily, closes),
        monthly=monthly_returns(times, equity),
        yearly=yearly_returns(times, equity),
        worst_drawdowns=worst_drawdowns(times, equity, worst_k),
        rolling_window_days=rolling_window_days,
        rolling_days=roll_days,
        rolling_sharpe=roll_sharpe,
        rolling_volatility=roll_vol,
        trades=TradeStats.of(trades, times),
        trade_returns=rets,
        return_histogram=return_histogram(rets),
        holding_histogram=holding_histogram(holding_seconds(trades, times)),
        breakdowns=breakdowns(trades, times, entry_groups),
    )
