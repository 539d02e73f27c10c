"""The comparison table of stored runs: one row per run with what it was run with (market, period, capital,
fee, slippage) and its metrics; runs over another period than the rest are flagged. No Qt.

Returns over different periods are not comparable (a bull year against a bear year says nothing about the
strategies), so the table says so instead of leaving it to the period column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from upbit_auto_trading.application.analysis import compare_runs
from upbit_auto_trading.presentation.desktop.backtest.model import (
    METRIC_KEYS,
    decimal_or,
    format_metric,
    kst,
    metric_label,
    plain_number,
)
from upbit_auto_trading.presentation.desktop.i18n import tr

PERIOD_COLUMN = 1


@dataclass(frozen=True)
class Comparison:
    headers: list[str]  # column headers
    run_ids: list[int]
    run_labels: list[str]  # one per row: "#3 RSI swing"
    rows: list[list[str]]  # one per run, under ``headers``
    flags: list[str]  # one per row: why its period is flagged, "" when it is not
    notice: str = ""  # the line above the table when the periods differ
    period_column: int = PERIOD_COLUMN


def headers() -> list[str]:
    return [
        tr("시장", "Market"), tr("기간 (KST)", "Period (KST)"), tr("초기 자본", "Capital"),
        tr("수수료 (체결당)", "Fee (per fill)"), tr("슬리피지", "Slippage"),
    ] + [metric_label(k) for k in METRIC_KEYS]  # fmt: skip


def period_text(record: Any) -> str:
    return f"{kst(record.data_start)} ~ {kst(record.data_end)}"


def period_key(record: Any) -> tuple[int, int]:
    """The time a run covers, from its first candle's start to its last candle's end: a 1h and a 1d run
    over the same days cover the same time although their last candles start at different hours."""
    return compare_runs.period_key(record.data_start, record.data_end, record.timeframe)


def _capital(record: Any) -> str:
    quote = record.market.split("-")[0] if "-" in record.market else ""
    value = decimal_or((record.settings or {}).get("initial_capital"), "0")
    return f"{value.normalize():,f} {quote}".strip()


def _percent(record: Any, key: str) -> str:
    return plain_number(decimal_or((record.settings or {}).get(key), "0") * 100) + "%"


def _row(record: Any) -> list[str]:
    values = {**record.metrics, "final_equity": record.final_equity}
    return [
        f"{record.market} {record.timeframe}", period_text(record), _capital(record),
        _percent(record, "fee_rate"), _percent(record, "slippage_rate"),
    ] + [format_metric(k, values.get(k)) for k in METRIC_KEYS]  # fmt: skip


def _flags(stored: Sequence[Any]) -> tuple[list[str], str]:
    """Why each run's period is flagged, and the notice above the table. When one period is shared by more
    runs than any other, the runs outside it are flagged; when none is, every run is."""
    keys = [period_key(s.record) for s in stored]
    check = compare_runs.check_periods(keys)
    if not check.differ:
        return ["" for _ in stored], ""
    common = check.common
    common_text = "" if common is None else period_text(stored[keys.index(common)].record)
    not_comparable = tr("기간이 다르면 수익률을 그대로 비교할 수 없습니다.",
                        "Returns over different periods are not directly comparable.")  # fmt: skip
    flags = []
    for s, key in zip(stored, keys, strict=True):
        mine = f"{period_text(s.record)} KST ({s.record.candle_count:,}" + tr("개 캔들)", " candles)")
        if key == common:
            flags.append("")
        elif common is not None:
            flags.append(tr(f"⚠ 다른 실행과 기간이 다릅니다: {mine}, 다른 실행은 {common_text} KST. ",
                            f"⚠ Another period than the other runs: {mine}; they cover {common_text} KST. ")
                         + not_comparable)  # fmt: skip
        else:
            flags.append(tr(f"⚠ 실행마다 기간이 다릅니다. 이 실행: {mine}. ",
                            f"⚠ The runs cover different periods. This one: {mine}. ") + not_comparable)  # fmt: skip
    odd = ", ".join(f"#{s.run_id}" for s, f in zip(stored, flags, strict=True) if f)
    if common is not None:
        notice = tr(f"⚠ 기간이 다른 실행: {odd} (나머지는 {common_text} KST). ",
                    f"⚠ Different period: {odd} (the others cover {common_text} KST). ") + not_comparable  # fmt: skip
    else:
        notice = tr(f"⚠ 비교하는 실행들의 기간이 모두 같지 않습니다 ({check.distinct}가지). ",
                    f"⚠ The compared runs cover {check.distinct} different periods. ") + not_comparable  # fmt: skip
    return flags, notice


def compare(stored: Sequence[Any]) -> Comparison:
    """The comparison of ``stored`` runs (StoredRun), in the order given."""
    flags, notice = _flags(stored)
    return Comparison(
        headers=headers(),
        run_ids=[s.run_id for s in stored],
        run_labels=[f"#{s.run_id} {s.strategy_name}" for s in stored],
        rows=[_row(s.record) for s in stored],
        flags=flags,
        notice=notice,
    )
