"""Plain data of the backtest screen (no Qt): form values, list rows, the result to draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from upbit_auto_trading.domain.backtest.warnings import (
    BELOW_MINIMUM_OR_NOTHING,
    CAPITAL_BELOW_MINIMUM,
    SIZE_BELOW_MINIMUM,
    RunWarning,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.errors import UnknownTimeframeError
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.presentation.desktop.i18n import tr

KST = timezone(timedelta(hours=9), "KST")


def kst(iso_utc: str | None) -> str:
    if not iso_utc:
        return ""
    moment = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M")


def epoch(iso_utc: str) -> int:
    return int(datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def utc(iso_utc: str) -> datetime:
    return datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def candle_end(data_end: str, timeframe: str) -> datetime:
    """Where a run's last candle (starting at ``data_end``) ends, exclusive: its start plus the timeframe,
    months by the calendar. Two runs of other timeframes over the same days end at the same moment."""
    last = utc(data_end)
    try:
        tf = Timeframe.from_code(timeframe)
    except UnknownTimeframeError:
        return last
    if tf.seconds is not None:
        return last + timedelta(seconds=tf.seconds)
    year, month = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    return last.replace(year=year, month=month, day=1)


def decimal_or(value: Any, default: str) -> Decimal:
    """A stored setting as a finite Decimal, ``default`` when it is missing or not a number."""
    try:
        number = Decimal(str(value if value is not None else default))
    except InvalidOperation:
        number = Decimal(default)
    return number if number.is_finite() else Decimal(default)


def plain_number(number: Decimal) -> str:
    """0.0500 -> "0.05", 5E+1 -> "50": the shortest text that reads back as the same number."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class RunForm:
    strategy: str
    market: str
    timeframe: str
    start: str  # "YYYY-MM-DD" or "" (from the first stored candle)
    end: str
    capital: str
    fee_pct: str  # percent: 0.05 means 0.05 %
    slippage_pct: str


@dataclass(frozen=True)
class SeriesOption:
    market: str
    timeframe: str
    first: str
    last: str
    count: int


@dataclass(frozen=True)
class RunRow:
    """One stored run in the list: one line of short cells (see ``RUN_HEADERS``), the rest in the tooltip."""

    run_id: int
    cells: tuple[str, ...]  # "#3 RSI swing", "KRW-BTC 1h", "-17.33%", "-35.56%"
    detail: str  # tooltip: trades, period (KST), when it ran


RUN_HEADERS = (("실행", "Run"), ("시장", "Market"), ("수익률", "Return"), ("MDD", "MDD"))


@dataclass(frozen=True)
class QueueRow:
    """A waiting or running backtest in the queue (finished runs leave it)."""

    job_id: int
    label: str  # "#3 RSI swing"
    state: str  # "running" | "queued" | "cancelling"
    text: str  # market, timeframe and state: "KRW-BTC 1h · running 40% · simulating"
    progress: float  # 0..1 (0 while waiting)
    cancellable: bool


@dataclass(frozen=True)
class Marker:
    time: int  # epoch seconds of the candle the fill happened in
    price: float
    kind: str  # entry | add | partial_exit | exit


@dataclass(frozen=True, eq=False)
class ResultView:
    title: str
    start: np.ndarray
    candles: CandleArrays | None
    equity: np.ndarray
    buy_and_hold: np.ndarray | None
    drawdown: np.ndarray
    markers: list[Marker] = field(default_factory=list)
    fills: list[list[str]] = field(default_factory=list)  # rows of the trade (fill) table
    metrics: list[tuple[str, str]] = field(default_factory=list)
    run_id: int | None = None
    warnings: list[str] = field(default_factory=list)  # shown as a banner above the result


FILL_HEADERS = (
    ("시간 (KST)", "Time (KST)"), ("구분", "Side"), ("종류", "Kind"), ("가격", "Price"), ("수량", "Quantity"),
    ("수수료", "Fee"), ("사유", "Reason"), ("거래 #", "Trade #"),
)  # fmt: skip

_SIDE = {"buy": ("매수", "buy"), "sell": ("매도", "sell")}
_KIND = {"entry": ("진입", "entry"), "add": ("추가 매수", "add"), "partial_exit": ("부분 청산", "partial exit"),
         "exit": ("청산", "exit")}  # fmt: skip
_REASON = {
    "entry_signal": ("진입 신호", "entry signal"), "pyramid": ("물타기", "pyramid"), "scale_in": ("불타기", "scale-in"),
    "stop_loss": ("손절", "stop-loss"), "take_profit": ("익절", "take-profit"),
    "trailing_stop": ("트레일링 스탑", "trailing stop"), "partial_take_profit": ("부분 익절", "partial take-profit"),
    "exit_signal": ("청산 트리거", "exit trigger"), "time_exit": ("시간 청산", "time exit"),
}  # fmt: skip


def _label(table: dict[str, tuple[str, str]], key: str) -> str:
    pair = table.get(key)
    return tr(*pair) if pair else key


def _money(text: str) -> str:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return str(text)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4f}".rstrip("0").rstrip(".")


def fill_rows(fills: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [kst(f["time"]), _label(_SIDE, f["side"]), _label(_KIND, f["kind"]), _money(f["price"]), str(f["quantity"]),
         _money(f["fee"]), _label(_REASON, f["reason"]), str(f["trade_no"])]
        for f in fills
    ]  # fmt: skip


def markers_of(fills: list[dict[str, Any]]) -> list[Marker]:
    return [Marker(epoch(f["time"]), float(f["price"]), str(f["kind"])) for f in fills]


_METRICS = (
    ("total_return", "총 수익률", "Total return", "pct"), ("cagr", "연환산 수익률 (CAGR)", "CAGR", "pct"),
    ("volatility", "연 변동성", "Annual volatility", "pct"), ("sharpe", "샤프 지수", "Sharpe", "num"),
    ("sortino", "소르티노 지수", "Sortino", "num"), ("calmar", "칼마 지수", "Calmar", "num"),
    ("max_drawdown", "최대 낙폭 (MDD)", "Max drawdown", "pct"),
    ("max_drawdown_duration_bars", "MDD 기간 (캔들)", "Max drawdown duration (candles)", "int"),
    ("trades", "거래 수", "Trades", "int"), ("win_rate", "승률", "Win rate", "pct"),
    ("profit_factor", "손익비 (PF)", "Profit factor", "num"), ("average_win", "평균 수익", "Average win", "pct"),
    ("average_loss", "평균 손실", "Average loss", "pct"), ("expectancy", "기대값", "Expectancy", "pct"),
    ("sqn", "SQN", "SQN", "num"), ("exposure", "노출 비율", "Exposure", "pct"),
    ("average_holding_bars", "평균 보유 (캔들)", "Average holding (candles)", "num"),
    ("fees", "수수료 합계", "Fees paid", "money"), ("buy_and_hold_return", "보유 전략 수익률", "Buy-and-hold return", "pct"),
    ("final_equity", "최종 자산", "Final equity", "money"), ("refused_orders", "거부된 주문", "Refused orders", "int"),
)  # fmt: skip
METRIC_KEYS = tuple(m[0] for m in _METRICS)


def metric_label(key: str) -> str:
    for k, ko, en, _ in _METRICS:
        if k == key:
            return tr(ko, en)
    return key


def format_metric(key: str, value: Any) -> str:
    kind = next((m[3] for m in _METRICS if m[0] == key), "num")
    if value is None:
        return "-"
    if kind == "pct":
        return f"{float(value) * 100:,.2f}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return f"{float(value):,.0f}"
    return f"{float(value):,.3f}"


def metric_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    return [(metric_label(k), format_metric(k, metrics.get(k))) for k in METRIC_KEYS if k in metrics]


def _amount(text: Any) -> str:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return str(text)
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.8f}".rstrip("0").rstrip(".")


def warning_text(warning: RunWarning) -> str:
    """One run warning in the UI language: how many orders were refused, and why."""
    d, n = warning.detail, warning.count
    cur = d.get("currency", "KRW")
    minimum = f"{_amount(d.get('minimum_order'))} {cur}"
    if warning.reason == CAPITAL_BELOW_MINIMUM:
        why_ko = (
            f"초기 자본({_amount(d.get('capital'))} {cur})이 거래소 최소 주문 금액({minimum})보다 적습니다"
        )
        why_en = f"the starting capital ({_amount(d.get('capital'))} {cur}) is below the minimum order of {minimum}"
    elif warning.reason == SIZE_BELOW_MINIMUM:
        size = f"{_amount(d.get('order_size'))} {cur}"
        why_ko = f"진입 주문 금액({size})이 거래소 최소 주문 금액({minimum})보다 적습니다"
        why_en = f"the entry's order total ({size}) is below the minimum order of {minimum}"
    elif warning.reason == BELOW_MINIMUM_OR_NOTHING:
        why_ko = f"주문 금액이 최소 주문 금액({minimum})보다 적었거나 수량이 0으로 내림되었습니다"
        why_en = (
            f"their totals were below the minimum order of {minimum} or their quantities rounded to nothing"
        )
    else:
        why_ko = "주문 수량이 0으로 내림되었습니다"
        why_en = "their quantities rounded to nothing"
    return tr(f"⚠ 거부된 주문 {n:,}건: {why_ko}.",
              f"⚠ {n:,} order{'s' if n != 1 else ''} refused: {why_en}.")  # fmt: skip
