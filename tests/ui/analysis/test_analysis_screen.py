"""Analysis: compare stored runs (presenter with a fake view, then the widget)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.backtest.model import kst
from upbit_auto_trading.presentation.desktop.i18n import set_language


def _load(name: str) -> ModuleType:
    """A module of tests/support/ (loaded by path: tests are not a package)."""
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


analysis_support = _load("analysis_screen_support")


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def bench(support):  # noqa: ANN201
    w = support.world()
    w.create.execute(support.rsi_document())
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))
    mid = datetime.fromtimestamp(int(w.candles.start[700]), UTC)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", start=mid))
    w.services = analysis_support.services(w)
    return w


FakeView = analysis_support.RecordingView  # records what the presenter shows


def test_compare_two_runs_side_by_side(bench):
    view = FakeView()
    p = AnalysisPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    assert [i.run_id for i in view.items] == [2, 1] and view.comparison.rows == []
    view.checked = [1, 2]
    p.selection_changed()
    c = view.comparison
    assert c.run_labels[0].startswith("#1") and c.run_labels[1].startswith("#2")
    columns = {h: [row[k] for row in c.rows] for k, h in enumerate(c.headers)}
    r1, r2 = (bench.runs.get(i).record for i in (1, 2))
    assert columns["Trades"] == [str(r1.metrics["trades"]), str(r2.metrics["trades"])]
    assert columns["Total return"][0] == f"{r1.metrics['total_return'] * 100:,.2f}%"
    assert [c.run_id for c in view.curves] == [1, 2]
    for curve in view.curves:
        assert curve.value[0] == pytest.approx(1.0, abs=0.01) and np.all(np.diff(curve.time) > 0)
    assert len(view.curves[1].time) == 800
    assert view.errors == []


def test_delete_asks_first(bench):
    view = FakeView()
    p = AnalysisPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    view.current = 1
    view.answer = False
    p.delete_current()
    assert bench.runs.get(1) is not None
    view.answer = True
    view.checked = [1, 2]
    p.delete_current()
    assert bench.runs.get(1) is None and [i.run_id for i in view.items] == [2] and view.checked == [2]


def _widget(qtbot, bench):  # noqa: ANN001, ANN202
    from upbit_auto_trading.presentation.desktop.analysis.view import AnalysisWidget

    widget = AnalysisWidget()
    qtbot.addWidget(widget)
    widget.presenter = AnalysisPresenter(widget, bench.services, ImmediateBackgroundWork())
    widget.presenter.start()
    return widget


def _check(widget, run_ids) -> None:  # noqa: ANN001
    for i in range(widget.runs.count()):
        item = widget.runs.item(i)
        if int(item.data(Qt.ItemDataRole.UserRole)) in run_ids:
            item.setCheckState(Qt.CheckState.Checked)


def test_widget_checks_runs_into_the_table(qtbot, bench):
    widget = _widget(qtbot, bench)
    assert widget.runs.count() == 2
    _check(widget, [1, 2])
    headers = [widget.table.horizontalHeaderItem(c).text() for c in range(widget.table.columnCount())]
    assert widget.table.rowCount() == 2 and len(headers) > 20 and "Total return" in headers
    assert [widget.table.verticalHeaderItem(r).text() for r in range(2)] == ["#2 RSI swing", "#1 RSI swing"]
    assert len(widget.plot.getPlotItem().listDataItems()) == 2


def test_table_has_capital_fee_slippage_and_period_columns(qtbot, bench):
    """Issue 13 item 9: what each run was run with is in the table, not only its metrics."""
    bench.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h",
                                      initial_capital=Decimal(3_000_000), fee_rate=Decimal("0.001"),
                                      slippage_rate=Decimal("0.0002")))  # fmt: skip
    widget = _widget(qtbot, bench)
    _check(widget, [1, 3])
    table = widget.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:5] == ["Market", "Period (KST)", "Capital", "Fee (per fill)", "Slippage"]
    rows = {table.verticalHeaderItem(r).text(): [table.item(r, c).text() for c in range(5)]
            for r in range(table.rowCount())}  # fmt: skip
    start, end = (bench.runs.get(1).record.data_start, bench.runs.get(1).record.data_end)
    assert rows["#1 RSI swing"] == [
        "KRW-BTC 1h",
        f"{kst(start)} ~ {kst(end)}",
        "10,000,000 KRW",
        "0.05%",
        "0%",
    ]
    assert rows["#3 RSI swing"][2:] == ["3,000,000 KRW", "0.1%", "0.02%"]
    assert widget.flagged_rows() == [] and not widget.notice.isVisibleTo(widget)  # same period


def test_a_run_over_another_period_is_flagged(qtbot, bench):
    """Run #2 starts at candle 700: against two runs over all the candles it is flagged with an icon, the
    warning colour, a tooltip, and a line above the table."""
    bench.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))  # #3
    widget = _widget(qtbot, bench)
    widget.show()
    _check(widget, [1, 2, 3])
    table = widget.table
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    flagged = labels.index("#2 RSI swing")
    assert widget.flagged_rows() == [flagged]
    head, period = table.verticalHeaderItem(flagged), table.item(flagged, 1)
    assert not head.icon().isNull() and not period.icon().isNull()
    other = 0 if flagged else 1
    assert period.background().color() != table.item(other, 1).background().color()
    assert "Another period than the other runs" in head.toolTip() and head.toolTip() == period.toolTip()
    assert widget.notice.isVisible() and widget.notice.text().startswith("⚠ Different period: #2")
    assert widget.notice.parentWidget() is table.parentWidget()
    assert widget.notice.geometry().bottom() < table.geometry().top()  # the line is above the table
    for i in range(widget.runs.count()):
        if int(widget.runs.item(i).data(Qt.ItemDataRole.UserRole)) == 2:
            widget.runs.item(i).setCheckState(Qt.CheckState.Unchecked)  # without #2 nothing is flagged
    assert widget.flagged_rows() == [] and not widget.notice.isVisible()
