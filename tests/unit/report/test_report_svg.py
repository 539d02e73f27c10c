"""The report's own SVG writer: axes that read right (round values, KST calendar ticks carrying the year),
thinning that keeps every extreme, and charts that are well-formed SVG with the marks they should have."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from upbit_auto_trading.presentation.report.svg import (
    Band,
    Bar,
    Bin,
    ChartText,
    Line,
    bar_chart,
    histogram,
    log_ticks,
    nice_ticks,
    thin,
    time_chart,
    time_ticks,
)

NS = {"s": "http://www.w3.org/2000/svg"}
KST = timezone(timedelta(hours=9))
DAY = 86_400


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def epoch(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(-0.31, 0.02) == [-0.3, -0.2, -0.1, 0.0]
    assert nice_ticks(9e6, 2.3e7) == [1e7, 1.5e7, 2e7]
    assert nice_ticks(0.0, 1.0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert all(str(t) != "-0.0" for t in nice_ticks(-1.0, 1.0))


def test_log_ticks_use_1_2_5_of_each_decade_and_round_values_inside_one() -> None:
    assert log_ticks(5e6, 4e8) == [5e6, 1e7, 2e7, 5e7, 1e8, 2e8]
    assert log_ticks(8e6, 1.4e7) == [8e6, 1e7, 1.2e7, 1.4e7]
    assert log_ticks(1.0, 1e12) == [10.0**k for k in range(13)]  # many decades: powers of ten only
    assert log_ticks(-1.0, 5.0) == []


def test_time_ticks_fall_on_kst_boundaries_and_every_label_has_the_year() -> None:
    # Three years over 850 px: quarters, on the 1st of the month at midnight KST.
    ticks = time_ticks(epoch(2020, 1, 1), epoch(2022, 12, 31), 850)
    assert [label for _, label in ticks][:4] == ["2020-04", "2020-07", "2020-10", "2021-01"]
    for moment, label in ticks:
        local = datetime.fromtimestamp(moment, KST)
        assert (local.day, local.hour, local.minute) == (1, 0, 0)
        assert label.startswith(str(local.year))
    # Twenty days: whole KST days, labelled with the full date.
    days = time_ticks(epoch(2024, 3, 1), epoch(2024, 3, 21), 850)
    assert all(datetime.fromtimestamp(m, KST).hour == 0 for m, _ in days)
    assert len(days) >= 5 and all(len(label) == len("2024-03-02") for _, label in days)
    assert days[0][1] in ("2024-03-02", "2024-03-03")  # the first KST midnight of the step after the start
    assert {b[0] - a[0] for a, b in zip(days, days[1:], strict=False)} <= {DAY, 2 * DAY, 7 * DAY}
    # Two days: hours, "YYYY-MM-DD HH:MM".
    hours = time_ticks(epoch(2024, 3, 1), epoch(2024, 3, 3), 850)
    assert hours[0][1].startswith("2024-03-01 ") and hours[0][1].endswith(":00")


def test_thinning_keeps_the_extremes_and_the_ends() -> None:
    rng = np.random.default_rng(1)
    x = np.arange(100_000, dtype=np.float64)
    y = np.cumsum(rng.normal(size=100_000))
    y[54_321] = 1e6  # one spike
    y[77_777] = -1e6  # one crash
    tx, ty = thin(x, y, 500)
    assert tx.shape[0] <= 500 * 4
    assert ty.max() == 1e6 and ty.min() == -1e6
    assert (tx[0], tx[-1]) == (0.0, 99_999.0)
    assert np.all(np.diff(tx) > 0)  # still in time order
    short_x, short_y = thin(x[:100], y[:100], 500)  # nothing to thin
    assert short_x.shape[0] == 100 and np.array_equal(short_y, y[:100])
    gap = thin(np.arange(5.0), np.array([1.0, np.nan, 3.0, np.inf, 5.0]), 10)
    assert gap[1].tolist() == [1.0, 3.0, 5.0]  # NaN and infinity are gaps, never zeros


def test_time_chart_is_well_formed_svg_with_its_curves_bands_and_title() -> None:
    times = epoch(2022, 1, 1) + np.arange(1000) * 3600.0
    equity = 1e7 * np.exp(np.linspace(0, 1, 1000))
    svg = time_chart(
        [
            Line("Strategy", times, equity, "#146e3c"),
            Line("B&H <x>", times, equity * 0.9, "#8c8c8c", dashed=True),
        ],
        ChartText("Equity & more", extra={"chart": "equity"}),
        lambda v: f"{v:,.0f}",
        bands=[Band(times[100], times[300], "1: -5%")],
    )
    root = parse(svg)
    assert root.get("data-chart") == "equity" and root.get("role") == "img"
    assert root.find("s:title", NS).text == "Equity & more"
    series = root.findall(".//s:path[@class='series']", NS)
    assert len(series) == 2 and series[1].get("stroke-dasharray")
    assert all(p.get("d").startswith("M") and len(p.get("d")) > 1000 for p in series)
    assert len(root.findall(".//s:rect[@class='band']", NS)) == 1
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "B&H <x>" in labels  # escaped in the file, the same text once parsed
    assert any(label and label.endswith(",000,000") for label in labels)  # thousands separators on the axis
    assert "script" not in svg.lower() and "href" not in svg.lower()


def test_log_chart_leaves_out_values_it_cannot_draw() -> None:
    times = epoch(2022, 1, 1) + np.arange(4) * 3600.0
    svg = time_chart(
        [Line("x", times, np.array([1.0, 0.0, -2.0, 4.0]), "#000")], ChartText("t"), str, log_y=True
    )
    path = parse(svg).find(".//s:path[@class='series']", NS).get("d")
    assert path.count(",") == 2  # the two positive points only
    assert "nan" not in svg and "inf" not in svg


def test_an_empty_chart_says_so() -> None:
    svg = time_chart([Line("x", np.empty(0), np.empty(0), "#000")], ChartText("t", empty="No data here"), str)
    root = parse(svg)
    assert [t.text for t in root.findall(".//s:text[@class='empty']", NS)] == ["No data here"]
    assert histogram([], ChartText("h", empty="None"), str).count('class="empty"') == 1
    assert (
        bar_chart(
            [Bar("a", 0, "#000")],
            ChartText("b", empty="None"),
        ).count('class="empty"')
        == 1
    )


def test_histogram_and_bar_chart_draw_one_bar_per_non_empty_bin() -> None:
    bins = [Bin(-0.02, -0.01, 3, "#1e5ac8"), Bin(-0.01, 0.0, 0, "#1e5ac8"), Bin(0.0, 0.01, 7, "#c82828")]
    root = parse(histogram(bins, ChartText("P&L"), lambda v: f"{v:.0%}"))
    bars = root.findall(".//s:rect[@class='bar']", NS)
    assert [b.get("fill") for b in bars] == ["#1e5ac8", "#c82828"]
    assert float(bars[1].get("height")) > float(bars[0].get("height")) * 2  # 7 against 3
    chart = parse(bar_chart([Bar("< 1h", 2, "#146e3c"), Bar("1h–4h", 5, "#146e3c")], ChartText("Holding")))
    assert len(chart.findall(".//s:rect[@class='bar']", NS)) == 2
    texts = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}text")]
    assert "< 1h" in texts and "5" in texts


@pytest.mark.parametrize("flat", [0.0, 5.0, -3.0])
def test_a_flat_curve_still_draws(flat: float) -> None:
    times = epoch(2022, 1, 1) + np.arange(10) * DAY
    svg = time_chart([Line("x", times, np.full(10, flat), "#000")], ChartText("t"), str, zero_line=True)
    d = parse(svg).find(".//s:path[@class='series']", NS).get("d")
    assert "nan" not in d and d.count(",") == 10
