"""Axes that read as money and dates: 40,000,000 (never 4e+07), and a year on every date label (issue 13 #8)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QImage, QPainter

from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis

HOUR, DAY = 3600, 86400
TIME_AXIS = {  # the axis that writes the times, under each chart's lowest pane
    "market_data": lambda chart: chart.volume.getAxis("bottom"),
    "backtest": lambda chart: chart.drawdown.getAxis("bottom"),
    "preview": lambda chart: chart.price.getAxis("bottom"),  # a price overlay: no second pane
}
ZOOMS = [  # (visible span, what every label must look like)
    (60 * DAY, r"2024-\d\d(-\d\d)?"),
    (4 * DAY, r"2024-\d\d-\d\d( \d\d:\d\d)?"),
    (DAY, r"2024-\d\d-\d\d \d\d:\d\d"),
    (6 * HOUR, r"2024-\d\d-\d\d \d\d:\d\d"),
]


def test_number_axis_writes_whole_numbers_and_the_decimals_a_price_needs():
    axis = NumberAxis()
    assert axis.tickStrings([40_000_000.0, 40_500_000.0], 1.0, 500_000.0) == ["40,000,000", "40,500,000"]
    assert axis.tickStrings([1_250.0, 1_252.5], 1.0, 2.5) == ["1,250.0", "1,252.5"]
    assert axis.tickStrings([0.0012, 0.00125], 1.0, 0.00005) == ["0.00120", "0.00125"]
    assert axis.tickStrings([-1e-12, 0.5], 1.0, 0.5) == ["0.0", "0.5"]  # float dust at zero is not "-0.0"


def test_price_axis_reads_40_000_000_not_4e07(any_chart, candles, labels):
    _chart, _view, plot, _series = any_chart(candles())
    plot.setYRange(38_000_000, 42_000_000, padding=0)
    axis = plot.getAxis("left")

    texts = labels(axis)
    assert "40,000,000" in texts
    assert not any("e+" in t or "e-" in t for t in texts)
    assert "e+" not in axis.labelString()  # no "(x1e+06)" either


def test_small_prices_keep_their_decimals(any_chart, candles, labels):
    _chart, _view, plot, _series = any_chart(candles(price=0.0015, market="KRW-SHIB"))
    texts = labels(plot.getAxis("left"))
    assert texts and all(re.fullmatch(r"0\.\d{4,}", t) for t in texts), texts


def test_zoomed_dates_keep_the_year_and_do_not_overlap(any_chart, candles, labels):
    arrays = candles()
    chart, _view, plot, _series = any_chart(arrays)
    axis = TIME_AXIS[any_chart.kind](chart)
    assert "KST" in axis.labelString()
    middle = float(arrays.start[len(arrays) // 2])
    for span, pattern in ZOOMS:
        plot.setXRange(middle, middle + span, padding=0)
        texts = labels(axis)
        assert len(texts) >= 2 and all(re.fullmatch(pattern, t) for t in texts), (span, texts)
        rects = _text_rects(axis)
        assert all(not a.intersects(b) for a, b in zip(rects, rects[1:], strict=False)), (span, texts)


def test_time_axis_writes_kst_boundaries():
    """2023-12-31 15:00 UTC is midnight of the new year in Seoul: the tick is there and reads 2024."""
    axis = KstTimeAxis()
    x0 = datetime(2023, 12, 31, 12, tzinfo=UTC).timestamp()
    (spacing, values), = axis.tickValues(x0, x0 + 6 * HOUR, 900)
    strings = axis.tickStrings(values, 1.0, spacing)
    assert "2024-01-01 00:00" in strings
    assert values[strings.index("2024-01-01 00:00")] == datetime(2023, 12, 31, 15, tzinfo=UTC).timestamp()
    assert strings[0].startswith("2023-12-31")

    (spacing, values), = axis.tickValues(datetime(2017, 9, 1).timestamp(), datetime(2023, 5, 1).timestamp(), 700)
    assert axis.tickStrings(values, 1.0, spacing)[:2] == ["2018", "2019"]


def _text_rects(axis) -> list[QRectF]:  # noqa: ANN001
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return sorted((rect for rect, _flags, _text in axis.generateDrawSpecs(painter)[2]), key=QRectF.left)
    finally:
        painter.end()
