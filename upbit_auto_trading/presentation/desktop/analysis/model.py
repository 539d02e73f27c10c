"""What the analysis screen draws for one run, built from its ``RunAnalysis`` (domain/analysis). No Qt.

Curves stay numpy arrays (times in epoch seconds UTC, the charts write KST); tables are rows of text; the
heatmap keeps each cell's return beside its text so the view can colour it for the theme in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from upbit_auto_trading.domain.analysis.breakdowns import ENTRY_SIGNAL_LABEL, Bucket
from upbit_auto_trading.domain.analysis.distributions import HistogramBin
from upbit_auto_trading.domain.analysis.periodic import PeriodReturn, rolling_sharpe, rolling_volatility
from upbit_auto_trading.domain.analysis.run_analysis import RunAnalysis
from upbit_auto_trading.presentation.desktop.analysis.figures import (
    count,
    duration,
    money,
    pct,
    quote_of,
    ratio,
)
from upbit_auto_trading.presentation.desktop.backtest.model import kst as kst_text
from upbit_auto_trading.presentation.desktop.i18n import tr

WEEKDAYS = (
    ("월", "Mon"),
    ("화", "Tue"),
    ("수", "Wed"),
    ("목", "Thu"),
    ("금", "Fri"),
    ("토", "Sat"),
    ("일", "Sun"),
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EXIT_REASONS = {
    "stop_loss": ("손절", "Stop loss"),
    "take_profit": ("익절", "Take profit"),
    "trailing_stop": ("트레일링 스탑", "Trailing stop"),
    "partial_take_profit": ("부분 익절", "Partial take profit"),
    "exit_signal": ("청산 신호", "Exit signal"),
    "time_exit": ("시간 청산", "Time exit"),
}
ROLLING_WINDOWS = (30, 60, 90, 180, 365)  # days: the choices of the rolling Sharpe and volatility


@dataclass(frozen=True)
class Shade:
    """One of the worst drawdowns, shaded on the equity and underwater charts: from the peak it fell from to
    the recovery (or the end of the run while still under water)."""

    rank: int  # 1 = the deepest
    start: float
    trough: float
    end: float
    depth: float  # <= 0
    recovered: bool


@dataclass(frozen=True, eq=False)
class Bars:
    """A histogram: bar ``i`` spans ``left[i]``..``right[i]`` on the x axis; ``sign`` per bar (+1 gains, -1
    losses, 0 a bin across zero) picks its colour; ``ticks`` label categorical bars (empty: a number axis)."""

    left: np.ndarray
    right: np.ndarray
    height: np.ndarray
    sign: np.ndarray
    ticks: list[tuple[float, str]] = field(default_factory=list)
    x_label: str = ""


@dataclass(frozen=True)
class TaskState:
    """A long task's line: running or not, how far (None: busy without a measure) and what it is doing."""

    running: bool = False
    fraction: float | None = 0.0
    text: str = ""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric_from: int = 1  # columns from here on are right-aligned numbers
    signs: list[list[int]] = field(default_factory=list)  # per cell: +1 gain, -1 loss, 0 plain (colours)


@dataclass(frozen=True)
class Heatmap:
    """Monthly returns: one row per KST year (its 12 months, then the year's return)."""

    years: list[int]
    headers: list[str]  # the 12 months then "Year"
    values: list[list[float | None]]  # per year, 13 values (None: the run did not cover that month)
    texts: list[list[str]]
    scale: float  # the largest |monthly return|: full colour


@dataclass(frozen=True, eq=False)
class RunPanels:
    """Everything the analysis sub-tabs show for the run in focus."""

    run_id: int
    title: str
    notice: str  # "" or why some panels are empty (candles gone, no trade, too short for the window)
    quote: str
    times: np.ndarray
    equity: np.ndarray
    buy_and_hold: np.ndarray | None
    drawdown_pct: np.ndarray  # <= 0, in percent
    shades: list[Shade]
    worst_drawdowns: Table
    heatmap: Heatmap
    rolling_window_days: int
    rolling_days: np.ndarray
    rolling_sharpe: np.ndarray
    rolling_volatility_pct: np.ndarray
    returns: Bars  # trade returns, percent
    holding: Bars  # trades per holding-time bin
    exposure_pct: np.ndarray | None  # None when the closes are unknown
    breakdowns: list[tuple[str, Table]]  # (title, table) by exit reason, entry trigger, weekday, hour, month


def run_title(run_id: int, strategy: str, market: str, timeframe: str, start: str, end: str) -> str:
    return f"#{run_id} {strategy} | {market} {timeframe} | {kst_text(start)} ~ {kst_text(end)} KST"


def shades_of(a: RunAnalysis) -> list[Shade]:
    t = a.times
    if not len(t):
        return []
    out = []
    for rank, d in enumerate(a.worst_drawdowns, start=1):
        end = d.end if d.end is not None else len(t) - 1
        out.append(
            Shade(rank, float(t[d.start]), float(t[d.trough]), float(t[end]), d.depth, d.end is not None)
        )
    return out


def drawdown_table(shades: Sequence[Shade]) -> Table:
    def when(epoch: float) -> str:
        return kst_text(_iso(epoch))[:10]

    rows = [
        [str(s.rank), pct(s.depth), when(s.start), when(s.trough),
         when(s.end) if s.recovered else tr("회복 전", "not yet"), duration(s.end - s.start)]
        for s in shades
    ]  # fmt: skip
    headers = [tr("순위", "Rank"), tr("깊이", "Depth"), tr("고점 (KST)", "Peak (KST)"),
               tr("저점", "Trough"), tr("회복", "Recovered"), tr("기간", "Length")]  # fmt: skip
    return Table(headers, rows, numeric_from=1, signs=[[0, -1, 0, 0, 0, 0] for _ in rows])


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def heatmap_of(monthly: Sequence[PeriodReturn], yearly: Sequence[PeriodReturn]) -> Heatmap:
    years = sorted({p.year for p in monthly} | {p.year for p in yearly})
    values: list[list[float | None]] = []
    for year in years:
        row: list[float | None] = [None] * 13
        for p in monthly:
            if p.year == year and p.month is not None:
                row[p.month - 1] = p.ret
        row[12] = next((p.ret for p in yearly if p.year == year), None)
        values.append(row)
    texts = [["" if v is None else pct(v, 1) for v in row] for row in values]
    months = [abs(v) for row in values for v in row[:12] if v is not None]
    headers = [tr(f"{m}월", name) for m, name in enumerate(MONTHS, start=1)] + [tr("연간", "Year")]
    return Heatmap(years, headers, values, texts, max(months, default=0.0))


def return_bars(bins: Sequence[HistogramBin]) -> Bars:
    """Trade returns in percent, bars coloured by the side of zero they lie on."""
    left = np.array([b.low * 100 for b in bins], dtype=float)
    right = np.array([(b.high if b.high is not None else b.low) * 100 for b in bins], dtype=float)
    if len(bins) == 1 and left[0] == right[0]:  # every trade returned the same: a bar of visible width
        left, right = left - 0.05, right + 0.05
    sign = np.where(left >= 0, 1, np.where(right <= 0, -1, 0))
    return Bars(left, right, np.array([b.count for b in bins], dtype=float), sign,
                x_label=tr("거래 수익률 (%)", "Trade return (%)"))  # fmt: skip


def _edge(seconds: float) -> str:
    """A bin edge as the chart writes it under the bars: 0, 1h, 12h, 1d, 90d (short in both languages:
    eleven bins share half the chart's width)."""
    if seconds == 0:
        return "0"
    if seconds < 86400:
        return f"{seconds / 3600:g}h"
    return f"{seconds / 86400:g}d"


def holding_bars(bins: Sequence[HistogramBin]) -> Bars:
    """One bar per holding-time bin, the bin edges written between the bars (the bins are human steps, not
    equal widths: "1h" between the bar of trades under an hour and the bar of 1 to 4 hours)."""
    x = np.arange(len(bins), dtype=float)
    ticks = [(float(i) - 0.5, _edge(b.low)) for i, b in enumerate(bins)]
    return Bars(x - 0.45, x + 0.45, np.array([b.count for b in bins], dtype=float), np.zeros(len(bins)),
                ticks=ticks, x_label=tr("보유 기간 (h 시간, d 일)", "Holding time"))  # fmt: skip


def _group_label(title: str, bucket: Bucket) -> str:
    if title == "reason":
        ko, en = EXIT_REASONS.get(bucket.key, (bucket.label, bucket.label))
        return tr(ko, en)
    if title == "weekday":
        ko, en = WEEKDAYS[int(bucket.key)]
        return tr(ko, en)
    if title == "trigger" and bucket.key == ENTRY_SIGNAL_LABEL:
        return tr("진입 신호", "Entry signal")
    return bucket.label


def bucket_table(kind: str, first_header: str, buckets: Sequence[Bucket], quote: str) -> Table:
    rows, signs = [], []
    for b in buckets:
        rows.append([
            _group_label(kind, b), count(b.trades), pct(b.win_rate, 1), money(b.pnl, quote),
            pct(b.mean_return, 2, signed=True), ratio(b.profit_factor),
        ])  # fmt: skip
        signs.append([0, 0, 0, _sign(b.pnl), _sign(b.mean_return), 0])
    headers = [first_header, tr("거래", "Trades"), tr("승률", "Win %"), tr(f"손익 ({quote})", f"P&L ({quote})"),
               tr("평균", "Mean"), "PF"]  # fmt: skip
    return Table(headers, rows, numeric_from=1, signs=signs)


def _sign(value: float | None) -> int:
    if value is None or not np.isfinite(value) or value == 0:
        return 0
    return 1 if value > 0 else -1


def breakdown_tables(a: RunAnalysis, quote: str) -> list[tuple[str, Table]]:
    b = a.breakdowns
    return [
        (tr("청산 사유별", "By exit reason"), bucket_table("reason", tr("청산 사유", "Exit reason"), b.by_exit_reason, quote)),
        (tr("진입 트리거별", "By entry trigger"), bucket_table("trigger", tr("진입 트리거", "Entry trigger"), b.by_entry_trigger, quote)),
        (tr("요일별 (진입, KST)", "By weekday (entry, KST)"), bucket_table("weekday", tr("요일", "Weekday"), b.by_weekday, quote)),
        (tr("시간대별 (진입, KST)", "By hour (entry, KST)"), bucket_table("hour", tr("시간", "Hour"), b.by_hour, quote)),
        (tr("월별 (청산, KST)", "By month (exit, KST)"), bucket_table("month", tr("월", "Month"), b.by_month, quote)),
    ]  # fmt: skip


def rolling_of(a: RunAnalysis, window_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(day starts, Sharpe, volatility %) over ``window_days``: the analysis's own when the window is its."""
    if window_days == a.rolling_window_days:
        return a.rolling_days, a.rolling_sharpe, a.rolling_volatility * 100
    days, sharpe = rolling_sharpe(a.times, a.equity, window_days)
    _, vol = rolling_volatility(a.times, a.equity, window_days)
    return days, sharpe, vol * 100


def panels_of(run_id: int, title: str, a: RunAnalysis, *, window_days: int) -> RunPanels:
    """The panels of one analysed run; buy-and-hold and exposure only when the run's candles are known."""
    candles_known = a.buy_and_hold is not None
    quote = quote_of(a.market)
    shades = shades_of(a)
    days, sharpe, vol = rolling_of(a, window_days)
    notes = []
    if not candles_known:
        notes.append(tr("이 실행의 캔들이 삭제되었거나 바뀌었습니다: 보유 전략 비교와 노출 비율은 표시하지 않습니다.",
                        "This run's candles were deleted or changed: buy-and-hold and exposure are not shown."))  # fmt: skip
    if a.trades.closed == 0:
        notes.append(tr("청산된 거래가 없습니다: 거래 분포와 분해는 비어 있습니다.",
                        "No closed trade: the trade distributions and breakdowns are empty."))  # fmt: skip
    if not len(days):
        notes.append(tr(f"기간이 {window_days}일보다 짧아 이동 샤프 지수와 변동성을 그릴 수 없습니다.",
                        f"The run is shorter than {window_days} days: no rolling Sharpe or volatility."))  # fmt: skip
    exposure = a.exposure * 100 if candles_known else None
    return RunPanels(
        run_id=run_id,
        title=title,
        notice=" ".join(notes),
        quote=quote,
        times=a.times.astype(float),
        equity=a.equity,
        buy_and_hold=a.buy_and_hold,
        drawdown_pct=a.drawdown * 100,
        shades=shades,
        worst_drawdowns=drawdown_table(shades),
        heatmap=heatmap_of(a.monthly, a.yearly),
        rolling_window_days=window_days,
        rolling_days=days.astype(float),
        rolling_sharpe=sharpe,
        rolling_volatility_pct=vol,
        returns=return_bars(a.return_histogram),
        holding=holding_bars(a.holding_histogram),
        exposure_pct=exposure,
        breakdowns=breakdown_tables(a, quote),
    )
