"""The report's charts of one run (and the overlay of compared runs), drawn from its analysis.

Every figure comes from ``RunAnalysis`` (domain/analysis): this module only chooses colours, titles, axis
formats and which drawdowns to shade. Colours follow the app: the strategy green, buy-and-hold grey,
drawdowns red, and gains red / losses blue (the Korean convention the charts of the app use).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from upbit_auto_trading.application.analysis.export_report import ReportRun
from upbit_auto_trading.domain.analysis.distributions import HistogramBin
from upbit_auto_trading.presentation.report.svg import (
    Band,
    Bar,
    Bin,
    ChartText,
    Line,
    bar_chart,
    histogram,
    time_chart,
)
from upbit_auto_trading.presentation.report.text import Texts, axis_money, percent, quote_of

STRATEGY = "#146e3c"
BUY_AND_HOLD = "#8c8c8c"
DRAWDOWN = "#c82828"
GAIN, LOSS, MIXED = "#c82828", "#1e5ac8", "#9a8fb0"  # rising red, falling blue; a bin across zero: both
ROLLING = "#6a3d9a"
EXPOSURE = "#e08a00"
PALETTE = ("#146e3c", "#1e5ac8", "#c82828", "#e08a00", "#6a3d9a", "#00897b", "#8d6e63", "#d81b60")


def _pct_axis(value: float) -> str:
    return percent(value, 0) if abs(value) >= 0.1 or value == 0 else percent(value, 1)


def equity_chart(run: ReportRun, t: Texts, *, log_y: bool = False) -> str:
    a = run.analysis
    quote = quote_of(a.market)
    lines = [Line(t("전략", "Strategy"), a.times, a.equity, STRATEGY, 1.8)]
    if a.buy_and_hold is not None:
        lines.append(
            Line(t("보유 전략", "Buy and hold"), a.times, a.buy_and_hold, BUY_AND_HOLD, 1.3, dashed=True)
        )
    scale = t(" · 로그 눈금", " · log scale") if log_y else ""
    text = ChartText(
        t(f"자산 대 보유 전략 ({quote}){scale}", f"Equity vs buy and hold ({quote}){scale}"),
        empty=t("자산 곡선이 없습니다", "No equity curve"),
        extra={"chart": "equity-log" if log_y else "equity"},
    )
    return time_chart(lines, text, axis_money, log_y=log_y)


def underwater_chart(run: ReportRun, t: Texts) -> str:
    """The drawdown curve, the five worst episodes shaded and numbered by depth (1 = the deepest)."""
    a = run.analysis
    times = a.times
    bands = []
    for rank, d in enumerate(a.worst_drawdowns, start=1):
        end = times[d.end] if d.end is not None else times[-1]
        bands.append(Band(float(times[d.start]), float(end), f"{rank}: {percent(d.depth, 1)}"))
    text = ChartText(
        t(
            "언더워터 (고점 대비 낙폭) · 최악의 낙폭 5개 음영",
            "Underwater (drawdown from the peak) · five worst shaded",
        ),
        empty=t("자산 곡선이 없습니다", "No equity curve"),
        legend=False,
        extra={"chart": "underwater"},
    )
    line = Line(t("낙폭", "Drawdown"), times, a.drawdown, DRAWDOWN, 1.2, fill_to=0.0)
    return time_chart([line], text, _pct_axis, bands=bands, height=240)


def rolling_sharpe_chart(run: ReportRun, t: Texts) -> str:
    a = run.analysis
    days = a.rolling_window_days
    text = ChartText(
        t(f"롤링 샤프 지수 ({days}일, 연환산)", f"Rolling Sharpe ratio ({days} days, annualised)"),
        empty=t(f"기간이 {days}일보다 짧습니다", f"The run is shorter than {days} days"),
        legend=False,
        extra={"chart": "rolling-sharpe"},
    )
    line = Line(t("샤프", "Sharpe"), a.rolling_days, a.rolling_sharpe, ROLLING, 1.4)
    return time_chart([line], text, lambda v: f"{v:,.1f}", zero_line=True, height=220)


def rolling_volatility_chart(run: ReportRun, t: Texts) -> str:
    a = run.analysis
    days = a.rolling_window_days
    text = ChartText(
        t(f"롤링 변동성 ({days}일, 연환산)", f"Rolling volatility ({days} days, annualised)"),
        empty=t(f"기간이 {days}일보다 짧습니다", f"The run is shorter than {days} days"),
        legend=False,
        extra={"chart": "rolling-volatility"},
    )
    line = Line(t("변동성", "Volatility"), a.rolling_days, a.rolling_volatility, ROLLING, 1.4)
    return time_chart([line], text, _pct_axis, height=220)


def exposure_chart(run: ReportRun, t: Texts) -> str:
    a = run.analysis
    text = ChartText(
        t("투자 비중 (포지션 가치 / 자산)", "Exposure (position value / equity)"),
        empty=t("캔들이 없어 알 수 없습니다", "Unknown: the run's candles are not stored"),
        legend=False,
        extra={"chart": "exposure"},
    )
    values = a.exposure if run.candles_known else np.empty(0)
    times = a.times if run.candles_known else np.empty(0)
    line = Line(t("비중", "Exposure"), times, values, EXPOSURE, 1.0, fill_to=0.0)
    return time_chart([line], text, _pct_axis, height=180)


def _bin_colour(lo: float, hi: float) -> str:
    if hi <= 0:
        return LOSS
    if lo >= 0:
        return GAIN
    return MIXED


def return_histogram_chart(run: ReportRun, t: Texts) -> str:
    bins = [
        Bin(b.low, b.high if b.high is not None else b.low, b.count, _bin_colour(b.low, b.high or b.low))
        for b in run.analysis.return_histogram
    ]
    if len(bins) == 1 and bins[0].lo == bins[0].hi:  # every trade returned the same: one visible bar
        half = abs(bins[0].lo) * 0.05 or 0.005
        bins = [Bin(bins[0].lo - half, bins[0].hi + half, bins[0].count, bins[0].colour)]
    text = ChartText(
        t("거래 수익률 분포 (청산된 거래)", "Trade return distribution (closed trades)"),
        empty=t("청산된 거래가 없습니다", "No closed trades"),
        x_label=t("거래 수익률", "return per trade"),
        extra={"chart": "trade-returns"},
    )
    return histogram(bins, text, lambda v: percent(v, 1))


def holding_label(b: HistogramBin, t: Texts) -> str:
    def short(seconds: float) -> str:
        if seconds >= 86400:
            return t(f"{seconds / 86400:g}일", f"{seconds / 86400:g}d")
        if seconds >= 3600:
            return t(f"{seconds / 3600:g}시간", f"{seconds / 3600:g}h")
        return t(f"{seconds / 60:g}분", f"{seconds / 60:g}m")

    if b.high is None:
        return f"≥ {short(b.low)}"
    if b.low == 0:
        return f"< {short(b.high)}"
    return f"{short(b.low)}–{short(b.high)}"


def holding_chart(run: ReportRun, t: Texts) -> str:
    bars = [Bar(holding_label(b, t), b.count, STRATEGY) for b in run.analysis.holding_histogram]
    text = ChartText(
        t("보유 시간 분포 (청산된 거래)", "Holding time (closed trades)"),
        empty=t("청산된 거래가 없습니다", "No closed trades"),
        x_label=t("진입 캔들 시작부터 청산 캔들 시작까지", "entry candle start to exit candle start"),
        extra={"chart": "holding"},
    )
    return bar_chart(bars, text)


def comparison_chart(runs: Sequence[ReportRun], t: Texts) -> str:
    """Each run's equity as a return on its own capital, so runs of different capitals share one axis."""
    lines = []
    for i, run in enumerate(runs):
        a = run.analysis
        growth = a.equity / a.start_equity - 1.0 if a.start_equity > 0 else np.full_like(a.equity, np.nan)
        lines.append(Line(f"#{run.run_id}", a.times, growth, PALETTE[i % len(PALETTE)], 1.5))
    text = ChartText(
        t(
            "누적 수익률 비교 (각 실행의 초기 자본 대비)",
            "Cumulative return compared (on each run's capital)",
        ),
        empty=t("자산 곡선이 없습니다", "No equity curves"),
        extra={"chart": "comparison"},
    )
    return time_chart(lines, text, _pct_axis, zero_line=True)
