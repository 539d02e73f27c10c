"""The drift report as CSV: one row per paired, missed or extra trade, then a totals row per market and one
for the whole session. Times in UTC and in KST; money and prices as plain decimals (no thousands separator),
so a spreadsheet reads them as numbers."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from upbit_auto_trading.application.trading.drift import DriftReport, iso_utc
from upbit_auto_trading.domain.trading.drift import DriftTotals

KST = timezone(timedelta(hours=9), "KST")

COLUMNS = (
    "market", "row", "time_utc", "time_kst", "side", "reason", "session_reason", "model_quantity", "quantity",
    "model_price", "fill_price", "slippage_krw", "slippage_bps", "why", "detail", "identifier",
    "session_pnl_krw", "backtest_pnl_krw", "pnl_difference_krw",
)  # fmt: skip


class WriteText(Protocol):
    def __call__(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` durably (temp file, fsync, atomic rename): all of it or nothing."""
        ...


def _kst(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def _n(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _totals_row(market: str, t: DriftTotals) -> dict[str, str]:
    return {
        "market": market, "row": "total", "slippage_krw": _n(t.slippage_krw), "slippage_bps": _n(t.mean_bps),
        "detail": (f"{t.pairs} paired, {t.missed} missed, {t.extra} extra; slippage bps mean {_n(t.mean_bps) or '-'}, "
                   f"median {_n(t.median_bps) or '-'}, worst {_n(t.worst_bps) or '-'}"),
        "session_pnl_krw": _n(t.session_pnl), "backtest_pnl_krw": _n(t.backtest_pnl),
        "pnl_difference_krw": _n(t.pnl_difference),
    }  # fmt: skip


def drift_csv(report: DriftReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    for m in report.markets:
        rows: list[tuple[datetime, dict[str, str]]] = []
        for p in m.pairs:
            rows.append((p.model.time, {
                "row": "pair", "time_utc": iso_utc(p.model.time), "time_kst": _kst(p.model.time), "side": p.side,
                "reason": p.model.reason, "session_reason": p.session.reason, "model_quantity": _n(p.model.quantity),
                "quantity": _n(p.session.quantity), "model_price": _n(p.model.price), "fill_price": _n(p.session.price),
                "slippage_krw": _n(p.slippage.krw), "slippage_bps": _n(p.slippage.bps),
                "identifier": p.session.identifier,
            }))  # fmt: skip
        for x in m.missed:
            t = x.model
            rows.append((t.time, {
                "row": "missed", "time_utc": iso_utc(t.time), "time_kst": _kst(t.time), "side": t.side,
                "reason": t.reason, "model_quantity": _n(t.quantity), "model_price": _n(t.price),
                "why": x.why.code.value, "detail": x.why.detail,
            }))  # fmt: skip
        for e in m.extra:
            s = e.session
            rows.append((s.filled_at, {
                "row": "extra", "time_utc": iso_utc(s.filled_at), "time_kst": _kst(s.filled_at), "side": s.side,
                "session_reason": s.reason, "quantity": _n(s.quantity), "fill_price": _n(s.price),
                "why": e.why.code.value, "detail": e.why.detail, "identifier": s.identifier,
            }))  # fmt: skip
        for _, row in sorted(rows, key=lambda r: r[0]):
            writer.writerow({"market": m.market, **row})
        if m.note:
            writer.writerow({"market": m.market, "row": "note", "detail": m.note})
        writer.writerow(_totals_row(m.market, m.totals))
    writer.writerow(_totals_row("ALL", report.totals))
    return buffer.getvalue()


class ExportDriftCsv:
    def __init__(self, write: WriteText) -> None:
        self._write = write

    def execute(self, report: DriftReport, path: Path) -> Path:
        self._write(path, drift_csv(report))
        return path
