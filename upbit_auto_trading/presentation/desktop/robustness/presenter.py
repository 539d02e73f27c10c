"""Robustness section logic: parameter sweeps and walk-forwards from the form (progress, cancel, resume),
stored studies (open, resume, re-run check, delete), the ranked table, the heatmap and the overfitting card.

Sweeps run on ``work`` (one at a time); opening a stored study reads on ``reads``, so it works while a sweep
runs. No Qt here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from upbit_auto_trading.application.robustness.dto import SWEEP, StudySummary, SweepRequest
from upbit_auto_trading.application.robustness.execution import SweepOutcome
from upbit_auto_trading.application.robustness.report import SweepReport
from upbit_auto_trading.application.robustness.rerun_sweep import SweepRerunReport
from upbit_auto_trading.application.robustness.walk_forward import WalkForwardOutcome, WalkForwardReport
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.domain.work import OperationCancelled, Progress
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext, WorkHandle
from upbit_auto_trading.presentation.desktop.backtest.model import SeriesOption
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.robustness.form import (
    ParameterRow,
    StudyForm,
    executor_spec,
    grid_size,
    parameter_label,
    plan,
    rows_with_space,
    stored_settings,
    suggested_row,
)
from upbit_auto_trading.presentation.desktop.robustness.model import (
    HeatmapView,
    StudyRow,
    SweepView,
    WalkForwardView,
    heatmap_view,
    planned,
    progress_text,
    study_row,
    sweep_view,
    walk_forward_view,
)
from upbit_auto_trading.presentation.desktop.robustness.services import RobustnessServices

T = TypeVar("T")

CONFIRM_CELLS_ABOVE = 5_000
"""A grid this large asks first: at a few hundred milliseconds a cell it runs for hours on two cores."""

RERUN_SAMPLE = 50
"""Cells a re-run check repeats at most (spread over the sweep): enough to catch any drift in minutes."""


class RobustnessView(Protocol):
    def show_strategies(self, names: Sequence[str]) -> None: ...
    def show_series(self, options: Sequence[SeriesOption]) -> None: ...
    def show_parameters(self, rows: Sequence[ParameterRow]) -> None: ...
    def show_cell_count(self, text: str) -> None: ...
    def form(self) -> StudyForm: ...
    def set_form(self, form: StudyForm) -> None: ...
    def set_running(self, running: bool) -> None: ...
    def show_progress(self, fraction: float, text: str) -> None: ...
    def show_studies(self, rows: Sequence[StudyRow]) -> None: ...
    def selected_study(self) -> int | None: ...
    def show_sweep(self, view: SweepView) -> None: ...
    def show_heatmap(self, view: HeatmapView) -> None: ...
    def show_walk_forward(self, view: WalkForwardView) -> None: ...
    def show_status(self, message: str) -> None: ...
    def show_error(self, message: str) -> None: ...
    def confirm(self, question: str) -> bool: ...


class RobustnessPresenter:
    def __init__(
        self,
        view: RobustnessView,
        services: RobustnessServices,
        work: BackgroundWork,
        reads: BackgroundWork | None = None,
    ) -> None:
        self.view, self.services, self.work = view, services, work
        self.reads = reads or work
        self.handle: WorkHandle | None = None  # the sweep, walk-forward or re-run under way
        self.report: SweepReport | None = None  # the sweep shown
        self.walk_forward: WalkForwardReport | None = None
        self._studies: dict[int, StudySummary] = {}
        self._labels: dict[str, str] = {}  # parameter path -> its label, for every strategy listed so far
        self._strategy = ""
        self._rows: list[ParameterRow] = []
        self._listed = False  # the study under way is in the stored list

    # ------------------------------------------------------------------ lists
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Strategies, stored series and studies (strategies saved and candles stored in other tabs)."""
        try:
            names = [s.name for s in self.services.list_strategies.execute("")]
            self.view.show_strategies(names)
            series = self.services.list_series.execute(with_gaps=False)
            self.view.show_series(
                [
                    SeriesOption(
                        s.market,
                        s.timeframe,
                        s.first.strftime("%Y-%m-%d"),
                        s.last.strftime("%Y-%m-%d"),
                        s.count,
                    )
                    for s in series
                ]
            )
            strategy = self.view.form().strategy
            if strategy != self._strategy:
                self.strategy_changed(strategy)
            self.refresh_studies()
        except Exception as exc:
            self.view.show_error(str(exc))

    def refresh_studies(self) -> None:
        summaries = self.services.list_studies.execute()
        self._studies = {s.study_id: s for s in summaries}
        busy = self.handle is not None
        rows = [study_row(s, self._labels) for s in summaries]
        self.view.show_studies([r if not busy else _not_resumable(r) for r in rows])

    def strategy_changed(self, strategy: str, space: ParameterSpace | None = None) -> None:
        """List the strategy's sweepable parameters, each with a suggested range; ``space`` (a reopened
        study's) ticks and fills in its dimensions."""
        self._strategy = strategy
        if not strategy:
            self._rows = []
            self.view.show_parameters([])
            self.parameters_changed()
            return
        try:
            found = self.services.list_parameters.execute(strategy)
        except Exception as exc:
            self._rows = []
            self.view.show_parameters([])
            self.view.show_error(str(exc))
            return
        self._labels.update({p.path: parameter_label(p) for p in found})
        rows = [suggested_row(p) for p in found]
        if space is not None:
            rows, missing = rows_with_space(rows, space)
            if missing:
                self.view.show_error(
                    tr(
                        f"이 전략에 없는 파라미터라 폼에 넣지 못했습니다: {', '.join(missing)}",
                        f"Not in this strategy (left out of the form): {', '.join(missing)}",
                    )
                )
        self._rows = rows
        self.view.show_parameters(rows)
        self.parameters_changed()

    def parameters_changed(self) -> None:
        """The cell count of the ticked parameters, as the user edits them."""
        rows = [r for r in self.view.form().parameters if r.swept]
        if not rows:
            self.view.show_cell_count(tr("스윕할 파라미터를 체크하세요", "Tick the parameters to sweep"))
            return
        size = grid_size(rows)
        self.view.show_cell_count(
            tr("값을 확인하세요", "Check the values")
            if size is None
            else tr(f"{size:,}개 셀", f"{size:,} cells")
        )

    # ------------------------------------------------------------------ running
    def run(self) -> None:
        """A sweep or a walk-forward of the form (its ``mode``)."""
        if self.handle is not None:
            return
        form = self.view.form()
        try:
            p = plan(form)
        except (ValueError, DomainError) as exc:
            self.view.show_error(str(exc))
            return
        if p.cells > CONFIRM_CELLS_ABOVE and not self.view.confirm(
            tr(
                f"{p.cells:,}개 셀을 계산합니다. 오래 걸릴 수 있습니다. 실행할까요?",
                f"This runs {p.cells:,} cells and may take long. Run it?",
            )
        ):
            return
        request, spec = p.request, p.executor
        if isinstance(request, SweepRequest):
            self._submit(
                lambda c: self.services.run_sweep.execute(request, spec, c.progress, c.cancel),
                self._sweep_done,
            )
        else:
            self._submit(
                lambda c: self.services.run_walk_forward.execute(request, spec, c.progress, c.cancel),
                self._walk_forward_done,
            )

    def resume(self) -> None:
        """Continue the selected stored sweep from the cells it stored."""
        study_id = self.view.selected_study()
        summary = self._studies.get(study_id) if study_id is not None else None
        if self.handle is not None or summary is None:
            return
        if summary.kind != SWEEP or summary.status == "completed":
            self.view.show_error(
                tr("끝나지 않은 스윕만 이어서 실행할 수 있습니다", "Only an unfinished sweep can be resumed")
            )
            return
        spec = executor_spec(self.view.form())
        self._submit(
            lambda c: self.services.resume_sweep.execute(summary.study_id, spec, c.progress, c.cancel),
            self._sweep_done,
        )

    def rerun(self) -> None:
        """Re-run the selected sweep's cells from its lineage and say whether each gives the stored result."""
        study_id = self.view.selected_study()
        summary = self._studies.get(study_id) if study_id is not None else None
        if self.handle is not None or summary is None:
            return
        if summary.kind != SWEEP:
            self.view.show_error(
                tr("스윕만 다시 실행해 확인할 수 있습니다", "Only a sweep can be re-run and checked")
            )
            return
        spec = executor_spec(self.view.form())
        sample = RERUN_SAMPLE if summary.evaluated > RERUN_SAMPLE else None
        self._submit(
            lambda c: self.services.rerun_sweep.execute(summary.study_id, sample, spec, c.progress, c.cancel),
            self._rerun_done,
        )

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.view.show_status(
                tr(
                    "취소 중: 계산 중인 셀을 마치고 멈춥니다",
                    "Cancelling: stopping after the cells under way",
                )
            )

    def _submit(self, job: Callable[[JobContext], T], done: Callable[[T], None]) -> None:
        self._listed = False
        self.view.set_running(True)
        self.view.show_progress(0.0, tr("시작", "starting"))
        self.view.show_status("")
        handle = self.work.submit(
            job, lambda result: self._finished(done, result), self._failed, self._progress
        )
        if not handle.finished:  # a runner that ran it at once (tests) has called back already
            self.handle = handle
            self.refresh_studies()

    def _progress(self, progress: Progress) -> None:
        self.view.show_progress(progress.fraction, progress_text(progress))
        if not self._listed and progress.message in ("cells", "train"):  # the study is stored now: list it
            self._listed = True
            self.refresh_studies()

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self.handle = None
        self.view.set_running(False)
        done(result)
        self.refresh_studies()

    def _failed(self, exc: Exception) -> None:
        self.handle = None
        self.view.set_running(False)
        if isinstance(exc, OperationCancelled):
            self.view.show_progress(0.0, tr("취소됨", "cancelled"))
            self.view.show_status(tr("취소했습니다", "Cancelled"))
        else:
            self.view.show_progress(0.0, tr("실패", "failed"))
            self.view.show_error(str(exc))
        self.refresh_studies()

    def _sweep_done(self, outcome: SweepOutcome) -> None:
        self._show_sweep(outcome.report)
        n, total = outcome.evaluated, planned(outcome.report)
        if outcome.status == "completed":
            self.view.show_progress(1.0, tr("완료", "done"))
            best = outcome.report.best()
            where = (
                ""
                if best is None
                else ", ".join(f"{self._labels.get(k, k)} = {v}" for k, v in best.values.items())
            )
            self.view.show_status(
                tr(
                    f"스윕 #{outcome.study_id} 완료: {n:,}개 셀. 최고 고원: {where}",
                    f"Sweep #{outcome.study_id} done: {n:,} cells. Best plateau: {where}",
                )
            )
        else:
            self.view.show_progress(n / max(1, total), tr("취소됨", "cancelled"))
            self.view.show_status(
                tr(
                    f"스윕 #{outcome.study_id} 취소: {n:,}/{total:,}개 셀 저장됨. 저장된 스터디에서 "
                    "골라 '이어서 실행'으로 계속합니다.",
                    f"Sweep #{outcome.study_id} cancelled with {n:,} of {total:,} cells stored: "
                    "select it under Stored studies and press Resume to continue.",
                )
            )

    def _walk_forward_done(self, outcome: WalkForwardOutcome) -> None:
        if outcome.report is None:
            self.view.show_progress(0.0, tr("취소됨", "cancelled"))
            self.view.show_status(
                tr(
                    f"워크포워드 #{outcome.study_id}를 취소했습니다 (다시 실행해야 합니다)",
                    f"Walk-forward #{outcome.study_id} cancelled (run it again to finish)",
                )
            )
            return
        self.view.show_progress(1.0, tr("완료", "done"))
        self._show_walk_forward(outcome.report)
        eff = outcome.report.efficiency
        self.view.show_status(
            tr(
                f"워크포워드 #{outcome.study_id} 완료: 효율 {'-' if eff is None else f'{eff:.2f}'}",
                f"Walk-forward #{outcome.study_id} done: efficiency {'-' if eff is None else f'{eff:.2f}'}",
            )
        )

    def _rerun_done(self, report: SweepRerunReport) -> None:
        self.view.show_progress(1.0, tr("완료", "done"))
        head = tr(
            f"스윕 #{report.study_id} 재실행: {report.checked:,}개 셀 중 {report.identical:,}개가 비트 단위로 동일",
            f"Re-run of sweep #{report.study_id}: {report.identical:,} of {report.checked:,} cells identical, "
            "bit for bit",
        )
        if report.stored_engine_version != report.engine_version:
            head += tr(
                f" (엔진 {report.stored_engine_version} → {report.engine_version})",
                f" (engine {report.stored_engine_version} -> {report.engine_version})",
            )
        if report.all_identical:
            self.view.show_status(head)
        else:
            self.view.show_error("\n".join([head, *report.differences[:5]]))

    # ------------------------------------------------------------------ stored studies
    def open_study(self, study_id: int | None = None) -> None:
        """Show a stored sweep or walk-forward and put its settings back into the form."""
        study_id = self.view.selected_study() if study_id is None else study_id
        summary = self._studies.get(study_id) if study_id is not None else None
        if summary is None:
            return
        if summary.kind == SWEEP:
            self.reads.submit(
                lambda _c: self.services.get_sweep.execute(summary.study_id),
                self._opened_sweep,
                self._read_failed,
            )
        else:
            self.reads.submit(
                lambda _c: self.services.get_walk_forward.execute(summary.study_id),
                self._opened_walk_forward,
                self._read_failed,
            )

    def _opened_sweep(self, report: SweepReport) -> None:
        self._restore_form(report)
        self._show_sweep(report)
        s = report.summary
        self.view.show_status(
            tr(
                f"스윕 #{s.study_id}을 열었습니다. 설정을 폼에 넣었습니다.",
                f"Opened sweep #{s.study_id}; its settings are back in the form.",
            )
        )

    def _opened_walk_forward(self, report: WalkForwardReport) -> None:
        self._restore_form(report)
        self._show_walk_forward(report)
        self.view.show_status(
            tr(
                f"워크포워드 #{report.summary.study_id}을 열었습니다. 설정을 폼에 넣었습니다.",
                f"Opened walk-forward #{report.summary.study_id}; its settings are back in the form.",
            )
        )

    def _read_failed(self, exc: Exception) -> None:
        self.view.show_error(str(exc))

    def _restore_form(self, report: SweepReport | WalkForwardReport) -> None:
        if self.handle is not None:  # the running study's form stays as it was started
            return
        settings = stored_settings(report.definition, self.view.form())
        self.view.set_form(settings.form)
        self.strategy_changed(settings.form.strategy, settings.space)
        if settings.notes:
            self.view.show_error("; ".join(settings.notes))

    def delete_study(self) -> None:
        study_id = self.view.selected_study()
        summary = self._studies.get(study_id) if study_id is not None else None
        if summary is None:
            return
        if self.handle is not None and summary.status == "running":
            self.view.show_error(
                tr("실행 중인 스터디는 삭제할 수 없습니다", "A study that is running cannot be deleted")
            )
            return
        what = tr("스윕", "sweep") if summary.kind == SWEEP else tr("워크포워드", "walk-forward")
        if not self.view.confirm(
            tr(
                f"저장된 {what} #{summary.study_id} ({summary.evaluated:,}개 셀)를 삭제할까요?",
                f"Delete stored {what} #{summary.study_id} ({summary.evaluated:,} cells)?",
            )
        ):
            return
        try:
            self.services.delete_study.execute(summary.study_id)
        except Exception as exc:
            self.view.show_error(str(exc))
        if self.report is not None and self.report.summary.study_id == summary.study_id:
            self.report = None
        self.refresh_studies()

    # ------------------------------------------------------------------ showing results
    def _show_sweep(self, report: SweepReport) -> None:
        self.report = report
        self.view.show_sweep(sweep_view(report, self._labels))
        dims = [d.label for d in report.space.dimensions]
        self.heatmap_changed(dims[0], dims[1] if len(dims) > 1 else None, report.definition.objective)

    def heatmap_changed(self, x: str, y: str | None, metric: str) -> None:
        """Draw ``metric`` over dimensions ``x`` and ``y``; the same dimension twice takes another for ``y``."""
        if self.report is None:
            return
        dims = [d.label for d in self.report.space.dimensions]
        if x not in dims:
            x = dims[0]
        if len(dims) == 1:
            y = None
        elif y not in dims or y == x:
            y = next(d for d in dims if d != x)
        try:
            self.view.show_heatmap(heatmap_view(self.report, x, y, metric, self._labels))
        except Exception as exc:
            self.view.show_error(str(exc))

    def _show_walk_forward(self, report: WalkForwardReport) -> None:
        self.walk_forward = report
        self.view.show_walk_forward(walk_forward_view(report, self._labels))


def _not_resumable(row: StudyRow) -> StudyRow:
    return StudyRow(row.study_id, row.kind, row.cells, row.detail, False)
