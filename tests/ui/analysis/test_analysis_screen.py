"""Analysis: compare stored runs (presenter with a fake view, then the widget)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter, AnalysisServices
from upbit_auto_trading.presentation.desktop.i18n import set_language


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
    w.services = AnalysisServices(ListRuns(w.runs), GetRun(w.runs), w.open_run, DeleteRun(w.runs))
    return w


class FakeView:
    def __init__(self) -> None:
        self.items: list = []
        self.checked: list[int] = []
        self.current: int | None = None
        self.comparison = None
        self.curves: list = []
        self.answer = True
        self.errors: list[str] = []

    def show_runs(self, items, checked) -> None:  # noqa: ANN001
        self.items, self.checked = list(items), list(checked)

    def checked_run_ids(self) -> list[int]:
        return list(self.checked)

    def current_run_id(self):  # noqa: ANN201
        return self.current

    def show_comparison(self, comparison) -> None:  # noqa: ANN001
        self.comparison = comparison

    def show_curves(self, curves) -> None:  # noqa: ANN001
        self.curves = list(curves)

    def confirm(self, question: str) -> bool:
        return self.answer

    def show_error(self, message: str) -> None:
        self.errors.append(message)


def test_compare_two_runs_side_by_side(bench):
    view = FakeView()
    p = AnalysisPresenter(view, bench.services)
    p.start()
    assert [i.run_id for i in view.items] == [2, 1] and view.comparison.headers == ["Metric"]
    view.checked = [1, 2]
    p.selection_changed()
    headers, rows = view.comparison.headers, {r[0]: r[1:] for r in view.comparison.rows}
    assert headers[1].startswith("#1") and headers[2].startswith("#2")
    r1, r2 = (bench.runs.get(i).record for i in (1, 2))
    assert rows["Trades"] == [str(r1.metrics["trades"]), str(r2.metrics["trades"])]
    assert rows["Total return"][0] == f"{r1.metrics['total_return'] * 100:,.2f}%"
    assert [c.run_id for c in view.curves] == [1, 2]
    for curve in view.curves:
        assert curve.value[0] == pytest.approx(1.0, abs=0.01) and np.all(np.diff(curve.time) > 0)
    assert len(view.curves[1].time) == 800
    assert view.errors == []


def test_delete_asks_first(bench):
    view = FakeView()
    p = AnalysisPresenter(view, bench.services)
    p.start()
    view.current = 1
    view.answer = False
    p.delete_current()
    assert bench.runs.get(1) is not None
    view.answer = True
    view.checked = [1, 2]
    p.delete_current()
    assert bench.runs.get(1) is None and [i.run_id for i in view.items] == [2] and view.checked == [2]


def test_widget_checks_runs_into_the_table(qtbot, bench):
    from upbit_auto_trading.presentation.desktop.analysis.view import AnalysisWidget

    widget = AnalysisWidget()
    qtbot.addWidget(widget)
    widget.presenter = AnalysisPresenter(widget, bench.services)
    widget.presenter.start()
    assert widget.runs.count() == 2
    widget.runs.item(0).setCheckState(Qt.CheckState.Checked)
    widget.runs.item(1).setCheckState(Qt.CheckState.Checked)
    assert widget.table.columnCount() == 3 and widget.table.rowCount() > 10
    assert len(widget.plot.getPlotItem().listDataItems()) == 2
