"""The Robustness section's presenter against a fake view: the real sweep and walk-forward use cases over the
strategy fakes and a real SQLite study store; background work runs inline (``ImmediateBackgroundWork``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from upbit_auto_trading.domain.robustness.verdict import NOT_ENOUGH_DATA
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.robustness.form import StudyForm
from upbit_auto_trading.presentation.desktop.robustness.presenter import RobustnessPresenter

PERIOD = "entry.0.params.period"
THRESHOLD = "entry.0.value"


class FakeView:
    def __init__(self) -> None:
        self.strategies: list[str] = []
        self.series: list = []
        self.rows: list = []
        self.cell_count = ""
        self.the_form = StudyForm("sweep", "", "", "", "2024-01-20", "", "10,000,000", "0.05", "0", ())
        self.running: list[bool] = []
        self.progress: list[tuple[float, str]] = []
        self.studies: list = []
        self.selected: int | None = None
        self.sweep = None
        self.heatmap = None
        self.walk = None
        self.status = ""
        self.errors: list[str] = []
        self.questions: list[str] = []
        self.answer = True
        self.on_progress = None  # a test's hook: what a user does while the bar moves

    def show_strategies(self, names) -> None:  # noqa: ANN001
        self.strategies = list(names)
        if names and not self.the_form.strategy:
            self.the_form = replace(self.the_form, strategy=names[0])

    def show_series(self, options) -> None:  # noqa: ANN001
        self.series = list(options)
        if options and not self.the_form.market:
            self.the_form = replace(self.the_form, market=options[0].market, timeframe=options[0].timeframe)

    def show_parameters(self, rows) -> None:  # noqa: ANN001
        self.rows = list(rows)
        self.the_form = replace(self.the_form, parameters=tuple(rows))

    def show_cell_count(self, text: str) -> None:
        self.cell_count = text

    def form(self) -> StudyForm:
        return self.the_form

    def set_form(self, form: StudyForm) -> None:
        self.the_form = form

    def set_running(self, running: bool) -> None:
        self.running.append(running)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.append((fraction, text))
        if self.on_progress is not None:
            self.on_progress(fraction, text)

    def show_studies(self, rows) -> None:  # noqa: ANN001
        self.studies = list(rows)

    def selected_study(self):  # noqa: ANN201
        return self.selected

    def show_sweep(self, view) -> None:  # noqa: ANN001
        self.sweep = view

    def show_heatmap(self, view) -> None:  # noqa: ANN001
        self.heatmap = view

    def show_walk_forward(self, view) -> None:  # noqa: ANN001
        self.walk = view

    def show_status(self, message: str) -> None:
        self.status = message

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer

    # what a user types into the parameters table
    def sweep_parameter(
        self, path: str, start: str = "", stop: str = "", step: str = "", values: str = ""
    ) -> None:
        rows = [replace(r, swept=True, start=start, stop=stop, step=step, values=values) if r.path == path else r
                for r in self.the_form.parameters]  # fmt: skip
        self.the_form = replace(self.the_form, parameters=tuple(rows))


def _presenter(bench, hold: bool = False) -> tuple[RobustnessPresenter, FakeView, ImmediateBackgroundWork]:  # noqa: ANN001
    view = FakeView()
    work = ImmediateBackgroundWork(hold=hold)
    p = RobustnessPresenter(view, bench.services, work)
    p.start()
    return p, view, work


def _grid(view: FakeView) -> None:
    view.sweep_parameter(PERIOD, "8", "16", "4")  # 8, 12, 16
    view.sweep_parameter(THRESHOLD, values="25,30,35,40")


def test_the_form_lists_the_strategy_parameters_with_suggested_ranges(bench):
    p, view, _ = _presenter(bench)
    assert view.strategies == ["RSI swing"] and view.series[0].market == "KRW-BTC"
    by_path = {r.path: r for r in view.rows}
    period = by_path[PERIOD]
    assert period.current == "14" and period.integer and not period.swept
    assert (period.start, period.stop, period.step) == ("10", "18", "2")  # five values around 14
    stop = by_path["rules.stop_take_profit.stop_loss_pct"]
    assert stop.label == "Fixed stop-loss / take-profit: Stop-loss %" and stop.current == "4"
    assert view.cell_count == "Tick the parameters to sweep"
    _grid(view)
    p.parameters_changed()
    assert view.cell_count == "12 cells"
    view.sweep_parameter(THRESHOLD, values="25,x")
    p.parameters_changed()
    assert view.cell_count == "Check the values"


def test_a_form_that_cannot_run_says_why_and_runs_nothing(bench):
    p, view, _ = _presenter(bench)
    p.run()
    assert view.errors[-1] == "Tick at least one parameter to sweep" and view.running == []
    view.sweep_parameter(PERIOD, "20", "8", "2")
    p.run()
    assert "STOP must not be below START" in view.errors[-1] and view.running == []
    view.the_form = replace(view.the_form, mode="walkforward", train="half a year")
    view.sweep_parameter(PERIOD, "8", "12", "2")
    p.run()
    assert view.errors[-1] == "Train: write a length like 180d, 26w or 12h" and view.running == []
    assert bench.services.list_studies.execute() == []


def test_a_sweep_shows_the_ranked_table_the_heatmap_and_the_verdict(bench):
    p, view, _ = _presenter(bench)
    _grid(view)
    p.run()
    assert view.running == [True, False] and not view.errors
    assert view.progress[-1][0] == 1.0 and view.status.startswith("Sweep #1 done: 12 cells. Best plateau:")
    sweep = view.sweep
    ranks = [row.cells[0] for row in sweep.table.rows]
    assert ranks == [str(k) for k in range(1, 13)]  # every cell, the best plateau first
    assert sweep.table.headers[:3] == ("Rank", "RSI below 35: RSI period", "RSI below 35: threshold")
    report = p.report
    assert [row.key for row in sweep.table.rows] == [r.key for r in report.rows]
    # the heatmap: the objective over the two parameters, the rank-1 cell outlined
    heat = view.heatmap
    assert (
        heat.z.shape == (4, 3)
        and heat.x_values == ["8", "12", "16"]
        and heat.y_values == ["25", "30", "35", "40"]
    )
    best = report.best()
    assert heat.best == (best.index[0], best.index[1])
    assert np.isclose(heat.z[best.index[1], best.index[0]], best.value)
    j, i = np.unravel_index(np.nanargmax(heat.z), heat.z.shape)
    assert heat.peak == (i, j) and heat.z[j, i] == max(r.value for r in report.rows if r.value is not None)
    # the card: real figures from the sweep's 12 trials, a verdict in words
    card = dict(sweep.verdict.figures)
    assert card["Trials"] == "12" and sweep.verdict.tone in ("good", "warn", "bad", "neutral")
    assert "Of 12 parameter sets tried" in sweep.verdict.text or report.card.verdict == NOT_ENOUGH_DATA
    (study,) = view.studies
    assert study.cells[1] == "Sweep" and study.cells[4] == "completed 12/12" and not study.resumable


def test_the_heatmap_follows_the_chosen_axes_and_metric(bench):
    p, view, _ = _presenter(bench)
    _grid(view)
    p.run()
    p.heatmap_changed(THRESHOLD, THRESHOLD, "total_return")  # the same parameter twice: the other goes up
    heat = view.heatmap
    assert (heat.x, heat.y, heat.metric) == (THRESHOLD, PERIOD, "total_return")
    assert heat.x_values == ["25", "30", "35", "40"] and heat.z.shape == (3, 4)
    by_values = {(r.values[THRESHOLD], r.values[PERIOD]): r.metric("total_return") for r in p.report.rows}
    assert heat.value_text(1, 2) == f"{by_values[('30', '16')] * 100:,.2f}%"


def test_cancel_keeps_the_cells_and_resume_finishes_the_same_sweep(bench):
    p, view, work = _presenter(bench, hold=True)
    _grid(view)
    while_running: list = []

    def user(fraction: float, text: str) -> None:
        if text == "running cells 3/12" and not while_running:
            while_running.extend(view.studies)
            p.cancel()

    view.on_progress = user
    p.run()
    assert view.running == [True]
    work.run_pending()
    (listed,) = while_running  # listed as it runs, and nothing resumes while it runs
    assert listed.cells[4] == "running 0/12" and listed.resumable is False
    assert view.running == [True, False]
    assert "Sweep #1 cancelled with 3 of 12 cells stored" in view.status
    (study,) = view.studies
    assert study.cells[4] == "cancelled 3/12" and study.resumable
    assert len(view.sweep.table.rows) == 3  # what was evaluated, ranked

    view.on_progress = None
    view.selected = 1
    before = len(view.progress)
    p.resume()
    work.run_pending()
    assert view.status.startswith("Sweep #1 done: 12 cells")
    assert view.studies[0].cells[4] == "completed 12/12" and not view.studies[0].resumable
    assert len(view.sweep.table.rows) == 12 and view.heatmap.z.shape == (4, 3)
    resumed = [text for _, text in view.progress[before:] if text.startswith("running cells")]
    assert resumed[0] == "running cells 3/12" and resumed[-1] == "running cells 12/12"  # went on from 3


def test_an_opened_sweep_puts_its_settings_back_in_the_form(bench):
    p, view, _ = _presenter(bench)
    _grid(view)
    view.the_form = replace(view.the_form, end="2024-03-01", fee_pct="0.1", objective="total_return")
    p.run()
    first = view.sweep.table.rows
    view.the_form = StudyForm("walkforward", "RSI swing", "KRW-BTC", "1h", "", "", "1", "0", "0",
                              tuple(replace(r, swept=False) for r in view.rows))  # fmt: skip
    view.selected = 1
    p.open_study()
    f = view.the_form
    assert (f.mode, f.start, f.end, f.capital, f.fee_pct, f.objective) == (
        "sweep", "2024-01-20", "2024-03-01", "10,000,000", "0.1", "total_return")  # fmt: skip
    swept = {r.path: (r.start, r.stop, r.step, r.values) for r in f.parameters if r.swept}
    assert swept == {PERIOD: ("8", "16", "4", ""), THRESHOLD: ("25", "40", "5", "")}  # 25,30,35,40: a range
    assert (
        view.sweep.table.rows == first
        and view.status == "Opened sweep #1; its settings are back in the form."
    )
    p.run()  # the same sweep again, from the reopened form
    assert [r.cells for r in view.sweep.table.rows] == [r.cells for r in first]


def test_a_re_run_check_repeats_the_cells_bit_for_bit(bench):
    p, view, _ = _presenter(bench)
    view.sweep_parameter(PERIOD, values="10,14")
    p.run()
    view.selected = 1
    p.rerun()
    assert view.status == "Re-run of sweep #1: 2 of 2 cells identical, bit for bit" and not view.errors


def test_deleting_a_stored_study_asks_first(bench):
    p, view, _ = _presenter(bench)
    view.sweep_parameter(PERIOD, values="10,14")
    p.run()
    view.selected = 1
    view.answer = False
    p.delete_study()
    assert view.questions == ["Delete stored sweep #1 (2 cells)?"] and len(view.studies) == 1
    view.answer = True
    p.delete_study()
    assert view.studies == [] and p.report is None


def test_a_walk_forward_shows_the_stitched_equity_and_the_choice_of_each_window(bench):
    p, view, _ = _presenter(bench)
    view.sweep_parameter(PERIOD, values="10,14")
    view.the_form = replace(
        view.the_form, mode="walkforward", start="", train="30d", test="15d", anchored=True
    )
    p.run()
    assert not view.errors, view.errors
    walk = view.walk
    report = p.walk_forward
    assert len(walk.rows) == len(report.windows) >= 3
    assert walk.headers[3] == "RSI below 35: RSI period" and {r[3] for r in walk.rows} <= {"10", "14"}
    assert walk.title.endswith("anchored, train 30d / test 15d")
    figures = dict(walk.figures)
    eff = report.efficiency
    assert figures["Walk-forward efficiency"] == ("-" if eff is None else f"{eff:.2f}")
    assert figures["Windows"] == str(len(report.windows))
    assert len(walk.times) == len(walk.equity) > 0 and walk.times[0] == walk.windows[0][1]
    assert view.studies[0].cells[1] == "Walk-forward" and view.studies[0].cells[4] == "completed"
    view.selected = view.studies[0].study_id
    view.walk = None
    p.open_study()
    assert view.walk.rows == walk.rows and view.the_form.mode == "walkforward" and view.the_form.anchored


def test_opening_a_study_works_while_a_sweep_runs(bench):
    view = FakeView()
    work, reads = ImmediateBackgroundWork(hold=True), ImmediateBackgroundWork()
    p = RobustnessPresenter(view, bench.services, work, reads)
    p.start()
    view.sweep_parameter(PERIOD, values="10,14")
    p.run()
    work.run_pending()
    _grid(view)
    p.run()  # a second sweep, held: it has not run yet
    started = view.the_form
    view.selected = 1
    p.open_study()
    assert view.sweep.study_id == 1 and view.running[-1] is True
    assert view.the_form == started  # the running sweep's form is left as it was started (not sweep #1's)
    work.run_pending()
    assert view.sweep.study_id == 2


def test_an_optuna_sweep_runs_its_trials_and_leaves_the_rest_of_the_heatmap_empty(bench):
    p, view, _ = _presenter(bench)
    _grid(view)
    view.the_form = replace(view.the_form, sampler="optuna", trials=5)
    p.run()
    assert view.status.startswith("Sweep #1 done: 5 cells"), view.status
    assert len(view.sweep.table.rows) == 5 and view.sweep.title.endswith("completed 5/5 cells, optuna")
    assert view.heatmap.z.shape == (4, 3) and int(np.isnan(view.heatmap.z).sum()) >= 12 - 5
    assert view.studies[0].cells[4] == "completed 5"  # of the trials asked for, not of the 12-cell grid
