"""The analysis screen's long tasks, started with a button and run off the GUI thread with progress and
cancel: the fill sensitivity of the run in focus, its Monte Carlo, and the report export of the analysed runs.
No Qt.

One task of each kind runs at a time. A panel always shows the run in focus: its last result when it has
one, the task's progress while it runs (for this run or, with its number, another), otherwise what to do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from upbit_auto_trading.application.analysis.fill_sensitivity import SensitivityReport
from upbit_auto_trading.application.analysis.monte_carlo import MonteCarloReport
from upbit_auto_trading.domain.work import OperationCancelled, Progress
from upbit_auto_trading.presentation.desktop.analysis.model import TaskState
from upbit_auto_trading.presentation.desktop.analysis.monte_carlo_panel import (
    MonteCarloPanel,
    monte_carlo_panel,
    parse_inputs,
)
from upbit_auto_trading.presentation.desktop.analysis.sensitivity_panel import (
    SensitivityPanel,
    sensitivity_panel,
)
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext, WorkHandle
from upbit_auto_trading.presentation.desktop.i18n import language, tr

T = TypeVar("T")

PHASES = {
    "signals": ("트리거 계산 중", "evaluating triggers"), "stop first": ("손절 우선 재실행", "stop first"),
    "take-profit first": ("익절 우선 재실행", "take-profit first"),
    "finer candles": ("더 작은 캔들 읽는 중", "loading finer candles"),
    "path replay": ("경로 재현 중", "replaying the path"), "done": ("완료", "done"),
    "simulating": ("시뮬레이션 중", "simulating"), "writing": ("파일 쓰는 중", "writing files"),
}  # fmt: skip


def phase_text(message: str) -> str:
    if message.startswith("analysing run "):
        return tr(f"실행 #{message.rsplit(' ', 1)[-1]} 분석 중", message)
    ko, en = PHASES.get(message, (message, message))
    return tr(ko, en)


@dataclass(frozen=True)
class FocusRun:
    """The run the panels are about."""

    run_id: int
    label: str  # "#3 RSI swing"
    quote: str  # "KRW"


class TasksView(Protocol):
    def show_sensitivity(self, panel: SensitivityPanel) -> None: ...
    def show_monte_carlo(self, panel: MonteCarloPanel) -> None: ...
    def monte_carlo_inputs(self) -> tuple[str, str]: ...
    def ask_report_file(self, suggested_name: str) -> str | None: ...
    def export_csv_wanted(self) -> bool: ...
    def show_export(self, state: TaskState) -> None: ...
    def show_status(self, message: str) -> None: ...
    def show_error(self, message: str) -> None: ...


class _Task:
    """One kind of task: the run it is running for (or None), its handle and its progress line."""

    def __init__(self) -> None:
        self.run_id: int | None = None
        self.handle: WorkHandle | None = None
        self.state = TaskState()
        self.error: dict[int, str] = {}  # per run: why its last attempt failed

    @property
    def running(self) -> bool:
        return self.handle is not None

    def cancel(self) -> bool:
        if self.handle is None:
            return False
        self.handle.cancel()
        self.state = TaskState(True, self.state.fraction, tr("취소 중...", "cancelling..."))
        return True


class RunTasks:
    def __init__(self, view: TasksView, services: AnalysisServices, work: BackgroundWork) -> None:
        self.view = view
        self.services = services
        self.work = work
        self.focus: FocusRun | None = None
        self.analysed: list[int] = []  # what the report exports: the checked runs, or the one in focus
        self.sensitivity = _Task()
        self.monte_carlo = _Task()
        self.export = _Task()
        self._sensitivity: dict[int, SensitivityReport] = {}
        self._monte_carlo: dict[int, MonteCarloReport] = {}

    # ------------------------------------------------------------------ what the screen shows
    def set_focus(self, focus: FocusRun | None, analysed: Sequence[int]) -> None:
        self.focus = focus
        self.analysed = list(analysed)
        self.show()

    def forget(self, keep: set[int]) -> None:
        """Runs deleted since: their results go."""
        self._sensitivity = {k: v for k, v in self._sensitivity.items() if k in keep}
        self._monte_carlo = {k: v for k, v in self._monte_carlo.items() if k in keep}

    def show(self) -> None:
        self.view.show_sensitivity(self._sensitivity_panel())
        self.view.show_monte_carlo(self._monte_carlo_panel())
        self.view.show_export(self.export.state)

    def _state_for(self, task: _Task, run_id: int, idle: str) -> TaskState:
        if task.running:
            if task.run_id == run_id:
                return task.state
            return TaskState(True, task.state.fraction, f"#{task.run_id}: {task.state.text}")
        if run_id in task.error:
            return TaskState(False, 0.0, task.error[run_id])
        return TaskState(False, 0.0, idle)

    def _sensitivity_panel(self) -> SensitivityPanel:
        f = self.focus
        if f is None:
            return SensitivityPanel("", TaskState(text=tr("실행을 고르세요", "Pick a run")))
        report = self._sensitivity.get(f.run_id)
        idle = tr("다시 실행하려면 실행 버튼을 누르세요", "Press Run to run it again") if report else tr(
            "아직 실행하지 않았습니다: 실행 (Ctrl+Shift+F)", "Not run yet: press Run (Ctrl+Shift+F)")  # fmt: skip
        state = self._state_for(self.sensitivity, f.run_id, idle)
        can_run = not self.sensitivity.running
        if report is None:
            return SensitivityPanel(f.label, state, can_run)
        return sensitivity_panel(report, f.label, state, can_run=can_run)

    def _monte_carlo_panel(self) -> MonteCarloPanel:
        f = self.focus
        if f is None:
            return MonteCarloPanel("", TaskState(text=tr("실행을 고르세요", "Pick a run")))
        report = self._monte_carlo.get(f.run_id)
        idle = tr("경로 수를 정하고 실행하세요 (Ctrl+Shift+M)", "Set the paths and press Run (Ctrl+Shift+M)")
        state = self._state_for(self.monte_carlo, f.run_id, idle)
        can_run = not self.monte_carlo.running
        if report is None:
            return MonteCarloPanel(f.label, state, can_run)
        panel = monte_carlo_panel(report, f.label, f.quote, state)
        return MonteCarloPanel(panel.run_label, state, can_run, panel.table, panel.headline, panel.notes)

    # ------------------------------------------------------------------ running
    def _submit(
        self,
        task: _Task,
        run_id: int | None,
        job: Callable[[JobContext], T],
        done: Callable[[T], None],
        what: str,
    ) -> None:
        def on_done(result: T) -> None:
            cancelled = task.handle is not None and task.handle.cancelled
            task.handle = None
            if cancelled:
                self._cancelled(task)
            else:
                task.state = TaskState(False, 1.0, tr("완료", "done"))
                done(result)
            self.show()

        def on_error(exc: Exception) -> None:
            task.handle = None
            if isinstance(exc, OperationCancelled):
                self._cancelled(task)
            else:
                message = f"{what}: {exc}"
                task.state = TaskState(False, 0.0, message)
                if run_id is not None:
                    task.error[run_id] = message
                self.view.show_error(message)
            self.show()

        def on_progress(p: Progress) -> None:
            if task.handle is None or task.handle.cancelled:
                return  # finished or being cancelled: a late report must not overwrite that line
            task.state = TaskState(True, p.fraction, phase_text(p.message))
            self.show()

        if run_id is not None:
            task.error.pop(run_id, None)
        task.run_id = run_id
        task.state = TaskState(True, None, tr("대기 중", "waiting"))
        handle = self.work.submit(job, on_done, on_error, on_progress)
        # a runner without threads (tests) has already called back: the task is over
        task.handle = None if handle.finished else handle
        self.show()

    def _cancelled(self, task: _Task) -> None:
        task.state = TaskState(False, 0.0, tr("취소됨", "cancelled"))
        self.view.show_status(tr("취소했습니다", "Cancelled"))

    def run_sensitivity(self) -> None:
        f = self.focus
        if f is None or self.sensitivity.running:
            return
        use_case = self.services.fill_sensitivity
        run_id = f.run_id

        def job(ctx: JobContext) -> SensitivityReport:
            return use_case.execute(run_id, progress=ctx.progress, cancel=ctx.cancel)

        def done(report: SensitivityReport) -> None:
            self._sensitivity[run_id] = report
            if report.depends_on_optimism:
                self.view.show_status(tr(f"⚠ 실행 #{run_id}의 결과는 낙관적 체결 가정에 달려 있습니다",
                                         f"⚠ Run #{run_id}'s result depends on the optimistic fill assumption"))  # fmt: skip

        self._submit(self.sensitivity, run_id, job, done, tr("체결 민감도", "Fill sensitivity"))

    def run_monte_carlo(self) -> None:
        f = self.focus
        if f is None or self.monte_carlo.running:
            return
        try:
            paths, loss = parse_inputs(*self.view.monte_carlo_inputs())
        except ValueError as exc:
            self.monte_carlo.error[f.run_id] = str(exc)
            self.view.show_error(str(exc))
            self.show()
            return
        use_case = self.services.monte_carlo
        run_id = f.run_id

        def job(ctx: JobContext) -> MonteCarloReport:
            # The use case runs in one go (no progress, no cancel inside): a cancel drops its result.
            ctx.progress(Progress(0.0, 1.0, "simulating"))
            ctx.cancel.raise_if_cancelled("Monte Carlo cancelled")
            report = use_case.execute(run_id, paths=paths, loss_threshold=loss)
            ctx.cancel.raise_if_cancelled("Monte Carlo cancelled")
            return report

        def done(report: MonteCarloReport) -> None:
            self._monte_carlo[run_id] = report

        self._submit(self.monte_carlo, run_id, job, done, tr("몬테카를로", "Monte Carlo"))

    def export_report(self) -> None:
        ids = list(self.analysed)
        if self.export.running:
            return
        if not ids:
            self.view.show_error(tr("내보낼 실행을 고르세요", "Pick the runs to export first"))
            return
        chosen = self.view.ask_report_file(f"report-run-{'-'.join(str(i) for i in ids)}.html")
        if not chosen:
            return
        html = Path(chosen)
        if html.suffix.lower() not in (".html", ".htm"):
            html = html.with_name(html.name + ".html")
        csv_dir = html.with_name(html.stem + "-csv") if self.view.export_csv_wanted() else None
        use_case = self.services.export_report
        lang = language()

        def job(ctx: JobContext) -> Any:
            return use_case.execute(
                ids, html=html, csv_dir=csv_dir, language=lang, progress=ctx.progress, cancel=ctx.cancel
            )

        def done(exported: Any) -> None:
            csv = len(exported.csv_files)
            more = tr(f" 및 CSV {csv}개 ({csv_dir})", f" and {csv} CSV files ({csv_dir})") if csv else ""
            self.export.state = TaskState(False, 1.0, tr(f"저장됨: {html.name}", f"saved: {html.name}"))
            self.view.show_status(tr(f"보고서를 저장했습니다: {html}{more}", f"Report saved: {html}{more}"))

        self._submit(self.export, None, job, done, tr("보고서 내보내기", "Report export"))

    def cancel_sensitivity(self) -> None:
        if self.sensitivity.cancel():
            self.show()

    def cancel_monte_carlo(self) -> None:
        if self.monte_carlo.cancel():
            self.show()

    def cancel_export(self) -> None:
        if self.export.cancel():
            self.show()

    def cancel_all(self) -> None:
        """Esc, or the screen closing."""
        for task in (self.sensitivity, self.monte_carlo, self.export):
            task.cancel()
        self.show()
