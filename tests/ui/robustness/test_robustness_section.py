"""The Robustness section driven as a user drives it, in a real container on a temporary home (the bundled
KRW-BTC 1h candles and the 7-rule sample strategy): a small sweep fills the ranked table and the heatmap, a
sweep cancelled half-way is resumed from the stored studies, a walk-forward draws its out-of-sample equity,
and the page sits in the Analysis tab with its Ray address from Settings."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import robustness_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.robustness.screen import PAGES_NAME, add_robustness_page, build
from upbit_auto_trading.presentation.desktop.robustness.tables import column_texts
from upbit_auto_trading.presentation.desktop.settings.general_page import RAY_ADDRESS_KEY, GeneralSettingsPage
from upbit_auto_trading.presentation.desktop.ui_state import UiState

SAMPLE = "Basic 7-rule (기본 7규칙)"
PERIOD, THRESHOLD = "entry.0.params.period", "entry.0.value"
WAIT = 120_000  # ms: a loaded CI machine


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    home: Path = tmp_path_factory.mktemp("robustness") / "home"
    home.mkdir()
    container = build_container(home=home)  # seeded at start-up: bundled candles, the sample strategy
    startup(container)
    yield container
    container.core.database_session().close_all()


@pytest.fixture
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def section(qtbot, container, english):  # noqa: ANN001, ANN201
    return _section(qtbot, robustness_services(container))


def _section(qtbot, services):  # noqa: ANN001, ANN202
    widget = build(services, None)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitUntil(
        lambda: widget.strategy.findText(SAMPLE) >= 0 and widget.parameters.rowCount() > 0, timeout=WAIT
    )
    widget.strategy.setCurrentText(SAMPLE)
    widget.market.setCurrentText("KRW-BTC")
    widget.timeframe.setCurrentText("1h")
    widget.start.setText("2022-01-01")
    widget.end.setText("2022-02-28")
    widget.workers.setValue(1)  # cells in the worker thread itself: no processes to start in a test
    return widget


def _numbers(texts: list[str]) -> list[float]:
    return [float(t.replace("%", "").replace(",", "")) for t in texts]


def _header(table, title: str) -> int:  # noqa: ANN001
    return next(c for c in range(table.columnCount()) if table.horizontalHeaderItem(c).text() == title)


def test_a_small_sweep_fills_the_ranked_table_and_the_heatmap(qtbot, section):
    w = section
    w.parameters.set_swept(PERIOD, "10", "20", "5")
    w.parameters.set_swept(THRESHOLD, values="20,30")
    assert w.cell_count.text() == "6 cells"
    w.run_button.click()
    assert w.cancel_button.isEnabled() and not w.run_button.isEnabled()
    qtbot.waitUntil(lambda: w.run_button.isEnabled(), timeout=WAIT)
    assert w.status.text().startswith("Sweep #") and "done: 6 cells" in w.status.text(), w.status.text()
    table = w.sweep_page.table
    ranks = column_texts(table, 0)  # best plateau first; a cell without a Sharpe (no trades) last, unranked
    defined = [r for r in ranks if r != "-"]
    assert table.rowCount() == 6 and len(defined) >= 3
    assert ranks == [str(k) for k in range(1, len(defined) + 1)] + ["-"] * (6 - len(defined))
    assert table.horizontalHeaderItem(1).text() == "RSI(14) below 20: RSI period"
    # sorting by a metric sorts by its number, not its text
    column = _header(table, "Total return")
    table.sortItems(column, Qt.SortOrder.DescendingOrder)
    returns = _numbers(column_texts(table, column))
    assert returns == sorted(returns, reverse=True)
    # the heatmap: 3 periods across, 2 thresholds up, values written in the cells, the best plateau outlined
    chart = w.sweep_page.heatmap
    view = chart.view
    assert view.z.shape == (2, 3) and view.x_values == ["10", "15", "20"] and view.y_values == ["20", "30"]
    assert chart.image.image.shape == (3, 2)  # drawn as image[x, y]
    assert view.best is not None and np.isfinite(view.z).sum() >= 1
    ticks = chart.plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["10", "15", "20"]
    # another metric over the same axes
    w.sweep_page.metric_choice.setCurrentIndex(w.sweep_page.metric_choice.findData("trades"))
    assert chart.view.metric == "trades" and chart.view.metric_title == "Trades"
    assert "Overfitting verdict: " in w.sweep_page.card.title.text() and "6" in w.sweep_page.card.text.text()


class _HeldAfterTwoCells:
    """The real RunSweep, held on its worker thread once two cells are reported until the test has pressed
    Cancel: on an idle machine 48 cells are done before the window sees the first progress."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real = real
        self.released = threading.Event()

    def execute(self, request, spec, progress, cancel):  # noqa: ANN001, ANN201
        def held(step) -> None:  # noqa: ANN001
            progress(step)
            if step.total == 48 and step.done >= 2:
                self.released.wait(timeout=WAIT / 1000)

        return self.real.execute(request, spec, held, cancel)


def test_a_cancelled_sweep_resumes_from_the_stored_studies(qtbot, container, english):
    services = robustness_services(container)
    held = _HeldAfterTwoCells(services.run_sweep)
    w = _section(qtbot, dataclasses.replace(services, run_sweep=held))
    w.end.setText("2022-06-30")
    w.parameters.set_swept(PERIOD, "6", "20", "2")  # 8 values
    w.parameters.set_swept(THRESHOLD, "15", "40", "5")  # 6 values: 48 cells

    def cancel_after_two_cells(value: int) -> None:  # the user presses Cancel as the bar passes 2 cells
        if value >= 2 * 1000 // 48 and w.cancel_button.isEnabled():
            w.cancel_button.click()
            held.released.set()

    w.progress.valueChanged.connect(cancel_after_two_cells)
    w.run_button.click()
    qtbot.waitUntil(lambda: w.run_button.isEnabled(), timeout=WAIT)
    w.progress.valueChanged.disconnect(cancel_after_two_cells)
    assert "cancelled with" in w.status.text() and "Resume" in w.status.text(), w.status.text()
    stored = w.sweep_page.table.rowCount()
    assert 2 <= stored < 48
    studies = w.studies
    row = next(r for r in range(studies.rowCount()) if studies.item(r, 4).text().startswith("cancelled"))
    assert studies.item(row, 4).text() == f"cancelled {stored}/48"
    assert not w.resume_button.isEnabled()
    studies.selectRow(row)
    assert w.resume_button.isEnabled()
    w.resume_button.click()
    qtbot.waitUntil(lambda: w.run_button.isEnabled() and "done: 48 cells" in w.status.text(), timeout=WAIT)
    assert w.sweep_page.table.rowCount() == 48 and w.sweep_page.heatmap.view.z.shape == (6, 8)
    assert any(studies.item(r, 4).text() == "completed 48/48" for r in range(studies.rowCount()))


def test_a_walk_forward_draws_the_out_of_sample_equity_and_the_windows(qtbot, section):
    w = section
    w.parameters.set_swept(PERIOD, values="10,20")
    w.mode.setCurrentIndex(1)
    assert w.run_button.text() == "Run walk-forward"
    w.train.setText("20d")
    w.test.setText("10d")
    w.run_button.click()
    qtbot.waitUntil(lambda: w.run_button.isEnabled(), timeout=WAIT)
    page = w.walk_forward_page
    assert w.results.currentWidget() is page and "Walk-forward #" in w.status.text(), w.status.text()
    assert page.table.rowCount() >= 3 and set(column_texts(page.table, 3)) <= {"10", "20"}
    curves = [i for i in page.plot.getPlotItem().listDataItems() if i.getData()[0] is not None]
    assert len(curves) == 1 and len(curves[0].getData()[0]) > 24 * 20
    assert "Walk-forward efficiency:" in page.figures.text()


def test_the_page_joins_a_host_screen_and_takes_the_ray_address_from_settings(qtbot, container, english):
    UiState(container.core.app_paths().config_dir).set_value(RAY_ADDRESS_KEY, "ray://head:10001")
    host = QWidget()
    qtbot.addWidget(host)
    label = QLabel("runs", host)
    QVBoxLayout(host).addWidget(label)
    page = add_robustness_page(host, robustness_services(container))
    pages = host.findChild(QTabWidget, PAGES_NAME)
    assert [pages.tabText(i) for i in range(pages.count())] == ["Analysis", "Robustness"]
    assert pages.widget(0).isAncestorOf(label) and pages.widget(1) is page  # the host's own content kept
    assert page.ray_address.text() == "ray://head:10001"
    # Settings > General keeps it
    saved: list[str] = []
    general = GeneralSettingsPage("en", "light", lambda _: None, lambda _: None, None, "auto", saved.append)
    qtbot.addWidget(general)
    general.ray_address.setText(" local ")
    general.ray_address.editingFinished.emit()
    assert saved == ["local"]
    UiState(container.core.app_paths().config_dir).set_value(RAY_ADDRESS_KEY, "")


def test_the_analysis_tab_shows_runs_and_robustness_as_two_pages(qtbot, container, english):
    from upbit_auto_trading.container.screens import analysis_services
    from upbit_auto_trading.presentation.desktop.analysis.screen import build as build_analysis

    analysis = build_analysis(analysis_services(container), None)
    qtbot.addWidget(analysis)
    pages = analysis.findChild(QTabWidget, PAGES_NAME)
    assert [pages.tabText(i) for i in range(pages.count())] == ["Analysis", "Robustness"]
    assert pages.widget(0).isAncestorOf(analysis.runs)  # the runs comparison, as it was
    robustness = pages.widget(1)
    qtbot.waitUntil(lambda: robustness.strategy.findText(SAMPLE) >= 0, timeout=WAIT)
