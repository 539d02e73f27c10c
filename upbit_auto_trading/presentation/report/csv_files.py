"""The report's CSV files, one pair per run: its round trips (``trades``) and its figures (``metrics``).

The app's one CSV convention (as the drift report's, application/trading/drift_export.py): comma-separated,
UTF-8, a header row, ``\\n`` line ends; times in UTC and in KST (two columns); money, prices and quantities
as the stored plain decimals in the market's quote currency (KRW for KRW- markets), no thousands separator,
so a spreadsheet reads them as numbers; returns and rates as fractions (0.0123 = 1.23 %); empty when not
defined.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

from upbit_auto_trading.application.analysis.export_report import ReportRun
from upbit_auto_trading.presentation.report.text import kst_text, parse_utc

TRADE_COLUMNS = (
    "run_id", "market", "trade_no", "entry_time_utc", "entry_time_kst", "exit_time_utc", "exit_time_kst",
    "holding_seconds", "entry_price", "average_entry_price", "exit_price", "quantity", "fee", "pnl", "return",
    "exit_reason", "adds",
)  # fmt: skip
METRIC_COLUMNS = ("run_id", "section", "name", "value")


def _cell(value: Any) -> str:
    """A value as a spreadsheet reads it: floats in full precision, None / NaN / infinity empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def _write(columns: tuple[str, ...], rows: Iterator[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def trades_csv(run: ReportRun) -> str:
    rec = run.stored.record

    def rows() -> Iterator[dict[str, Any]]:
        for t in rec.trades:
            exit_time = t.get("exit_time")
            held = None
            if exit_time:
                held = int((parse_utc(exit_time) - parse_utc(t["entry_time"])).total_seconds())
            yield {
                "run_id": run.run_id, "market": rec.market, "trade_no": t["trade_no"],
                "entry_time_utc": t["entry_time"], "entry_time_kst": kst_text(t["entry_time"], seconds=True),
                "exit_time_utc": exit_time, "exit_time_kst": kst_text(exit_time, seconds=True),
                "holding_seconds": held, "entry_price": t.get("entry_price"),
                "average_entry_price": t.get("average_entry_price"), "exit_price": t.get("exit_price"),
                "quantity": t.get("quantity"), "fee": t.get("fee"), "pnl": t.get("pnl"), "return": t.get("return"),
                "exit_reason": t.get("exit_reason"), "adds": t.get("adds"),
            }  # fmt: skip

    return _write(TRADE_COLUMNS, rows())


def _flat(prefix: str, obj: Any) -> Iterator[tuple[str, Any]]:
    """The scalar fields of a dataclass (``risk.sharpe``), nested ones dotted; lists are left out."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            yield from _flat(f"{prefix}{f.name}.", value)
        elif value is None or isinstance(value, bool | int | float | str):
            yield f"{prefix}{f.name}", value


def metrics_csv(run: ReportRun) -> str:
    """Long format (one figure per row), so runs of any version and any analysis read alike:
    ``run`` (what the run was), ``metrics`` (as the run computed them, per-candle annualisation),
    ``risk`` and ``trades`` (the analysis: KST days, 365-day years), ``month`` and ``year`` returns."""
    stored, a = run.stored, run.analysis
    rec = stored.record
    settings = rec.settings or {}

    def rows() -> Iterator[dict[str, Any]]:
        about = {
            "strategy": stored.strategy_name, "strategy_version": stored.meta.strategy_version,
            "strategy_hash": rec.strategy_hash, "market": rec.market, "timeframe": rec.timeframe,
            "data_start_utc": rec.data_start, "data_end_utc": rec.data_end, "candles": rec.candle_count,
            "data_hash": rec.candle_hash, "engine_version": rec.engine_version,
            "initial_capital": settings.get("initial_capital"), "fee_rate": settings.get("fee_rate"),
            "slippage_rate": settings.get("slippage_rate"), "final_equity": rec.final_equity,
            "candles_known": run.candles_known,
        }  # fmt: skip
        for name, value in about.items():
            yield {"run_id": run.run_id, "section": "run", "name": name, "value": value}
        for name, value in rec.metrics.items():
            yield {"run_id": run.run_id, "section": "metrics", "name": name, "value": value}
        for section, obj in (("risk", a.risk), ("trades", a.trades)):
            for name, value in _flat("", obj):
                yield {"run_id": run.run_id, "section": section, "name": name, "value": value}
        for p in a.monthly:
            yield {
                "run_id": run.run_id,
                "section": "month",
                "name": f"{p.year}-{p.month:02d}",
                "value": p.ret,
            }
        for p in a.yearly:
            yield {"run_id": run.run_id, "section": "year", "name": str(p.year), "value": p.ret}

    return _write(METRIC_COLUMNS, rows())
