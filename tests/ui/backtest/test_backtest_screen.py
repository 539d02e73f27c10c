"""Backtest screen: presenter with a fake view and the real queue, then the widget with pytest-qt."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.queue import BacktestQueue
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.domain.backtest import BacktestCancelled
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.infrastructure.backtest.thread_pool import ThreadWorkerPool
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.backtest.model import RunForm
from upbit_auto_trading.presentation.desktop.backtest.presenter import (
    BacktestPresenter,
    BacktestServices,
    parse_form,
)
from upbit_auto_trading.presentation.desktop.i18n import set_language


class _Series:
    def __init__(self, candles) -> None:  # noqa: ANN001
        self.candles = candles

    def execute(self, with_gaps: bool = True):  # noqa: ANN201
        c = self.candles
        first = datetime.fromtimestamp(int(c.start[0]), UTC)
        last = datetime.fromtimestamp(int(c.start[-1]), UTC)
        return [SimpleNamespace(market=c.market, timeframe=c.timeframe, first=first, last=last, count=len(c))]


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def bench(support):  # noqa: ANN201
    w = support.world()
    w.create.execute(support.rsi_document())
    queue = BacktestQueue(w.run.execute, ThreadWorkerPool())
    w.services = BacktestServices(ListStrategies(w.strategies), _Series(w.candles), queue, ListRuns(w.runs),
                                  w.open_run, DeleteRun(w.runs))  # fmt: skip
    yield w
    queue.shutdown()


def form(**kw) -> RunForm:  # noqa: ANN003
    base = {"strategy": "RSI swing", "market": "KRW-BTC", "timeframe": "1h", "start": "", "end": "",
            "capital": "10,000,000", "fee_pct": "0.05", "slippage_pct": "0"}  # fmt: skip
    return RunForm(**(base | kw))


class FakeView:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple] = []
        self.the_form = form()
        self.answer = True
        self.finished = threading.Event()

    def _log(self, *call) -> None:  # noqa: ANN002
        with self.lock:
            self.calls.append(call)

    def of(self, name: str) -> list:
        return [c[1:] for c in self.calls if c[0] == name]

    def show_strategies(self, names) -> None:  # noqa: ANN001
        self._log("strategies", list(names))

    def show_series(self, options) -> None:  # noqa: ANN001
        self._log("series", list(options))

    def form(self) -> RunForm:
        return self.the_form

    def set_running(self, running: bool) -> None:
        self._log("running", running)

    def show_progress(self, fraction: float, text: str) -> None:
        self._log("progress", fraction, text)

    def show_queue(self, rows) -> None:  # noqa: ANN001
        self._log("queue", list(rows))

    def show_runs(self, rows) -> None:  # noqa: ANN001
        self._log("runs", list(rows))

    def show_result(self, result) -> None:  # noqa: ANN001
        self._log("result", result)
        self.finished.set()

    def set_form(self, the_form: RunForm) -> None:
        self._log("set_form", the_form)
        self.the_form = the_form

    def show_error(self, message: str) -> None:
        self._log("error", message)
        self.finished.set()

    def show_status(self, message: str) -> None:
        self._log("status", message)
        if "cancel" in message.lower() and "ing" not in message.lower():
            self.finished.set()

    def confirm(self, question: str) -> bool:
        return self.answer


def test_form_parsing():
    req = parse_form(form(start="2024-01-02", end="2024-01-03", fee_pct="0.1", slippage_pct="0.02"))
    assert str(req.fee_rate) == "0.001" and str(req.slippage_rate) == "0.0002"
    assert req.end.hour == 23 and req.start.day == 2
    for bad in (form(strategy=""), form(start="02/01/2024"), form(capital="ten"),
                form(start="2024-02-01", end="2024-01-01")):  # fmt: skip
        with pytest.raises(ValueError):
            parse_form(bad)


@pytest.mark.parametrize("capital", ["1e400", "NaN", "Infinity", "-5", "0", "1e16"])
def test_capital_outside_the_engines_range_is_an_error_and_nothing_is_queued(bench, capital):
    """Issue 16: the Capital field took 1e400 (the run failed with InvalidOperation at its end) and NaN (a
    failed job naming no range). Now the form is refused with the range, before anything is queued."""
    view = FakeView()
    view.the_form = form(capital=capital)
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    p.run()
    assert view.of("error") == [("Capital: must be above 0 and at most 1,000,000,000,000,000",)]
    assert p.jobs == [] and bench.runs.list() == []


def test_a_fee_that_is_not_a_number_is_an_error_not_a_crash(bench):
    """A fee of NaN parsed as a Decimal, then the unusual-cost comparison raised InvalidOperation."""
    view = FakeView()
    view.the_form = form(fee_pct="NaN")
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    p.run()
    assert view.of("error") == [("Fee: enter a number",)] and p.jobs == []


def test_run_shows_progress_result_and_stores_the_run(bench):
    view = FakeView()
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    assert view.of("strategies")[-1] == (["RSI swing"],)
    p.run()
    assert view.finished.wait(20)
    result = view.of("result")[-1][0]
    assert result.run_id == 1 and result.fills and result.markers
    assert {m.kind for m in result.markers} >= {"entry", "exit"}
    assert dict(result.metrics)["Trades"] == str(bench.runs.get(1).record.metrics["trades"])
    fractions = [c[0] for c in view.of("progress")]
    assert fractions[-1] == 1.0 and max(fractions) == 1.0
    assert view.of("running")[-1] == (False,)
    assert [r.run_id for r in view.of("runs")[-1][0]] == [1]


def test_invalid_form_and_missing_candles(bench):
    view = FakeView()
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    view.the_form = form(capital="abc")
    p.run()
    assert view.of("error") and bench.runs.list() == []
    view.the_form = form(market="KRW-ETH")
    view.finished.clear()
    p.run()
    assert view.finished.wait(20)
    assert "KRW-ETH" in view.of("error")[-1][0]


def test_open_and_delete_stored_runs(bench):
    bench.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))
    view = FakeView()
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    p.open_run(1)
    result = view.of("result")[-1][0]
    assert result.candles is not None and result.buy_and_hold is not None and len(result.equity) == 1500
    view.answer = False
    p.delete_run(1)
    assert bench.runs.get(1) is not None
    view.answer = True
    p.delete_run(1)
    assert bench.runs.get(1) is None and view.of("runs")[-1] == ([],)


def test_widget_runs_and_draws(qtbot, bench):
    from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork
    from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget

    widget = BacktestWidget()
    qtbot.addWidget(widget)
    widget.presenter = BacktestPresenter(widget, bench.services, QtBackgroundWork(widget))
    widget.presenter.start()
    assert widget.market.currentText() == "KRW-BTC" and widget.timeframe.currentText() == "1h"
    assert "1,500" in widget.range_hint.text()
    qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.runs.rowCount() == 1, timeout=20000)
    assert widget.fills.rowCount() > 0 and widget.metrics.rowCount() > 10
    assert widget.chart.marker_count == widget.fills.rowCount()
    assert widget.progress.value() == 1000 and not widget.cancel_button.isEnabled()
    widget.runs.selectRow(0)
    widget.chart.clear_result()
    qtbot.mouseClick(widget.open_button, Qt.MouseButton.LeftButton)
    assert widget.chart.candle_item is not None and "#1" in widget.title.text()


class GatedRuns:
    """A run function that reports progress, then holds each run until ``gate`` opens (cancel still works)."""

    def __init__(self, run) -> None:  # noqa: ANN001
        self.run, self.gate, self.started = run, threading.Event(), threading.Semaphore(0)

    def __call__(self, request, progress, cancel):  # noqa: ANN001, ANN204
        progress(Progress(0.25, 1, "engine"))
        self.started.release()
        while not self.gate.wait(0.01):
            if cancel.cancelled:
                raise BacktestCancelled("stopped")
        return self.run(request, progress, cancel)


def test_queue_lists_running_and_waiting_jobs_each_cancellable(bench):
    gated = GatedRuns(bench.run.execute)
    queue = BacktestQueue(gated, ThreadWorkerPool())
    bench.services = replace(bench.services, queue=queue)
    posted = ImmediateBackgroundWork(hold=True)
    view = FakeView()
    p = BacktestPresenter(view, bench.services, posted)  # the test thread plays the GUI thread

    def drain() -> list:
        posted.run_pending()
        return [(r.job_id, r.state, r.cancellable) for r in view.of("queue")[-1][0]]

    try:
        for _ in range(3):
            p.run()
        assert gated.started.acquire(timeout=10)
        assert drain() == [(1, "running", True), (2, "queued", True), (3, "queued", True)]
        rows = view.of("queue")[-1][0]
        assert (
            rows[0].label == "#1 RSI swing"
            and rows[0].text.startswith("KRW-BTC 1h · running")
            and rows[0].progress == 0.25
        )
        assert "25%" in rows[0].text and "simulating" in rows[0].text and "2 ahead" in rows[2].text

        p.cancel_job(2)  # waiting: leaves the line at once
        assert drain() == [(1, "running", True), (3, "queued", True)]
        assert "1 ahead" in view.of("queue")[-1][0][1].text and "#2 cancelled" in view.of("status")[-1][0]

        p.cancel_job(1)  # running: stops at its next check
        assert drain()[0] == (1, "cancelling", False)
        assert gated.started.acquire(timeout=10)  # #1 gave way, #3 runs
        assert drain() == [(3, "running", True)]
        assert "cancelled" not in [text for _, text in view.of("progress")]  # #3 runs: the bar is its

        gated.gate.set()
        queue.jobs()[-1].wait(20)
        assert drain() == []
        assert view.of("result")[-1][0].run_id == 1 and [r.run_id for r in view.of("runs")[-1][0]] == [1]
        assert view.of("running")[-1] == (False,)
    finally:
        gated.gate.set()
        queue.shutdown()


def test_widget_queue_rows_cancel_buttons(qtbot, bench):
    from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork
    from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget

    gated = GatedRuns(bench.run.execute)
    queue = BacktestQueue(gated, ThreadWorkerPool())
    bench.services = replace(bench.services, queue=queue)
    widget = BacktestWidget()
    qtbot.addWidget(widget)
    widget.presenter = BacktestPresenter(widget, bench.services, QtBackgroundWork(widget))
    widget.presenter.start()
    try:
        assert widget.queue.empty_label.isVisibleTo(widget) and widget.queue.job_ids() == []
        qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: widget.queue.row(1) is not None and "running" in widget.queue.row(1).state.text()
        )
        assert widget.queue.job_ids() == [1, 2] and not widget.queue.empty_label.isVisibleTo(widget)
        assert "waiting" in widget.queue.row(2).state.text() and widget.queue.row(1).progress.value() == 250
        qtbot.mouseClick(widget.queue.row(2).cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: widget.queue.job_ids() == [1])
        gated.gate.set()
        qtbot.waitUntil(lambda: widget.runs.rowCount() == 1, timeout=20000)
        qtbot.waitUntil(lambda: widget.queue.job_ids() == [])
        assert widget.queue.empty_label.isVisibleTo(widget) and not widget.cancel_button.isEnabled()
    finally:
        gated.gate.set()
        queue.shutdown()


class AskingView(FakeView):
    """Records each confirmation question."""

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[str] = []

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer


def test_fee_is_percent_and_an_implausible_one_asks_first(bench):
    """Issue 13: the fee field means percent (0.05 = 0.05 %); 5 (a 5 % fee per fill, most likely a unit
    mistake) runs only once confirmed, and is not run when the user declines."""
    view = AskingView()
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    view.the_form = form(fee_pct="5")
    view.answer = False
    p.run()
    assert len(view.questions) == 1 and "5 %" in view.questions[0] and "percent" in view.questions[0]
    assert bench.services.queue.jobs() == [] and "Not run" in view.of("error")[-1][0]

    view.answer = True
    view.finished.clear()
    p.run()
    assert view.finished.wait(20)
    assert bench.runs.get(1).record.settings["fee_rate"] == "0.05"

    view.questions.clear()
    view.the_form = form(fee_pct="0.05", slippage_pct="3")
    view.answer = False
    p.run()
    assert len(view.questions) == 1 and "slippage" in view.questions[0].lower()
    view.the_form = form(fee_pct="0.05", slippage_pct="0.1")
    view.finished.clear()
    p.run()  # plausible costs: no question
    assert view.finished.wait(20) and len(view.questions) == 1
    assert bench.runs.get(2).record.settings["fee_rate"] == "0.0005"


def test_fee_and_slippage_fields_say_their_unit(qtbot):
    from PyQt6.QtWidgets import QFormLayout

    from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget

    widget = BacktestWidget()
    qtbot.addWidget(widget)
    layout = widget.fee.parentWidget().layout()
    assert isinstance(layout, QFormLayout)
    assert layout.labelForField(widget.fee).text() == "Fee (% per fill)"
    assert layout.labelForField(widget.slippage).text() == "Slippage (%)"
    assert "0.05 = 0.05 %" in widget.fee.toolTip() and "Percent per fill" in widget.slippage.toolTip()


@pytest.mark.parametrize(
    ("capital", "why"),
    [("4,000", "starting capital (4,000 KRW) is below the minimum order of 5,000 KRW"),
     ("9,000", "entry's order total (4,500 KRW) is below the minimum order of 5,000 KRW")],
)  # fmt: skip
def test_refused_orders_are_not_a_clean_zero_trades(qtbot, bench, capital, why):
    """Issue 13: a run whose every order was refused says so in a banner above the result, with the
    count and the reason, and in the status line; the run's numbers alone read "0 trades"."""
    from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork
    from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget

    widget = BacktestWidget()
    qtbot.addWidget(widget)
    widget.presenter = BacktestPresenter(widget, bench.services, QtBackgroundWork(widget))
    widget.presenter.start()
    widget.show()
    widget.capital.setText(capital)
    qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.runs.rowCount() == 1, timeout=20000)
    record = bench.runs.get(1).record
    refused = record.metrics["refused_orders"]
    assert record.metrics["trades"] == 0 and refused > 0
    assert widget.warning_banner.isVisible()
    text = widget.warning_banner.text()
    assert f"{refused:,} order" in text and "refused" in text and why in text, text
    assert f"{refused:,} orders refused" in widget.status.text()

    widget.capital.setText("10,000,000")  # a run without refusals: no banner
    qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.runs.rowCount() == 2, timeout=20000)
    assert bench.runs.get(2).record.metrics["refused_orders"] == 0
    assert not widget.warning_banner.isVisible()

    widget.presenter.open_run(1)  # a stored run says it too
    assert widget.warning_banner.isVisible() and why in widget.warning_banner.text()


def test_refused_orders_banner_in_korean(bench):
    from upbit_auto_trading.presentation.desktop.backtest.presenter import result_from_outcome

    outcome = bench.run.execute(
        BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", initial_capital=Decimal(4000))
    )
    set_language("ko")
    [text] = result_from_outcome(outcome).warnings
    assert "거부된 주문" in text and "초기 자본(4,000 KRW)" in text and "5,000 KRW" in text


def test_reopening_a_stored_run_fills_the_form_and_the_status_line(qtbot, bench):
    """Issue 13 item 9: Open put the chart back but left the form and the status line as they were."""
    from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget

    bench.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h",
                                      start=datetime(2024, 1, 10, 5, tzinfo=UTC),
                                      end=datetime(2024, 2, 1, 12, tzinfo=UTC), initial_capital=Decimal(5_000_000),
                                      fee_rate=Decimal("0.001"), slippage_rate=Decimal("0.0002")))  # fmt: skip
    widget = BacktestWidget()
    qtbot.addWidget(widget)
    widget.presenter = BacktestPresenter(widget, bench.services, ImmediateBackgroundWork())
    widget.presenter.start()
    for field, text in ((widget.start, "2024-02-01"), (widget.capital, "1,000"), (widget.fee, "0.3")):
        field.setText(text)
    widget.show_error("Backtest #7 cancelled")  # the previous run's text
    widget.runs.selectRow(0)
    qtbot.mouseClick(widget.open_button, Qt.MouseButton.LeftButton)
    assert (widget.strategy.currentText(), widget.market.currentText(), widget.timeframe.currentText()) == (
        "RSI swing", "KRW-BTC", "1h")  # fmt: skip
    assert (widget.start.text(), widget.end.text()) == ("2024-01-10 05:00", "2024-02-01 12:00")
    assert (widget.capital.text(), widget.fee.text(), widget.slippage.text()) == ("5,000,000", "0.1", "0.02")
    assert widget.status.text().startswith("Stored run #1 (ran ") and "#7" not in widget.status.text()
    assert widget.status.styleSheet() == ""  # no longer in the error colour


def _queue_rows(language: str) -> list:
    from upbit_auto_trading.presentation.desktop.backtest.model import QueueRow

    name = "Basic 7-rule (기본 7규칙) with a rather long strategy name"
    ko = language == "ko"
    return [
        QueueRow(2, f"#2 {name}", "running", "KRW-BTC 1h · 실행 중 40% · 시뮬레이션 중" if ko
                 else "KRW-BTC 1h · running 40% · simulating", 0.4, True),
        QueueRow(3, f"#3 {name}", "queued", "USD-BTC 1h · 대기 중 (앞에 1개)" if ko
                 else "USD-BTC 1h · waiting (1 ahead)", 0.0, True),
        QueueRow(4, f"#4 {name}", "cancelling", "KRW-ETH 4h · 취소 중" if ko else "KRW-ETH 4h · cancelling", 0.1,
                 False),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [260, 380])
def test_queue_rows_are_laid_out_without_overlap(qtbot, language, width):
    """Issue 13 item 9: word-wrapped rows asked for more height than the panel gave them and drew over each
    other. Each row is now one line of name and one of state, shortened with "…" (the whole text in the
    tooltip), and the panel is as tall as its rows (up to three)."""
    from upbit_auto_trading.presentation.desktop.backtest.queue_panel import QueuePanel

    set_language(language)
    panel = QueuePanel(lambda job_id: None)
    qtbot.addWidget(panel)
    panel.resize(width, 400)
    panel.show()
    rows = _queue_rows(language)
    for shown in (rows[:1], rows, rows[1:]):  # added, then one leaves: the panel follows
        panel.show_rows(shown)
        qtbot.wait(10)
        widgets = [panel.row(r.job_id) for r in shown]
        viewport = panel._scroll.viewport()
        for k, w in enumerate(widgets):
            assert w.height() >= w.sizeHint().height()
            for label in (w.label, w.state):
                assert label.height() >= label.fontMetrics().height()  # a whole line of text
            assert w.label.geometry().bottom() < w.state.geometry().top()
            assert w.state.geometry().bottom() < w.progress.geometry().top()
            top_left = w.mapTo(viewport, w.rect().topLeft())
            assert top_left.y() >= 0 and top_left.y() + w.height() <= viewport.height()  # not cut off
            for other in widgets[k + 1 :]:
                assert not w.geometry().intersects(other.geometry())
    row = panel.row(3)
    assert row.label.text() == rows[1].label  # the whole text, shown shortened where it does not fit
    if row.label.is_elided():
        assert row.label.shown_text().endswith("…") and row.label.toolTip() == rows[1].label
    assert rows[1].label in row.toolTip() and rows[1].text in row.toolTip()


def test_stored_runs_show_eight_rows_in_the_default_window(qtbot, app_home):
    """Issue 13 item 9: in the default 1400x900 window (log dock open) the stored-runs list showed one or
    two runs; now at least eight, and the tab fits without scrolling."""
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.screens import desktop_services
    from upbit_auto_trading.container.startup import startup
    from upbit_auto_trading.presentation.desktop.app import create_main_window
    from upbit_auto_trading.presentation.desktop.backtest.model import RunRow

    container = build_container(home=app_home, overrides={"market_data": {"seed_bundled": False}})
    startup(container)
    try:
        window = create_main_window(QApplication.instance(), desktop_services(container), language="en")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        widget = window.show_tab("backtest")
        rows = [RunRow(i, (f"#{i} RSI swing", "KRW-BTC 1h", "1.00%", "-2.00%"), "") for i in range(12, 0, -1)]
        widget.show_runs(rows)
        qtbot.wait(50)
        runs = widget.runs
        height = runs.viewport().height()
        whole = [r for r in range(12) if runs.visualRect(runs.model().index(r, 0)).bottom() < height]
        assert len(whole) >= 8, (len(whole), height)
        holder = window.tabs.currentWidget()
        assert holder.verticalScrollBar().maximum() == 0  # the tab fits: nothing below needs scrolling to
    finally:
        container.core.database_session().close_all()
