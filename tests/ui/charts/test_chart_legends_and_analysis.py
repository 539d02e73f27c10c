"""Legends sit above the plotted data, never on it; the analysis comparison chart has the KST time axis, the
plain-number value axis and the time-only navigation of the other charts (issue 13 item 10 leftovers).

Before: ``addLegend`` anchored every legend inside the view box's top-left corner (over the first candles and
the highest prices), and the comparison chart used pyqtgraph's DateAxisItem with auto-ranged values.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from upbit_auto_trading.presentation.desktop.analysis.presenter import Curve
from upbit_auto_trading.presentation.desktop.analysis.view import AnalysisWidget
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trigger_builder.chart import PreviewChart
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData

BASE = 1_704_067_200  # 2024-01-01 00:00 UTC


def _curves(n: int = 2000) -> list[Curve]:
    rng = np.random.default_rng(4)
    time = (BASE + np.arange(n) * 3600).astype(float)
    return [Curve(k + 1, f"#{k + 1} RSI swing", time, np.exp(np.cumsum(rng.normal(0.0002 * k, 0.01, n))))
            for k in range(3)]  # fmt: skip


def _analysis(qtbot) -> AnalysisWidget:  # noqa: ANN001
    widget = AnalysisWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_curves(_curves())
    widget.grab()  # painted once, as before any wheel turn
    return widget


def _legends(view: pg.GraphicsView) -> list[pg.LegendItem]:
    return [item for item in view.scene().items() if isinstance(item, pg.LegendItem)]


def _clear_of_the_data(view: pg.GraphicsView) -> None:
    """Every legend with entries is outside every plot's view box (in scene coordinates)."""
    boxes = [item.sceneBoundingRect() for item in view.scene().items() if isinstance(item, pg.ViewBox)]
    legends = [legend for legend in _legends(view) if legend.items]
    assert legends, "no legend with entries"
    for legend in legends:
        rect = legend.sceneBoundingRect()
        assert rect.height() > 0
        for box in boxes:
            assert not rect.intersects(box), (rect, box)


def test_legends_do_not_cover_the_data(any_chart, candles, qtbot):
    chart, view, _plot, _series = any_chart(candles())
    if any_chart.kind == "preview":  # a variable drawn on its own pane, with a target line
        arrays = candles()
        data = PreviewData(arrays.start, arrays.close, arrays.close / arrays.close[0] * 50, "RSI(14)", False,
                           None, 30.0, "30", np.arange(0, 800, 50))  # fmt: skip
        chart.show_data(data)
    if any_chart.kind == "market_data":
        pytest.skip("the market-data chart has no legend")
    chart.grab()
    _clear_of_the_data(view)


def test_the_preview_legends_name_what_is_drawn(qtbot, candles):
    """Before, the variable's curve got its name after it was plotted and never reached the legend."""
    set_language("en")
    try:
        chart = PreviewChart()
        qtbot.addWidget(chart)
        arrays = candles()
        chart.show_data(PreviewData(arrays.start, arrays.close, arrays.close / arrays.close[0] * 50, "RSI(14)",
                                    False, None, 30.0, "30", np.arange(0, 800, 50)))  # fmt: skip
    finally:
        set_language("ko")
    assert [label.text for _s, label in chart.legends[chart.price].items] == ["Close", "Fired"]
    assert [label.text for _s, label in chart.legends[chart.pane].items] == ["RSI(14)"]


def test_analysis_legend_is_above_the_curves(qtbot):
    widget = _analysis(qtbot)
    _clear_of_the_data(widget.plot)
    assert [label.text for _s, label in widget.plot.getPlotItem().legend.items] == [
        c.label for c in _curves()
    ]


def test_analysis_chart_has_the_kst_axis_and_plain_numbers(qtbot, labels):
    widget = _analysis(qtbot)
    item = widget.plot.getPlotItem()
    assert isinstance(item.getAxis("bottom"), KstTimeAxis) and isinstance(item.getAxis("left"), NumberAxis)
    assert all(text.startswith("2024-") for text in labels(item.getAxis("bottom")))  # the year on every label


def test_analysis_wheel_zooms_time_only_and_fits_the_visible_curves(qtbot, wheel):
    widget = _analysis(qtbot)
    item = widget.plot.getPlotItem()
    curves = _curves()
    x0, x1 = item.viewRange()[0]
    wheel(widget.plot, item, 6)
    nx0, nx1 = item.viewRange()[0]
    assert nx1 - nx0 < (x1 - x0) * 0.6  # time zoomed in
    inside = (curves[0].time >= nx0) & (curves[0].time <= nx1)
    lo = min(float(c.value[inside].min()) for c in curves)
    hi = max(float(c.value[inside].max()) for c in curves)
    y0, y1 = item.viewRange()[1]
    assert y0 <= lo and hi <= y1  # every visible value on screen
    assert y1 - y0 <= (hi - lo) * 1.3  # and filling it, not the whole history's range
