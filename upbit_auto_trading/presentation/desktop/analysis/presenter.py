"""The analysis screen's logic. Checked runs (2-8) are compared: one table row per run (settings and metrics,
a run over another period flagged) and their equity curves normalised to 1.0. The run in focus (the one last
clicked, else the first checked) is analysed in full: equity against buy-and-hold, drawdowns, calendar
returns, rolling risk, trade distributions, exposure, breakdowns; the metrics card has a column for each
analysed run. Loading and analysing run off the GUI thread; the long tasks (fill sensitivity, Monte Carlo,
report export) are ``tasks.RunTasks``. No Qt.

Stored runs never change, so what was loaded for a run (its record, curve, analysis) is kept until the run
is deleted; a new selection cancels the load still running for the previous one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from upbit_auto_trading.domain.analysis.run_analysis import RunAnalysis
from upbit_auto_trading.domain.work import OperationCancelled, Progress
from upbit_auto_trading.presentation.desktop.analysis.comparison import Comparison, compare
from upbit_auto_trading.presentation.desktop.analysis.figures import quote_of
from upbit_auto_trading.presentation.desktop.analysis.metrics_card import CardRun, MetricsCard, metrics_card
from upbit_auto_trading.presentation.desktop.analysis.model import (
    ROLLING_WINDOWS,
    RunPanels,
    TaskState,
    panels_of,
    run_title,
)
from upbit_auto_trading.presentation.desktop.analysis.monte_carlo_panel import MonteCarloPanel
from upbit_auto_trading.presentation.desktop.analysis.sensitivity_panel import SensitivityPanel
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.analysis.tasks import FocusRun, RunTasks
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext, WorkHandle
from upbit_auto_trading.presentation.desktop.backtest.model import kst
from upbit_auto_trading.presentation.desktop.i18n import tr

__all__ = ["AnalysisPresenter", "AnalysisServices", "AnalysisView", "Comparison", "Curve", "RunItem"]

MAX_COMPARED = 8
DEFAULT_WINDOW = 90


@dataclass(frozen=True)
class RunItem:
    run_id: int
    label: str


@dataclass(frozen=True, eq=False)
class Curve:
    run_id: int
    label: str
    time: np.ndarray  # epoch seconds
    value: np.ndarray  # equity / starting equity


class AnalysisView(Protocol):
    def show_runs(self, items: Sequence[RunItem], checked: Sequence[int]) -> None: ...
    def checked_run_ids(self) -> list[int]: ...
    def current_run_id(self) -> int | None: ...
    def show_comparison(self, comparison: Comparison) -> None: ...
    def show_curves(self, curves: Sequence[Curve]) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def show_error(self, message: str) -> None: ...
    # the run in focus and the analysed runs
    def show_busy(self, state: TaskState) -> None: ...
    def show_analysis(self, panels: RunPanels | None) -> None: ...
    def show_metrics(self, card: MetricsCard) -> None: ...
    def rolling_window(self) -> int: ...
    # the long tasks (tasks.TasksView)
    def show_sensitivity(self, panel: SensitivityPanel) -> None: ...
    def show_monte_carlo(self, panel: MonteCarloPanel) -> None: ...
    def monte_carlo_inputs(self) -> tuple[str, str]: ...
    def ask_report_file(self, suggested_name: str) -> str | None: ...
    def export_csv_wanted(self) -> bool: ...
    def show_export(self, state: TaskState) -> None: ...
    def show_status(self, message: str) -> None: ...


@dataclass
class _Loaded:
    """What one background load brought: records, normalised curves, analyses (or why a run failed)."""

    stored: dict[int, Any] = field(default_factory=dict)
    curves: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    analyses: dict[int, RunAnalysis] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


class AnalysisPresenter:
    def __init__(
        self,
        view: AnalysisView,
        services: AnalysisServices,
        work: BackgroundWork,
        tasks_work: BackgroundWork | None = None,
    ) -> None:
        self.view = view
        self.services = services
        self.work = work
        self.tasks = RunTasks(view, services, tasks_work or work)
        self._stored: dict[int, Any] = {}
        self._curves: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._analyses: dict[int, RunAnalysis] = {}
        self._errors: dict[int, str] = {}
        self._panels: dict[tuple[int, int], RunPanels] = {}
        self._job: WorkHandle | None = None
        self._generation = 0

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            runs = self.services.list_runs.execute()
            items = [
                RunItem(
                    r.run_id,
                    f"#{r.run_id} {r.strategy_name} | {r.market} {r.timeframe} | "
                    f"{kst(r.data_start)[:10]} ~ {kst(r.data_end)[:10]} KST",
                )  # fmt: skip
                for r in runs
            ]
            ids = {r.run_id for r in runs}
            checked = [i for i in self.view.checked_run_ids() if i in ids]
            self._forget(ids)
            self.view.show_runs(items, checked)
            self.selection_changed()
        except Exception as exc:
            self.view.show_error(str(exc))

    def _forget(self, keep: set[int]) -> None:
        self._stored = {k: v for k, v in self._stored.items() if k in keep}
        self._curves = {k: v for k, v in self._curves.items() if k in keep}
        self._analyses = {k: v for k, v in self._analyses.items() if k in keep}
        self._errors = {}  # a run that failed to load may load now (its candles imported since)
        self._panels = {k: v for k, v in self._panels.items() if k[0] in keep}
        self.tasks.forget(keep)

    # ------------------------------------------------------------------ selection
    def _wanted(self) -> tuple[list[int], int | None, list[int]]:
        """(compared runs, the run in focus, analysed runs: the focus then the other checked ones)."""
        checked = self.view.checked_run_ids()[:MAX_COMPARED]
        current = self.view.current_run_id()
        focus = current if current is not None else (checked[0] if checked else None)
        analysed = ([focus] if focus is not None else []) + [i for i in checked if i != focus]
        return checked, focus, analysed

    def selection_changed(self) -> None:
        """The checked runs or the run in focus changed: load what is missing, then show it all."""
        compared, focus, analysed = self._wanted()
        need_stored = [i for i in dict.fromkeys(compared + analysed) if i not in self._stored]
        need_curves = [i for i in compared if i not in self._curves]
        need_analyses = [i for i in analysed if i not in self._analyses and i not in self._errors]
        self._generation += 1
        generation = self._generation
        if self._job is not None:
            self._job.cancel()  # it stops before its next run; what it already loaded is kept
            self._job = None
        if not (need_stored or need_curves or need_analyses):
            self._show()
            return
        job = self._load_job(need_stored, need_curves, need_analyses)

        def done(loaded: _Loaded) -> None:
            self._keep(loaded)
            if generation == self._generation:
                self._job = None
                self._show()

        def failed(exc: Exception) -> None:
            if generation != self._generation:
                return
            self._job = None
            self.view.show_busy(TaskState())
            if not isinstance(exc, OperationCancelled):
                self.view.show_error(str(exc))

        def progress(p: Progress) -> None:
            if generation == self._generation:
                self.view.show_busy(TaskState(True, p.fraction, _load_text(p.message)))

        self.view.show_busy(TaskState(True, None, tr("불러오는 중...", "loading...")))
        handle = self.work.submit(job, done, failed, progress)
        self._job = None if handle.finished else handle

    def _load_job(
        self, stored: list[int], curves: list[int], analyses: list[int]
    ) -> Callable[[JobContext], _Loaded]:
        """The background load of the records, curves and analyses not kept yet (a cancel stops it between
        two runs)."""
        services = self.services

        def job(ctx: JobContext) -> _Loaded:
            loaded = _Loaded()
            for run_id in stored:
                loaded.stored[run_id] = services.get_run.execute(run_id)
            total = len(curves) + len(analyses)
            for step, run_id in enumerate(curves):
                ctx.cancel.raise_if_cancelled()
                ctx.progress(Progress(step, total, f"curve {run_id}"))
                loaded.curves[run_id] = _normalised(services.open_run.execute(run_id))
            for step, run_id in enumerate(analyses, start=len(curves)):
                ctx.cancel.raise_if_cancelled()
                ctx.progress(Progress(step, total, f"analysing run {run_id}"))
                try:
                    loaded.analyses[run_id] = services.analyse_run.execute(run_id)
                except Exception as exc:  # one run that cannot be analysed must not hide the others
                    loaded.errors[run_id] = str(exc)
            return loaded

        return job

    def _keep(self, loaded: _Loaded) -> None:
        self._stored.update(loaded.stored)
        self._curves.update(loaded.curves)
        self._analyses.update(loaded.analyses)
        self._errors.update(loaded.errors)

    def window_changed(self) -> None:
        """Another rolling window (days) for the rolling Sharpe and volatility."""
        self._show_focus(*self._wanted()[1:])

    # ------------------------------------------------------------------ showing
    def _show(self) -> None:
        compared, focus, analysed = self._wanted()
        self.view.show_busy(TaskState())
        try:
            stored = [self._stored[i] for i in compared if i in self._stored]
            comparison = compare(stored)
            self.view.show_comparison(comparison)
            self.view.show_curves(
                [
                    Curve(s.run_id, label, *self._curves[s.run_id])
                    for s, label in zip(stored, comparison.run_labels, strict=True)
                    if s.run_id in self._curves
                ]
            )
            self._show_focus(focus, analysed)
        except Exception as exc:
            self.view.show_error(str(exc))

    def _show_focus(self, focus: int | None, analysed: list[int]) -> None:
        card_runs = [
            CardRun(self._stored[i], self._analyses.get(i), self._errors.get(i, ""))
            for i in analysed
            if i in self._stored
        ]
        self.view.show_metrics(metrics_card(card_runs))
        panels = self._panels_of(focus)
        self.view.show_analysis(panels)
        stored = self._stored.get(focus) if focus is not None else None
        self.tasks.set_focus(
            None if stored is None else FocusRun(stored.run_id, f"#{stored.run_id} {stored.strategy_name}",
                                                 quote_of(stored.record.market)),
            [i for i in analysed if i in self._stored],
        )  # fmt: skip
        if focus is not None and focus in self._errors:
            self.view.show_error(tr(f"실행 #{focus}을 분석할 수 없습니다: ", f"Run #{focus} cannot be analysed: ")
                                 + self._errors[focus])  # fmt: skip

    def _panels_of(self, run_id: int | None) -> RunPanels | None:
        if run_id is None or run_id not in self._analyses or run_id not in self._stored:
            return None
        window = self.view.rolling_window()
        if window not in ROLLING_WINDOWS:
            window = DEFAULT_WINDOW
        key = (run_id, window)
        if key not in self._panels:
            s = self._stored[run_id]
            rec = s.record
            title = run_title(
                run_id, s.strategy_name, rec.market, rec.timeframe, rec.data_start, rec.data_end
            )
            self._panels[key] = panels_of(run_id, title, self._analyses[run_id], window_days=window)
        return self._panels[key]

    # ------------------------------------------------------------------ runs
    def delete_current(self) -> None:
        run_id = self.view.current_run_id()
        if run_id is None:
            return
        if not self.view.confirm(tr(f"저장된 실행 #{run_id}을 삭제할까요?", f"Delete stored run #{run_id}?")):
            return
        try:
            self.services.delete_run.execute(run_id)
        except Exception as exc:
            self.view.show_error(str(exc))
        self.refresh()

    # ------------------------------------------------------------------ long tasks (buttons, shortcuts)
    def run_sensitivity(self) -> None:
        self.tasks.run_sensitivity()

    def cancel_sensitivity(self) -> None:
        self.tasks.cancel_sensitivity()

    def run_monte_carlo(self) -> None:
        self.tasks.run_monte_carlo()

    def cancel_monte_carlo(self) -> None:
        self.tasks.cancel_monte_carlo()

    def export_report(self) -> None:
        self.tasks.export_report()

    def cancel_export(self) -> None:
        self.tasks.cancel_export()

    def cancel_all(self) -> None:
        self.tasks.cancel_all()


def _normalised(charts: Any) -> tuple[np.ndarray, np.ndarray]:
    """(times, equity / starting capital) of an opened run."""
    eq = np.asarray(charts.equity, dtype=float)
    start = float(charts.stored.record.settings.get("initial_capital") or (eq[0] if len(eq) else 1.0))
    return np.asarray(charts.start, dtype=float), eq / start


def _load_text(message: str) -> str:
    what, _, run_id = message.rpartition(" ")
    if what == "curve":
        return tr(f"실행 #{run_id} 곡선 읽는 중", f"loading run #{run_id}'s curve")
    return tr(f"실행 #{run_id} 분석 중", f"analysing run #{run_id}")
