"""The text of ``analysis show`` and ``analysis compare`` (the --json documents come from the use cases).

Run periods are written in UTC like every CLI time; calendar figures (days, months, weekdays, hours) are
KST and say so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.analysis.compare_runs import RunComparison
from upbit_auto_trading.application.backtest.ports import StoredRun
from upbit_auto_trading.domain.analysis.breakdowns import Bucket
from upbit_auto_trading.domain.analysis.distributions import HistogramBin
from upbit_auto_trading.domain.analysis.run_analysis import RunAnalysis
from upbit_auto_trading.domain.backtest.fills import iso_utc

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _pct(x: float | None, places: int = 2) -> str:
    return "-" if x is None else f"{x * 100:.{places}f}%"


def _num(x: float | None, places: int = 2) -> str:
    return "-" if x is None else f"{x:,.{places}f}"


def duration(seconds: float | None) -> str:
    """``3d 4h``, ``5h 30m``, ``45m``."""
    if seconds is None:
        return "-"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"


def _bucket_lines(title: str, buckets: list[Bucket]) -> list[str]:
    if not buckets:
        return []
    lines = [f"  {title}", f"    {'':<28}{'trades':>7}{'win':>9}{'P&L':>16}{'mean ret':>10}{'PF':>7}"]
    for b in buckets:
        label = b.label if len(b.label) <= 28 else b.label[:27] + "…"
        lines.append(
            f"    {label:<28}{b.trades:>7}{_pct(b.win_rate, 1):>9}{b.pnl:>16,.0f}"
            f"{_pct(b.mean_return):>10}{_profit_factor(b):>7}"
        )
    return lines


def _profit_factor(b: Bucket) -> str:
    """``inf`` for a bucket of winners only (no loss to divide by)."""
    return "inf" if b.profit_factor is None and b.wins else _num(b.profit_factor)


def _holding_label(b: HistogramBin) -> str:
    return (
        f"{duration(b.low)}+" if b.high is None else f"{duration(b.low) if b.low else '0'}-{duration(b.high)}"
    )


def _monthly_lines(a: RunAnalysis) -> list[str]:
    if not a.monthly:
        return []
    yearly = {y.year: y.ret for y in a.yearly}
    grid: dict[int, dict[int, float]] = {}
    for m in a.monthly:
        grid.setdefault(m.year, {})[m.month or 0] = m.ret
    lines = ["monthly returns (KST):", "  year " + "".join(f"{name:>8}" for name in _MONTHS) + f"{'year':>9}"]
    for year, months in grid.items():
        cells = "".join(f"{_pct(months[i], 1) if i in months else '':>8}" for i in range(1, 13))
        lines.append(f"  {year} {cells}{_pct(yearly.get(year), 1):>9}")
    return lines


def analysis_text(stored: StoredRun, a: RunAnalysis) -> str:
    rec = stored.record
    m, r, t = a.metrics, a.risk, a.trades
    lines = [
        f"run {stored.run_id}: {stored.strategy_name} on {a.market} {a.timeframe}, {rec.data_start} .. "
        f"{rec.data_end} ({rec.candle_count} candles)",
        f"  start {a.start_equity:,.0f} -> final {a.final_equity:,.0f}: {_pct(m.total_return)}"
        f" (buy and hold {_pct(m.buy_and_hold_return) if a.buy_and_hold is not None else '-'}),"
        f" max drawdown {_pct(m.max_drawdown)}, exposure {_pct(m.exposure, 1)}",
        f"daily returns ({r.days} KST days, 365-day year):",
        f"  sharpe {_num(r.sharpe)}  sortino {_num(r.sortino)}  volatility {_pct(r.volatility)}"
        f"  omega {_num(r.omega)}  ulcer index {_pct(r.ulcer_index)}",
        f"  VaR 95% {_pct(r.var_95)}  CVaR 95% {_pct(r.cvar_95)}  best day {_pct(r.best_day)}"
        f"  worst day {_pct(r.worst_day)}  positive days {_pct(r.positive_days, 1)}",
        f"  skew {_num(r.skew)}  kurtosis {_num(r.kurtosis)}  probabilistic Sharpe ratio (SR > 0) {_pct(r.psr, 1)}",
        f"trades ({t.closed} closed, {t.wins} won, {t.losses} lost):",
        f"  win rate {_pct(m.win_rate, 1)}  profit factor {_num(m.profit_factor)}  expectancy {_pct(m.expectancy)}"
        f" = {_num(t.expectancy_pnl, 0)} per trade  payoff {_num(t.payoff_ratio)}  SQN {_num(t.sqn)}",
        f"  longest streaks: {t.longest_win_streak} wins, {t.longest_loss_streak} losses; holding mean "
        f"{duration(t.average_holding_seconds)}, median {duration(t.median_holding_seconds)}, longest "
        f"{duration(t.longest_holding_seconds)}",
    ]
    if a.holding_histogram and t.closed:
        lines.append(
            "  holding times: "
            + ", ".join(f"{_holding_label(b)} {b.count}" for b in a.holding_histogram if b.count)
        )
    if a.worst_drawdowns:
        lines.append("worst drawdowns (peak -> trough -> recovered):")
        for i, d in enumerate(a.worst_drawdowns, 1):
            end = "not recovered" if d.end is None else iso_utc(int(a.times[d.end]))
            lines.append(
                f"  {i}. {_pct(d.depth):>8}  {iso_utc(int(a.times[d.start]))} -> "
                f"{iso_utc(int(a.times[d.trough]))} -> {end}"
            )
    lines += _monthly_lines(a)
    b = a.breakdowns
    if t.closed:
        lines.append("breakdowns (closed trades; weekday and hour of the entry, month of the exit, KST):")
        lines += _bucket_lines("by exit reason", b.by_exit_reason)
        lines += _bucket_lines("by entry trigger", b.by_entry_trigger)
        lines += _bucket_lines("by weekday", b.by_weekday)
        lines += _bucket_lines("by hour", b.by_hour)
        lines += _bucket_lines("by month", b.by_month)
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _metric(metrics: dict[str, Any], key: str, percent: bool) -> str:
    value = metrics.get(key)
    if value is None:
        return "-"
    return _pct(value) if percent else _num(value) if isinstance(value, float) else str(value)


def comparison_text(c: RunComparison) -> str:
    lines = []
    for r in c.runs:
        version = "" if r.strategy_version is None else f" v{r.strategy_version}"
        flag = "  ⚠ other period" if r.period_flagged else ""
        lines.append(f"run {r.run_id}: {r.strategy_name}{version} on {r.market} {r.timeframe}{flag}")
        lines.append(
            f"  period {r.data_start} .. {r.period_end} ({r.candle_count} candles)  data {r.data_hash[:12]}"
            f"  strategy {r.strategy_hash[:12]}  engine {r.engine_version}"
        )
        lines.append(
            f"  capital {r.initial_capital.normalize():,f}  fee {_rate(r.fee_rate)}  slippage "
            f"{_rate(r.slippage_rate)}  final {r.final_equity:,.0f}"
        )
        mm = r.metrics
        lines.append(
            f"  return {_metric(mm, 'total_return', True)}  cagr {_metric(mm, 'cagr', True)}  sharpe "
            f"{_metric(mm, 'sharpe', False)}  max drawdown {_metric(mm, 'max_drawdown', True)}  trades "
            f"{_metric(mm, 'trades', False)}  win rate {_metric(mm, 'win_rate', True)}  profit factor "
            f"{_metric(mm, 'profit_factor', False)}"
        )
    if c.periods.differ:
        odd = ", ".join(str(r.run_id) for r in c.runs if r.period_flagged)
        lines.append(
            f"⚠ the runs cover {c.periods.distinct} different periods (flagged: {odd}); returns over "
            "different periods are not directly comparable"
        )
    return "\n".join(lines)


def _rate(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"
