"""Pieces of the analysis screen without Qt: the log-scale ticks, the Monte Carlo fields, the histograms'
bars and the heatmap rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.distributions import HistogramBin, holding_histogram
from upbit_auto_trading.domain.analysis.periodic import PeriodReturn
from upbit_auto_trading.presentation.desktop.analysis.log_axis import log_ticks, nice_step
from upbit_auto_trading.presentation.desktop.analysis.model import heatmap_of, holding_bars, return_bars
from upbit_auto_trading.presentation.desktop.analysis.monte_carlo_panel import parse_inputs
from upbit_auto_trading.presentation.desktop.i18n import set_language


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


def test_log_scale_ticks_fall_on_round_values():
    assert nice_step(7_000_000, 6) == 2_000_000
    step, ticks = log_ticks(5_100_000, 12_300_000)
    assert step == 2_000_000 and ticks == [6e6, 8e6, 10e6, 12e6]
    # over more than a decade: 1, 2 and 5 times each power of ten
    _, wide = log_ticks(800_000, 30_000_000)
    assert wide == [1e6, 2e6, 5e6, 1e7, 2e7]
    assert log_ticks(0, 10) == (1.0, []) and log_ticks(5, 5) == (1.0, [])
    assert all(math.isfinite(v) for v in log_ticks(0.0123, 0.0456)[1])


def test_monte_carlo_fields():
    assert parse_inputs("1,000", "20") == (1000, 0.2)
    assert parse_inputs(" 5 ", "12.5%") == (5, 0.125)
    for paths, loss in (("0", "20"), ("100001", "20"), ("x", "20"), ("10", "0"), ("10", "101"), ("10", "a")):
        with pytest.raises(ValueError):
            parse_inputs(paths, loss)


def test_histogram_bars():
    bars = holding_bars(holding_histogram(np.array([600, 7200, 7200, 200_000, 9_000_000])))
    assert [label for _, label in bars.ticks] == [
        "0",
        "1h",
        "4h",
        "12h",
        "1d",
        "2d",
        "4d",
        "7d",
        "14d",
        "30d",
        "90d",
    ]
    assert bars.height.tolist() == [1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert all(x == i - 0.5 for i, (x, _) in enumerate(bars.ticks))  # each edge between two bars
    returns = return_bars(
        [HistogramBin(-0.02, -0.01, 3), HistogramBin(-0.01, 0.01, 2), HistogramBin(0.01, 0.02, 4)]
    )
    assert returns.left.tolist() == [-2, -1, 1] and returns.sign.tolist() == [-1, 0, 1]
    one = return_bars([HistogramBin(0.05, 0.05, 7)])  # every trade the same: still a bar to see
    assert one.right[0] - one.left[0] > 0 and one.height.tolist() == [7]


def test_heatmap_rows_are_years_with_their_months_and_the_year():
    monthly = [PeriodReturn(2022, 11, 0.05), PeriodReturn(2022, 12, -0.1), PeriodReturn(2023, 1, 0.2)]
    yearly = [PeriodReturn(2022, None, -0.055), PeriodReturn(2023, None, 0.2)]
    heat = heatmap_of(monthly, yearly)
    assert heat.years == [2022, 2023] and len(heat.headers) == 13 and heat.scale == 0.2
    assert heat.values[0][10:] == [0.05, -0.1, -0.055] and heat.values[0][:10] == [None] * 10
    assert heat.texts[1][0] == "20.0%" and heat.texts[1][12] == "20.0%" and heat.texts[1][1] == ""
