"""The drift report and the paper record as the Trading tab shows them (times in KST, KRW with separators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from upbit_auto_trading.application.trading.drift import DriftReport
from upbit_auto_trading.application.trading.promotion import PaperRecord
from upbit_auto_trading.domain.trading.drift import DriftTotals
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import to_kst
from upbit_auto_trading.presentation.desktop.trading.model import Line, krw, price, quantity

DRIFT_HEADERS = (
    ("시장", "Market"), ("시각 (KST)", "Time (KST)"), ("구분", "Row"), ("매매", "Side"), ("사유", "Reason"),
    ("수량", "Quantity"), ("모델 가격", "Model price"), ("체결가", "Fill price"), ("슬리피지 (원)", "Slippage KRW"),
    ("bps", "bps"), ("설명", "Why"),
)  # fmt: skip


def _kst(moment: datetime) -> str:
    return to_kst(moment).strftime("%Y-%m-%d %H:%M")


def _bps(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def totals_text(t: DriftTotals) -> str:
    return tr(
        f"짝 {t.pairs}건, 누락 {t.missed}건, 추가 {t.extra}건 · 슬리피지 평균 {_bps(t.mean_bps)} bps, "
        f"최악 {_bps(t.worst_bps)} bps, 합계 {krw(t.slippage_krw, True)}원 · 손익 세션 {krw(t.session_pnl, True)}원, "
        f"백테스트 {krw(t.backtest_pnl, True)}원, 차이 {krw(t.pnl_difference, True)}원",
        f"{t.pairs} paired, {t.missed} missed, {t.extra} extra · slippage mean {_bps(t.mean_bps)} bps, "
        f"worst {_bps(t.worst_bps)} bps, total {krw(t.slippage_krw, True)} KRW · P&L session "
        f"{krw(t.session_pnl, True)} KRW, backtest {krw(t.backtest_pnl, True)} KRW, "
        f"difference {krw(t.pnl_difference, True)} KRW",
    )


@dataclass(frozen=True)
class DriftView:
    title: str
    summary: str
    rows: tuple[Line, ...]
    identical: bool


def drift_view(report: DriftReport) -> DriftView:
    s = report.session
    rows: list[tuple[datetime, Line]] = []
    notes: list[str] = []
    for m in report.markets:
        if m.note:
            notes.append(f"{m.market}: {m.note}")
        for p in m.pairs:
            rows.append((p.model.time, Line(
                (m.market, _kst(p.model.time), tr("짝", "pair"), p.side, p.model.reason, quantity(p.session.quantity),
                 price(p.model.price), price(p.session.price), krw(p.slippage.krw, True), _bps(p.slippage.bps), ""),
                p.session.identifier,
            )))  # fmt: skip
        for x in m.missed:
            t = x.model
            rows.append((t.time, Line(
                (m.market, _kst(t.time), tr("누락", "MISSED"), t.side, t.reason, quantity(t.quantity), price(t.price),
                 "-", "-", "-", f"{x.why.code.value}: {x.why.detail}"),
                "", "warn",
            )))  # fmt: skip
        for e in m.extra:
            t2 = e.session
            rows.append((t2.filled_at, Line(
                (m.market, _kst(t2.filled_at), tr("추가", "EXTRA"), t2.side, t2.reason, quantity(t2.quantity), "-",
                 price(t2.price), "-", "-", f"{e.why.code.value}: {e.why.detail}"),
                t2.identifier, "warn",
            )))  # fmt: skip
    verdict = (tr("모든 거래가 백테스트와 짝지어졌습니다", "every trade paired with the backtest") if report.identical
               else tr("차이 있음: 누락 또는 추가 거래", "DRIFT: missed or extra trades"))  # fmt: skip
    summary = "\n".join([f"{verdict}. {totals_text(report.totals)}", *notes])
    title = tr(f"드리프트 보고서: {s.session_id} ({s.strategy_name} v{s.strategy_version})",
               f"Drift report: {s.session_id} ({s.strategy_name} v{s.strategy_version})")  # fmt: skip
    return DriftView(
        title, summary, tuple(line for _, line in sorted(rows, key=lambda r: r[0])), report.identical
    )


def record_lines(record: PaperRecord) -> list[str]:
    """The paper record of a strategy, read before it may start live."""
    if record.never_on_paper:
        head = tr(f"{record.strategy}: 모의 거래 기록이 없습니다 (리플레이는 기록이 아닙니다).",
                  f"{record.strategy}: no paper record (a replay does not count).")  # fmt: skip
    else:
        head = tr(
            f"{record.strategy} v{record.version}: 모의 세션 {len(record.paper)}개, {record.days_run}일, "
            f"체결된 주문 {record.trades}건",
            f"{record.strategy} v{record.version}: {len(record.paper)} paper session(s), {record.days_run} day(s), "
            f"{record.trades} filled order(s)",
        )
    lines = [head]
    if record.totals is not None:
        lines.append(totals_text(record.totals))
    lines += [tr("경고: ", "Warning: ") + w for w in record.warnings]
    return lines
