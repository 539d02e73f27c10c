"""Plain data of the Robustness section (no Qt): stored-study rows, the sweep table, the heatmap and the
walk-forward result as the widgets draw them, and their formatting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from upbit_auto_trading.application.robustness.dto import (
    CANCELLED,
    COMPLETED,
    FAILED,
    GRID,
    RUNNING,
    SWEEP,
    StudySummary,
)
from upbit_auto_trading.application.robustness.report import SweepReport, SweepRow
from upbit_auto_trading.application.robustness.walk_forward import WalkForwardReport
from upbit_auto_trading.domain.robustness.plateau import OBJECTIVES
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.desktop.backtest.model import format_metric, kst, metric_label
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import kst_minutes
from upbit_auto_trading.presentation.desktop.robustness.verdict import VerdictView, verdict_view

HEATMAP_METRICS = (*OBJECTIVES, "trades", "exposure", "volatility")
"""Metrics a heatmap can show: the objectives a sweep ranks by, and a few that explain them."""

TABLE_METRICS = ("total_return", "max_drawdown", "trades", "win_rate", "sharpe", "profit_factor")

_STATUS = {
    RUNNING: ("실행 중", "running"),
    CANCELLED: ("취소됨", "cancelled"),
    COMPLETED: ("완료", "completed"),
    FAILED: ("실패", "failed"),
}
_STAGES = {
    "loading": ("캔들 읽는 중", "loading candles"),
    "cells": ("셀 계산 중", "running cells"),
    "train": ("학습 구간 스윕 중", "sweeping the train windows"),
    "test": ("검증 구간 실행 중", "running the test windows"),
}


def objective_label(name: str) -> str:
    return metric_label(name)


def status_text(status: str) -> str:
    pair = _STATUS.get(status)
    return tr(*pair) if pair else status


def progress_text(progress: Progress) -> str:
    """``running cells 3/9`` in the UI language."""
    pair = _STAGES.get(progress.message)
    stage = tr(*pair) if pair else progress.message
    return f"{stage} {progress.done:,.0f}/{progress.total:,.0f}" if progress.total > 1 else stage


def can_resume(summary: StudySummary, running: int | None) -> bool:
    """A sweep that stopped before its last cell (cancelled, failed, or interrupted while marked running) and
    is not the one running now."""
    return summary.kind == SWEEP and summary.status != COMPLETED and summary.study_id != running


@dataclass(frozen=True)
class StudyRow:
    study_id: int
    kind: str
    cells: tuple[str, ...]  # see STUDY_HEADERS
    detail: str  # tooltip
    resumable: bool


STUDY_HEADERS = (
    ("#", "#"),
    ("종류", "Kind"),
    ("전략", "Strategy"),
    ("시장", "Market"),
    ("상태", "Status"),
    ("만든 시각 (KST)", "Created (KST)"),
)


def study_row(s: StudySummary, labels: Mapping[str, str], running: int | None = None) -> StudyRow:
    kind = tr("스윕", "Sweep") if s.kind == SWEEP else tr("워크포워드", "Walk-forward")
    # a grid counts its cells of the whole; Optuna's trials are not in the summary, so its count stands alone;
    # a walk-forward's cells are per window: only its state is shown
    status = status_text(s.status)
    if s.kind == SWEEP:
        status += f" {s.evaluated:,}/{s.total_cells:,}" if s.sampler == GRID else f" {s.evaluated:,}"
    params = ", ".join(labels.get(p, p) for p in s.parameters)
    detail = "\n".join(
        [
            f"#{s.study_id} {kind}: {s.strategy_name} | {', '.join(s.markets)} {s.timeframe}",
            tr("파라미터", "parameters") + f": {params}",
            tr("목표 지표", "objective")
            + f": {objective_label(s.objective)} | "
            + tr("표본", "sampler")
            + f": {s.sampler}",
            tr("완료", "finished") + f": {kst(s.finished_at)} KST" if s.finished_at else status,
        ]
    )
    cells = (
        str(s.study_id),
        kind,
        s.strategy_name,
        f"{', '.join(s.markets)} {s.timeframe}",
        status,
        kst(s.created_at),
    )
    return StudyRow(s.study_id, s.kind, cells, detail, can_resume(s, running))


# ----------------------------------------------------------------------------- sweep table
@dataclass(frozen=True)
class TableRow:
    key: str  # the cell's key ("2,0")
    cells: tuple[str, ...]
    sort: tuple[float | str | None, ...]  # what each column sorts by (None: undefined, sorts last)


@dataclass(frozen=True)
class SweepTable:
    headers: tuple[str, ...]
    tooltips: tuple[str, ...]
    rows: tuple[TableRow, ...]  # in rank order: best plateau first


def _table_metrics(objective: str) -> tuple[str, ...]:
    return tuple(m for m in TABLE_METRICS if m != objective)


def sweep_table(report: SweepReport, labels: Mapping[str, str]) -> SweepTable:
    """One row per evaluated cell in plateau order: rank, the swept values, the objective, its plateau score
    (the mean over the cell and its neighbours), the neighbours counted, and a few metrics."""
    dims = [d.label for d in report.space.dimensions]
    objective = report.definition.objective
    metrics = _table_metrics(objective)
    headers = (
        tr("순위", "Rank"),
        *(labels.get(d, d) for d in dims),
        objective_label(objective),
        tr("고원 점수", "Plateau score"),
        tr("이웃", "Neighbours"),
        *(metric_label(m) for m in metrics),
        tr("상태", "Status"),
    )
    tips = (
        tr(
            "고원 점수 순위: 넓고 안정된 고원이 고립된 봉우리보다 위",
            "Plateau rank: broad stable plateaus above isolated peaks",
        ),
        *dims,
        tr("이 셀의 목표 지표", "The cell's own objective"),
        tr("이 셀과 이웃 셀들의 목표 지표 평균", "The objective averaged over the cell and its neighbours"),
        tr("평가된 이웃 셀 수", "Evaluated neighbouring cells"),
        *metrics,
        "",
    )
    rows = tuple(_table_row(r, dims, objective, metrics) for r in report.rows)
    return SweepTable(headers, tips, rows)


def _decimal_sort(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _table_row(r: SweepRow, dims: Sequence[str], objective: str, metrics: Sequence[str]) -> TableRow:
    values = [r.values.get(d, "") for d in dims]
    shown = [r.metric(m) for m in metrics]
    status = (
        tr("정상", "ok") if r.status == "ok" else tr("무효", "invalid") + (f": {r.error}" if r.error else "")
    )
    cells = (
        "-" if r.rank is None else str(r.rank),
        *values,
        format_metric(objective, r.value),
        format_metric(objective, r.score),
        str(r.neighbours),
        *(format_metric(m, v) for m, v in zip(metrics, shown, strict=True)),
        status,
    )
    sort = (r.rank, *(_decimal_sort(v) for v in values), r.value, r.score, r.neighbours, *shown, status)
    return TableRow(r.key, cells, sort)


# ----------------------------------------------------------------------------- heatmap
@dataclass(frozen=True, eq=False)
class HeatmapView:
    """``z[j, i]`` is the metric at ``x_values[i]``, ``y_values[j]`` (NaN: not evaluated or undefined).
    ``best`` is the rank-1 cell (best plateau) and ``peak`` the slice's highest value, as (i, j)."""

    metric: str
    metric_title: str
    x: str  # the dimensions' labels (what the axis choosers hold)
    y: str | None
    x_title: str
    y_title: str
    x_values: list[str]
    y_values: list[str]
    z: np.ndarray
    best: tuple[int, int] | None
    peak: tuple[int, int] | None
    held: str  # the other dimensions' values, "" when there are none
    texts: list[list[str]] = field(default_factory=list)  # z formatted, row by row

    def value_text(self, i: int, j: int) -> str:
        return self.texts[j][i] if self.texts else ""


def _grid(
    report: SweepReport, x: str, y: str | None, metric: str
) -> tuple[list[str], list[str], list[list[float | None]], dict[str, str]]:
    if y is None:  # one swept parameter: a single row
        dim = report.space.dimensions[0]
        by_index = {r.index: r for r in report.rows}
        line = [by_index[(i,)].metric(metric) if (i,) in by_index else None for i in range(len(dim.values))]
        return [format(v, "f") for v in dim.values], [""], [line], {}
    hm = report.heatmap(x, y, metric)
    return hm.x_values, hm.y_values, hm.z, hm.fixed


def heatmap_view(
    report: SweepReport, x: str, y: str | None, metric: str, labels: Mapping[str, str]
) -> HeatmapView:
    """``metric`` over dimensions ``x`` and ``y`` (their labels; ``y`` None for a one-parameter sweep), the
    other dimensions held at the best plateau's values."""
    xs, ys, z, fixed = _grid(report, x, y, metric)
    grid = np.array([[np.nan if v is None else v for v in line] for line in z], dtype=np.float64)
    dims = [d.label for d in report.space.dimensions]
    best_row = report.best()
    best = None
    if best_row is not None and all(best_row.values.get(k) == v for k, v in fixed.items()):
        xi = dims.index(x)
        yi = dims.index(y) if y is not None else None
        best = (best_row.index[xi], best_row.index[yi] if yi is not None else 0)
    peak = None
    if np.isfinite(grid).any():
        j, i = np.unravel_index(int(np.nanargmax(grid)), grid.shape)
        peak = (int(i), int(j))
    held = ", ".join(f"{labels.get(k, k)} = {v}" for k, v in fixed.items())
    texts = [[format_metric(metric, None if np.isnan(v) else float(v)) for v in line] for line in grid]
    return HeatmapView(
        metric,
        metric_label(metric),
        x,
        y,
        labels.get(x, x),
        "" if y is None else labels.get(y, y),
        xs,
        ys,
        grid,
        best,
        peak,
        held,
        texts,
    )


# ----------------------------------------------------------------------------- walk-forward
@dataclass(frozen=True, eq=False)
class WalkForwardView:
    study_id: int
    title: str
    figures: tuple[tuple[str, str], ...]
    times: np.ndarray  # stitched out-of-sample equity: candle starts, epoch seconds
    equity: np.ndarray
    windows: tuple[tuple[int, int, int], ...]  # (number, test start, test end) for the chart's bands
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    efficiency: float | None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:,.2f}%"


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def walk_forward_view(report: WalkForwardReport, labels: Mapping[str, str]) -> WalkForwardView:
    s, d = report.summary, report.definition
    o = d.options
    kind = tr("앵커드", "anchored") if o.get("anchored") else tr("롤링", "rolling")
    train, test = int(str(o.get("train_seconds", 0))) // 86400, int(str(o.get("test_seconds", 0))) // 86400
    title = f"#{s.study_id} {s.strategy_name} | {s.markets[0]} {s.timeframe} | " + tr(
        f"{kind} 학습 {train}일 / 검증 {test}일", f"{kind}, train {train}d / test {test}d"
    )
    figures = (
        (
            tr("워크포워드 효율", "Walk-forward efficiency"),
            "-" if report.efficiency is None else f"{report.efficiency:.2f}",
        ),
        (tr("표본 외 수익률", "Out-of-sample return"), _pct(report.oos_total_return)),
        (tr("표본 외 연환산", "Out-of-sample annualised"), _pct(report.oos_annualised)),
        (tr("표본 내 연환산 (평균)", "In-sample annualised (mean)"), _pct(report.is_annualised_mean)),
        (tr("구간 수", "Windows"), str(len(report.windows))),
    )
    dims = [dim.label for dim in d.space.dimensions]
    headers = (
        tr("구간", "Window"),
        tr("학습 (KST)", "Train (KST)"),
        tr("검증 (KST)", "Test (KST)"),
        *(labels.get(x, x) for x in dims),
        tr(f"학습 {objective_label(d.objective)}", f"Train {objective_label(d.objective)}"),
        tr("검증 수익률", "Test return"),
        tr("검증 거래", "Test trades"),
    )
    rows = tuple(
        (
            str(w.number),
            f"{kst_minutes(w.train_start)[:10]} ~ {kst_minutes(w.train_end)[:10]}",
            f"{kst_minutes(w.test_start)[:10]} ~ {kst_minutes(w.test_end)[:10]}",
            *(w.chosen.get(x, "") for x in dims),
            format_metric(d.objective, w.train_value),
            _pct(_num(w.test_metrics.get("total_return"))),
            format_metric("trades", w.test_metrics.get("trades")),
        )
        for w in report.windows
    )
    windows = tuple(
        (w.number, int(w.test_start.timestamp()), int(w.test_end.timestamp())) for w in report.windows
    )
    return WalkForwardView(
        s.study_id,
        title,
        figures,
        np.asarray(report.times, dtype=np.float64),
        np.asarray(report.equity, dtype=np.float64),
        windows,
        headers,
        rows,
        report.efficiency,
    )


def planned(report: SweepReport) -> int:
    """Cells the sweep means to evaluate: the grid, or Optuna's trials."""
    d = report.definition
    return d.space.size if d.sampler == "grid" or not d.trials else min(d.space.size, d.trials)


def sweep_title(report: SweepReport) -> str:
    s = report.summary
    done = f"{s.evaluated:,}/{planned(report):,}"
    return f"#{s.study_id} {s.strategy_name} | {', '.join(s.markets)} {s.timeframe} | " + tr(
        f"{status_text(s.status)} {done} 셀, {s.sampler}",
        f"{status_text(s.status)} {done} cells, {s.sampler}",
    )


@dataclass(frozen=True)
class SweepView:
    """A sweep's result: title, overfitting card, ranked table, and what the heatmap can be drawn over."""

    study_id: int
    title: str
    verdict: VerdictView
    table: SweepTable
    dimensions: tuple[tuple[str, str], ...]  # (label, title) of each swept dimension
    metrics: tuple[tuple[str, str], ...]  # (key, title) of the heatmap's metrics
    resumable: bool


def sweep_view(report: SweepReport, labels: Mapping[str, str]) -> SweepView:
    dims = tuple((d.label, labels.get(d.label, d.label)) for d in report.space.dimensions)
    metrics = tuple((m, metric_label(m)) for m in HEATMAP_METRICS)
    return SweepView(
        report.summary.study_id,
        sweep_title(report),
        verdict_view(report.card),
        sweep_table(report, labels),
        dims,
        metrics,
        can_resume(report.summary, None),
    )
