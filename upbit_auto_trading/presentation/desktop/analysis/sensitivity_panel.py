"""The fill-sensitivity panel's content: the readings of one run side by side (stop first, take-profit first,
the finer candles' path replay when there is one), their spread, the warning when the verdict depends on the
optimistic reading, the summary and the notes. No Qt.

The use case (application/analysis/fill_sensitivity.py) writes its verdict in English for the CLI; the
English screen shows those words as they are, the Korean one says the same from the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from upbit_auto_trading.application.analysis.fill_sensitivity import SensitivityReport
from upbit_auto_trading.domain.analysis.fill_sensitivity import (
    FillAssessment,
    FillVariant,
    VariantOutcome,
    optimism_gap,
)
from upbit_auto_trading.presentation.desktop.analysis.figures import count, money, pct, quote_of, ratio
from upbit_auto_trading.presentation.desktop.analysis.model import Table, TaskState
from upbit_auto_trading.presentation.desktop.i18n import language, tr


@dataclass(frozen=True)
class SensitivityPanel:
    run_label: str  # the run it is about ("" when none is selected)
    state: TaskState = TaskState()
    can_run: bool = False
    table: Table | None = None  # figures down, readings across, the spread last
    depends_on_optimism: bool = False
    warning: str = ""  # set exactly when the verdict depends on the optimistic reading
    summary: str = ""
    notes: list[str] = field(default_factory=list)


def _label(o: VariantOutcome) -> str:
    if o.variant is FillVariant.STOP_FIRST:
        return tr("손절 우선", "Stop first")
    if o.variant is FillVariant.TAKE_PROFIT_FIRST:
        return tr("익절 우선", "Take-profit first")
    fine = o.label.split(" ")[0]
    return tr(f"{fine} 경로 재현", f"{fine} path replay")


def _signed(value: float) -> int:
    return 0 if value == 0 else (1 if value > 0 else -1)


def readings_table(report: SensitivityReport) -> Table:
    a = report.assessment
    quote = quote_of(report.market)
    outs = list(a.outcomes)
    s = a.spread
    headers = [tr("항목", "Figure"), *[_label(o) for o in outs], tr("차이 (최대-최소)", "Spread (max-min)")]
    level = {"stop_loss": tr("손절 청산", "Stop-loss exits"), "take_profit": tr("익절 청산", "Take-profit exits"),
             "trailing_stop": tr("트레일링 스탑 청산", "Trailing-stop exits"),
             "partial_take_profit": tr("부분 익절", "Partial take-profits")}  # fmt: skip
    rows = [
        [tr("최종 자산", "Final equity"), *[money(o.final_equity, quote) for o in outs], money(s.final_equity, quote)],
        [tr("총 수익률", "Total return"), *[pct(o.total_return, signed=True) for o in outs], pct(s.total_return)],
        [tr("최대 낙폭", "Max drawdown"), *[pct(o.max_drawdown) for o in outs], pct(s.max_drawdown)],
        [tr("샤프 지수 (일간)", "Sharpe (daily)"), *[ratio(o.sharpe) for o in outs], ratio(s.sharpe)],
        [tr("청산된 거래", "Closed trades"), *[count(o.trades) for o in outs], ""],
        [tr("두 가격을 모두 포함한 캔들", "Candles holding both levels"),
         *[count(o.ambiguous_candles) for o in outs], ""],
    ]  # fmt: skip
    signs = [[0] * len(headers) for _ in rows]
    signs[1] = [0, *[_signed(o.total_return) for o in outs], 0]
    for key, name in level.items():
        if any(o.level_exits.get(key) for o in outs):
            rows.append([name, *[count(o.level_exits.get(key, 0)) for o in outs], ""])
            signs.append([0] * len(headers))
    return Table(headers, rows, numeric_from=1, signs=signs)


def _advice_ko(others: Sequence[VariantOutcome], losing: Sequence[VariantOutcome]) -> str:
    replay = next((o for o in others if o.variant is FillVariant.PATH_REPLAY), None)
    if replay is None:
        return (
            "수익이 두 가격을 모두 포함한 캔들 안의 고가·저가 순서에 달려 있습니다: 이 시장의 더 작은 캔들"
            "(1m~30m)로 확인하기 전에는 믿지 마세요."
        )
    if replay in losing:
        return "더 작은 캔들의 경로를 따라가도 손실입니다: 수익은 낙관적 가정에 기대고 있습니다."
    return (
        "더 작은 캔들의 경로로는 수익이므로 그럴듯하지만, 두 가격을 모두 포함한 캔들 안의 고가·저가 "
        "순서에 달려 있습니다."
    )


def _warning_ko(a: FillAssessment) -> str:
    tp = a.outcome(FillVariant.TAKE_PROFIT_FIRST)
    others = [o for o in a.outcomes if o.variant is not FillVariant.TAKE_PROFIT_FIRST]
    if tp is None or not others:
        return ""
    readings = ", ".join(f"{_label(o)} {pct(o.total_return, signed=True)}" for o in others)
    losing = [o for o in others if o.total_return <= 0.0]
    if tp.total_return > 0.0 and losing:
        return (f"익절이 먼저였다고 가정할 때만 수익입니다 (익절 우선 {pct(tp.total_return, signed=True)}; "
                f"{readings}). {_advice_ko(others, losing)}")  # fmt: skip
    gap, against = max(((optimism_gap(tp, o), o) for o in others), key=lambda g: g[0])
    return (f"익절 우선 가정이 {_label(against)} 대비 최종 자산을 {gap * 100:.1f}% 늘립니다 "
            f"(기준 {a.threshold * 100:.0f}% 초과): 익절 우선 {pct(tp.total_return, signed=True)}, {readings}. "
            "결과가 두 가격을 모두 포함한 캔들 안의 고가·저가 순서에 달려 있습니다.")  # fmt: skip


def _summary_ko(a: FillAssessment) -> str:
    stop = a.outcome(FillVariant.STOP_FIRST)
    tp = a.outcome(FillVariant.TAKE_PROFIT_FIRST)
    replay = a.outcome(FillVariant.PATH_REPLAY)
    if stop is None or tp is None:
        return ""
    n = stop.ambiguous_candles
    if n == 0 and tp.final_equity == stop.final_equity:
        text = "손절가와 익절가를 함께 포함한 캔들이 없습니다: 캔들 안의 순서는 이 실행을 바꾸지 않습니다."
    else:
        gap = optimism_gap(tp, stop)
        text = (f"{n:,}개 캔들이 손절가와 익절가를 함께 포함했습니다. 익절을 먼저 가정하면 수익률이 "
                f"{pct(stop.total_return, signed=True)}에서 {pct(tp.total_return, signed=True)}로 바뀝니다 "
                f"(최종 자산 {gap * 100:+.1f}%, 경고 기준 {a.threshold * 100:.0f}%).")  # fmt: skip
    if replay is not None:
        text += f" {_label(replay)} 수익률은 {pct(replay.total_return, signed=True)}입니다"
        width = tp.total_return - stop.total_return
        if abs(width) > 1e-12:
            share = (replay.total_return - stop.total_return) / width
            text += f" (손절 우선에서 익절 우선 결과까지의 {share * 100:.0f}% 지점)"
        text += "."
    return text


def _notes_ko(report: SensitivityReport) -> list[str]:
    a = report.assessment
    cover = a.replay
    if cover is None:
        if report.timeframe == "1m":
            return ["경로 재현 없음: 1m보다 작은 캔들은 없습니다."]
        return ["경로 재현 없음: 이 기간을 모두 덮는 이 시장의 더 작은 캔들(1m~30m)이 저장되어 있지 않습니다. "
                "내려받거나 가져오면 각 캔들 안의 경로를 재현합니다."]  # fmt: skip
    fine, coarse = cover.timeframe, report.timeframe
    notes = [f"결정(신호, 추가 매수, 시간 청산, 쿨다운)은 {coarse} 종가에서 내리고, 시가 체결과 손절·트레일링 스탑·"
             f"익절은 {fine} 캔들마다 확인합니다."]  # fmt: skip
    replay = a.outcome(FillVariant.PATH_REPLAY)
    if replay is not None and replay.ambiguous_candles:
        notes.append(
            f"{fine} 캔들 {replay.ambiguous_candles:,}개도 두 가격을 모두 포함해 손절을 먼저 가정했습니다."
        )
    if cover.without_finer:
        notes.append(
            f"{coarse} 캔들 {cover.without_finer:,}개는 {fine} 캔들이 없어 {coarse} 캔들로 재현했습니다."
        )
    if cover.mismatched:
        notes.append(f"{coarse} 캔들 {cover.mismatched:,}개는 {fine} 캔들의 시가·고가·저가·종가와 달라 "
                     f"{fine} 캔들로 재현했습니다.")  # fmt: skip
    return notes


def sensitivity_panel(
    report: SensitivityReport, run_label: str, state: TaskState, *, can_run: bool = True
) -> SensitivityPanel:
    a = report.assessment
    korean = language() == "ko"
    if a.depends_on_optimism:
        warning = "⚠ " + (_warning_ko(a) if korean else (a.warning or ""))
    else:
        warning = ""
    notes = _notes_ko(report) if korean else list(a.notes)
    if not report.reproduces_stored:
        notes.insert(0, tr("⚠ 손절 우선 재실행이 저장된 결과와 다릅니다: 그 뒤로 캔들이나 엔진이 바뀌었습니다.",
                           "⚠ The stop-first re-run differs from the stored run: its candles or the engine "
                           "changed since it ran."))  # fmt: skip
    return SensitivityPanel(
        run_label=run_label,
        state=state,
        can_run=can_run,
        table=readings_table(report),
        depends_on_optimism=a.depends_on_optimism,
        warning=warning,
        summary=_summary_ko(a) if korean else a.summary,
        notes=notes,
    )
