"""The analysis screen as built by the app (``screen.build``: its presenter, real worker threads) on real runs:
the run clicked fills every sub-tab; fill sensitivity, Monte Carlo and the report export run from their
buttons and shortcuts; the Korean dark screen stays readable; and the screen the container wires works on
a real profile (SQLite stores read from the worker threads)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QFileDialog

from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.presentation.desktop.analysis.screen import build
from upbit_auto_trading.presentation.desktop.analysis.view import TABS, AnalysisWidget
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.theme import apply_theme

TIGHT = "Tight levels"


def _load(name: str) -> ModuleType:
    """A module of tests/support/ (loaded by path: tests are not a package)."""
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _load("strategy_app_support")
analysis_support = _load("analysis_screen_support")


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture(scope="module")
def world():  # noqa: ANN201
    """#1 RSI swing over 2,400 hours, #2 the same from hour 700, #3 with a 0.4 % stop and take-profit."""
    w = support.world(support.synthetic_candles(n=2400))
    w.create.execute(support.rsi_document())
    tight = support.rsi_document(name=TIGHT)
    tight["management"] = [{"type": "stop_take_profit", "stop_loss_pct": "0.4", "take_profit_pct": "0.4"}]
    w.create.execute(tight)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))
    mid = datetime.fromtimestamp(int(w.candles.start[700]), UTC)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", start=mid))
    w.run.execute(BacktestRequest(strategy=TIGHT, market="KRW-BTC", timeframe="1h"))
    return w


def _screen(qtbot, services) -> AnalysisWidget:  # noqa: ANN001
    widget = build(services)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.runs.count() > 0)
    return widget


def _click(qtbot, widget: AnalysisWidget, run_id: int) -> None:  # noqa: ANN001
    for row in range(widget.runs.count()):
        if int(widget.runs.item(row).data(Qt.ItemDataRole.UserRole)) == run_id:
            widget.runs.setCurrentRow(row)
    qtbot.waitUntil(lambda: widget.focus_title.text().startswith(f"#{run_id} "), timeout=10_000)


def _check(widget: AnalysisWidget, run_ids: list[int]) -> None:
    for row in range(widget.runs.count()):
        item = widget.runs.item(row)
        if int(item.data(Qt.ItemDataRole.UserRole)) in run_ids:
            item.setCheckState(Qt.CheckState.Checked)


def test_the_run_clicked_fills_every_sub_tab(qtbot, world):
    widget = _screen(qtbot, analysis_support.services(world))
    assert [widget.tabs.tabText(i) for i in range(widget.tabs.count())] == [
        "Compare", "Equity", "Returns", "Trades", "Breakdowns", "Metrics", "Fill sensitivity", "Monte Carlo"]  # fmt: skip
    _click(qtbot, widget, 1)
    record = world.runs.get(1).record
    widget.show_tab("equity")
    charts = widget.equity_charts
    names = [item.name() for item in charts.equity.listDataItems()]
    assert names == ["Strategy", "Buy and hold"]
    equity = charts.equity.listDataItems()[0].getOriginalDataset()[1]
    assert equity[-1] == pytest.approx(float(record.final_equity))
    shades = charts._panels.shades
    assert 1 <= len(shades) <= 5 and len(charts.shade_items) == 2 * len(shades)
    assert widget.drawdowns.rowCount() == len(shades)
    QTest.keyClick(widget, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # log scale
    assert widget.log_scale.isChecked() and charts.value_axis.log
    logged = charts.equity.listDataItems()[0].getOriginalDataset()[1]
    np.testing.assert_allclose(logged, np.log10(equity))
    assert charts.equity.viewRange()[1][1] < 8  # the value axis fitted the logs, not the won
    QTest.keyClick(widget, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not charts.value_axis.log
    # calendar returns and rolling figures (101 KST days: the 90-day window has 12 points)
    widget.show_tab("returns")
    assert widget.heatmap.rowCount() == 1 and widget.heatmap.columnCount() == 13
    assert widget.heatmap.item(0, 0).text().endswith("%") and widget.heatmap.item(0, 11).text() == ""
    base = widget.heatmap.palette().color(QPalette.ColorRole.Base)
    assert widget.heatmap.item(0, 0).background().color() != base  # coloured by its return
    sharpe = widget.rolling_charts.sharpe.listDataItems()
    assert len(sharpe) == 1 and len(sharpe[0].getOriginalDataset()[0]) == 101 - 89
    # trades: the two histograms and the exposure timeline
    trades = int(record.metrics["trades"])
    assert widget.trades_charts.returns.items and widget.trades_charts.holding.items
    assert len(widget.trades_charts.exposure.listDataItems()) == 1
    # breakdowns: every closed trade in each table
    for table in widget.breakdowns.tables:
        assert sum(int(table.item(r, 1).text()) for r in range(table.rowCount())) == trades
    assert widget.breakdowns.titles[3].text() == "By hour (entry, KST)"
    # the metrics card: this run, then the checked ones
    _check(widget, [2, 3])
    qtbot.waitUntil(lambda: widget.metrics_card.columnCount() == 3, timeout=10_000)
    card = widget.metrics_card
    assert card.value("Closed trades", 1) == str(trades)
    assert card.value("Capital", 3) == "10,000,000 KRW" and card.value("Strategy version", 2) == "v1"
    assert card.value("Period (KST)", 2).startswith(datetime.fromtimestamp(int(world.candles.start[700]) + 9 * 3600, UTC).strftime("%Y-%m-%d"))  # fmt: skip
    assert widget.card_notice.text().startswith("⚠ Different period: #2")
    assert widget.table.rowCount() == 2  # the comparison: the checked runs
    assert widget.error.text() == ""


def test_fill_sensitivity_runs_from_its_shortcut_and_warns(qtbot, world):
    widget = _screen(qtbot, analysis_support.services(world))
    _click(qtbot, widget, 3)
    panel = widget.sensitivity
    assert (
        panel.table.rowCount() == 0
        and panel.task.run_button.isEnabled()
        and not panel.warning.isVisibleTo(widget)
    )
    QTest.keyClick(
        widget, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert widget.tabs.currentIndex() == TABS.index("sensitivity")
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=20_000)
    report = FillSensitivity(world.runs, world.reader, analysis_support.SeriesCatalog(world.reader)).execute(
        3
    )
    assert report.depends_on_optimism
    assert panel.warning.isVisible() and panel.warning.text() == "⚠ " + report.warning
    assert panel.warning.objectName() == "warningBanner"  # the app's prominent warning style
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert headers == ["Figure", "Stop first", "Take-profit first", "Spread (max-min)"]
    assert panel.task.run_button.isEnabled() and not panel.task.cancel_button.isEnabled()
    assert not panel.task.progress.isVisible()
    assert "depends on the optimistic fill assumption" in widget.status.text()


def test_monte_carlo_runs_with_the_paths_typed(qtbot, world):
    widget = _screen(qtbot, analysis_support.services(world))
    _click(qtbot, widget, 1)
    widget.show_tab("monte_carlo")
    mc = widget.monte_carlo
    mc.paths.setValue(300)
    mc.loss.setValue(15)
    mc.task.run_button.click()
    qtbot.waitUntil(lambda: mc.table.rowCount() == 8, timeout=20_000)
    assert " of 300 bootstrapped paths ended with a loss of 15 % or more" in mc.headline.text()
    assert mc.table.item(7, 0).text() == "Bootstrap: P(loss of 15 % or more)"


def test_export_writes_the_report_chosen_in_the_save_dialog(qtbot, world, tmp_path: Path, monkeypatch):  # noqa: ANN001
    asked: list[str] = []

    def save_dialog(parent, caption, directory, filter_):  # noqa: ANN001, ANN202
        asked.append(Path(directory).name)
        return str(tmp_path / "runs.html"), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    widget = _screen(qtbot, analysis_support.services(world))
    _click(qtbot, widget, 1)
    _check(widget, [1, 2])
    qtbot.waitUntil(lambda: widget.metrics_card.columnCount() == 2, timeout=10_000)
    widget.export_csv.setChecked(True)
    QTest.keyClick(widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: widget.status.text().startswith("Report saved"), timeout=20_000)
    assert asked == ["report-run-1-2.html"]
    html = (tmp_path / "runs.html").read_text(encoding="utf-8")
    assert "<svg" in html and "#1" in html and "#2" in html
    assert len(list((tmp_path / "runs-csv").iterdir())) == 4
    assert widget.export_button.isEnabled() and not widget.export_task.cancel_button.isVisible()


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(c: QColor) -> float:
        def channel(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_korean_dark_screen_stays_readable(qtbot, qapp, world):  # noqa: ANN001
    set_language("ko")
    apply_theme(qapp, "dark")
    try:
        widget = _screen(qtbot, analysis_support.services(world))
        assert widget.tabs.tabText(TABS.index("sensitivity")) == "체결 민감도"
        _click(qtbot, widget, 3)
        heat = widget.heatmap
        for c in range(13):
            item = heat.item(0, c)
            if item.text():
                assert _contrast(item.foreground().color(), item.background().color()) >= 4.5, item.text()
        # gains and losses in the tables read on the dark base
        base = widget.breakdowns.tables[0].palette().color(QPalette.ColorRole.Base)
        coloured = [
            t.item(r, 3).foreground().color()
            for t in widget.breakdowns.tables
            for r in range(t.rowCount())
            if t.item(r, 3) is not None and t.item(r, 3).text() not in ("", "0")
        ]
        assert coloured and all(_contrast(colour, base) >= 4.5 for colour in coloured)
        # the run list's check boxes have an outline that shows on the dark list
        outline = widget.runs.palette().color(QPalette.ColorRole.Window).darker(140)
        assert _contrast(outline, widget.runs.palette().color(QPalette.ColorRole.Base)) >= 2
    finally:
        apply_theme(qapp, "light")


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A real profile: SQLite stores seeded with the bundled candles and the sample strategy, one run of it."""
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.startup import startup

    home = tmp_path_factory.mktemp("analysis-screen") / "home"
    home.mkdir()
    container = build_container(home=home)
    startup(container)
    sample = container.strategies.list_strategies().execute("")[0].name
    run = container.strategies.run_backtest().execute(
        BacktestRequest(strategy=sample, market="KRW-BTC", timeframe="1h", start=datetime(2022, 1, 1, tzinfo=UTC),
                        end=datetime(2022, 6, 30, 14, tzinfo=UTC))
    )  # fmt: skip
    yield container, run
    container.core.database_session().close_all()


def test_the_screen_the_container_wires_analyses_a_stored_run(qtbot, profile, tmp_path: Path, monkeypatch):  # noqa: ANN001
    from upbit_auto_trading.container.screens import analysis_services

    container, run = profile
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(tmp_path / "r.html"), ""))
    )
    widget = _screen(qtbot, analysis_services(container))
    _click(qtbot, widget, run.run_id)
    assert widget.card_notice.text() == "" and widget.error.text() == ""
    assert widget.metrics_card.value("Closed trades", run.run_id) == str(run.record.metrics["trades"])
    assert widget.metrics_card.value("Data hash", run.run_id) == run.record.candle_hash[:12]
    assert widget.heatmap.rowCount() == 1 and [widget.heatmap.item(0, m).text() != "" for m in range(12)] == [
        True] * 6 + [False] * 6  # fmt: skip
    widget.sensitivity.task.run_button.click()
    qtbot.waitUntil(lambda: widget.sensitivity.table.rowCount() > 0, timeout=30_000)
    assert widget.sensitivity.notes.text().startswith("No path replay: no finer candles of KRW-BTC")
    widget.export_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "r.html").exists(), timeout=30_000)
    assert "Basic 7-rule" in (tmp_path / "r.html").read_text(encoding="utf-8")
