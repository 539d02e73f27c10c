"""How ``trade drift`` and ``trade record`` read as text: times in KST (labelled), KRW with separators.
Their ``--json`` documents are the use cases' own ``to_dict()`` (times in ISO UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upbit_auto_trading.application.trading.drift import DriftReport, MarketDrift
    from upbit_auto_trading.application.trading.promotion import PaperRecord
    from upbit_auto_trading.domain.trading.drift import DriftTotals

KST = timezone(timedelta(hours=9), "KST")


def kst(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M")


def _krw(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def _price(value: Decimal) -> str:
    return f"{value:,.0f}" if value >= 1000 else f"{value:,.4f}".rstrip("0").rstrip(".")


def _pct(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f")


def _bps(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def totals_line(t: DriftTotals) -> str:
    return (f"{t.pairs} paired, {t.missed} missed, {t.extra} extra; slippage mean {_bps(t.mean_bps)} bps, "
            f"median {_bps(t.median_bps)} bps, worst {_bps(t.worst_bps)} bps, total {_krw(t.slippage_krw, True)} KRW; "
            f"P&L session {_krw(t.session_pnl, True)} KRW, backtest {_krw(t.backtest_pnl, True)} KRW, "
            f"difference {_krw(t.pnl_difference, True)} KRW")  # fmt: skip


def _market_lines(m: MarketDrift) -> list[str]:
    head = f"{m.market}: " + (f"{kst(m.period[0])} .. {kst(m.period[1])} KST" if m.period else m.note)
    lines = [head]
    if m.period is None:
        return lines
    rows: list[tuple[datetime, str]] = []
    for p in m.pairs:
        reason = p.model.reason + ("" if not p.reason_differs else f" (session: {p.session.reason})")
        rows.append((p.model.time, f"  {kst(p.model.time)}  pair    {p.side:<4} {reason:<22} {p.session.quantity:>14} "
                                   f"{_price(p.model.price):>14} {_price(p.session.price):>14} "
                                   f"{_krw(p.slippage.krw, True):>10} {_bps(p.slippage.bps):>8}"))  # fmt: skip
    for x in m.missed:
        t = x.model
        rows.append((t.time, f"  {kst(t.time)}  MISSED  {t.side:<4} {t.reason:<22} {t.quantity:>14} "
                             f"{_price(t.price):>14}  {x.why.code.value}: {x.why.detail}"))  # fmt: skip
    for e in m.extra:
        s = e.session
        rows.append((s.filled_at, f"  {kst(s.filled_at)}  EXTRA   {s.side:<4} {s.reason:<22} {s.quantity:>14} "
                                  f"{'':>14} {_price(s.price):>14}  {e.why.code.value}: {e.why.detail}"))  # fmt: skip
    if rows:
        lines.append(f"  {'time (KST)':<16}  {'row':<7} {'side':<4} {'reason':<22} {'quantity':>14} "
                     f"{'model price':>14} {'fill price':>14} {'slip KRW':>10} {'bps':>8}")  # fmt: skip
        lines += [text for _, text in sorted(rows, key=lambda r: r[0])]
    if m.note:
        lines.append(f"  note: {m.note}")
    lines.append("  " + totals_line(m.totals))
    return lines


def drift_text(report: DriftReport) -> str:
    s = report.session
    verdict = "every trade paired" if report.identical else "DRIFT: missed or extra trades"
    lines = [
        f"Drift report of {s.session_id} ({s.strategy_name} v{s.strategy_version}, {s.mode.value}, {s.timeframe}, "
        f"{s.state.value}): {verdict}",
        f"backtest of the stored candles with the session's budget per market ({_krw(s.budget_per_market)} KRW), "
        f"fee {_pct(s.fee_rate)} % and slippage {_pct(s.slippage_rate)} %; slippage > 0 = worse than the model",
    ]  # fmt: skip
    for m in report.markets:
        lines += _market_lines(m)
    if len(report.markets) > 1:
        lines.append("all markets: " + totals_line(report.totals))
    return "\n".join(lines)


def record_text(record: PaperRecord) -> str:
    lines = [f"Paper record of {record.strategy} (current version {record.version})"]
    if record.never_on_paper:
        lines.append("  never run on paper")
    else:
        versions = ", ".join(str(v) for v in sorted({s.strategy_version for s in record.paper}))
        lines.append(f"  {len(record.paper)} paper session(s) (version {versions}), {record.days_run} days run, "
                     f"{record.trades} trade(s)")  # fmt: skip
        if record.totals is not None:
            lines.append("  drift: " + totals_line(record.totals))
        for s in record.paper:
            until = kst(s.stopped_at) if s.stopped_at else "now"
            drift = (
                f"{s.totals.pairs} paired, {s.totals.missed} missed, {s.totals.extra} extra"
                if s.totals
                else s.problem
            )
            lines.append(f"    {s.session_id}  v{s.strategy_version}  {s.state:<8} {kst(s.started_at)} .. {until} KST  "
                         f"{s.days} days  {s.trades} trade(s)  {drift}")  # fmt: skip
    lines.append(f"  other sessions: {record.replays} replay(s) (not counted: a replay repeats the backtest), "
                 f"{record.live} live")  # fmt: skip
    lines += [f"WARNING: {w}" for w in record.warnings]
    return "\n".join(lines)
