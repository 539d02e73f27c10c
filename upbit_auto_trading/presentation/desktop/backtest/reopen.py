"""A stored run back in the backtest form: its settings as form text, and the status line saying what was
opened and what the form could not take over. No Qt."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from upbit_auto_trading.presentation.desktop.backtest.model import (
    RunForm,
    candle_end,
    decimal_or,
    kst,
    plain_number,
    utc,
)
from upbit_auto_trading.presentation.desktop.i18n import tr


def period_fields(data_start: str, data_end: str, timeframe: str) -> tuple[str, str]:
    """The From/To text (UTC) that selects exactly the run's candles: a bare date where the date alone
    means the same candles (the form reads a bare To date as the whole day), else date and time."""
    first, last = utc(data_start), utc(data_end)
    midnight = first.time() == datetime.min.time()
    start = first.strftime("%Y-%m-%d") if midnight else first.strftime("%Y-%m-%d %H:%M")
    next_midnight = datetime.combine(last.date() + timedelta(days=1), datetime.min.time(), UTC)
    whole_day = candle_end(data_end, timeframe) >= next_midnight  # no later candle starts that day
    end = last.strftime("%Y-%m-%d") if whole_day else last.strftime("%Y-%m-%d %H:%M")
    return start, end


def form_of_run(record: Any) -> RunForm:
    """The form that runs ``record`` (a BacktestRecord) again: strategy, series, period, capital, and the
    fee and slippage in percent per fill as the form takes them (fraction 0.0005 -> "0.05")."""
    settings: Mapping[str, Any] = record.settings or {}
    start, end = period_fields(record.data_start, record.data_end, record.timeframe)
    capital = decimal_or(settings.get("initial_capital"), "10000000")
    return RunForm(
        strategy=str(record.strategy.get("name", "")),
        market=record.market,
        timeframe=record.timeframe,
        start=start,
        end=end,
        capital=f"{capital.normalize():,f}",
        fee_pct=plain_number(decimal_or(settings.get("fee_rate"), "0") * 100),
        slippage_pct=plain_number(decimal_or(settings.get("slippage_rate"), "0") * 100),
    )


def _rules_on(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("tick_rounding", True)) and settings.get("min_order_total", "") is not None


def opened_status(
    stored: Any, strategy_hashes: Mapping[str, str], series: Collection[tuple[str, str]]
) -> str:
    """The status line for a reopened run (``stored``: a StoredRun): which run, its result, and each
    setting the form cannot reproduce. ``strategy_hashes``: content hash of each saved strategy by name;
    ``series``: the stored (market, timeframe) pairs."""
    rec, run_id = stored.record, stored.run_id
    name = str(rec.strategy.get("name", ""))
    m = rec.metrics
    ret, trades = f"{(m.get('total_return') or 0) * 100:,.2f}%", m.get("trades") or 0
    ran = kst(stored.meta.started_at)
    refused = int(m.get("refused_orders") or 0)
    text = tr(
        f"저장된 실행 #{run_id} ({ran} KST 실행): {ret}, {trades} 거래" + (f", 거부된 주문 {refused:,}건" if refused else ""),
        f"Stored run #{run_id} (ran {ran} KST): {ret}, {trades} trades" + (f", {refused:,} orders refused" if refused else ""),
    )  # fmt: skip
    # one short line each: every line of the status takes a row from the stored-runs list below it
    notes = []
    if name not in strategy_hashes:
        notes.append(tr(f"전략 '{name}'이 더 이상 없습니다", f"the strategy '{name}' is no longer saved"))
    elif strategy_hashes[name] != rec.strategy_hash:
        notes.append(tr("이후 전략이 수정됨: 실행하면 현재 버전을 씁니다",
                        "strategy edited since: Run uses its current version"))  # fmt: skip
    if (rec.market, rec.timeframe) not in series:
        notes.append(tr(f"{rec.market} {rec.timeframe} 캔들이 더 이상 없습니다",
                        f"no {rec.market} {rec.timeframe} candles stored any more"))  # fmt: skip
    if rec.market.upper().startswith("KRW-") and not _rules_on(rec.settings or {}):
        notes.append(tr("--no-exchange-rules로 실행됨 (이 화면에서는 설정 불가)",
                        "ran with --no-exchange-rules (not settable here)"))  # fmt: skip
    return text + "".join(f"\n⚠ {n}" for n in notes)
