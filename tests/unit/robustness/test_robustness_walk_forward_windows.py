"""Walk-forward windows: test windows never overlap their train data, follow one another, and stop at the
data; durations, stitching and efficiency."""

from __future__ import annotations

import numpy as np
import pytest

from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError
from upbit_auto_trading.domain.robustness.walk_forward import (
    annualised_return,
    parse_duration,
    stitch_equity,
    walk_forward_efficiency,
    walk_forward_windows,
)

DAY = 86_400


@pytest.mark.parametrize("anchored", [False, True])
def test_windows_never_overlap_their_train_data_and_tile_the_test_period(anchored):
    first, last = 1_600_000_000, 1_600_000_000 + 400 * DAY - 3600
    windows = walk_forward_windows(first, last, 180 * DAY, 30 * DAY, anchored=anchored)
    assert len(windows) == 8  # 220 days after the first train window: 7 whole test windows and a short one
    for w in windows:
        assert w.train_start < w.train_end == w.test_start < w.test_end  # disjoint, [start, end)
        assert w.train_start == first if anchored else w.train_end - w.train_start == 180 * DAY
    for a, b in zip(windows, windows[1:], strict=False):
        assert b.test_start == a.test_end  # consecutive, no overlap, no gap
    assert windows[0].test_start == first + 180 * DAY and windows[-1].test_end == last + 1
    assert [w.number for w in windows] == list(range(1, 9))


def test_too_short_a_period_and_durations():
    with pytest.raises(ParameterSpaceError, match="too short"):
        walk_forward_windows(0, 100 * DAY, 180 * DAY, 30 * DAY)
    assert parse_duration("180d") == 180 * DAY and parse_duration("2w") == 14 * DAY
    assert parse_duration("12h") == 12 * 3600 and parse_duration("30") == 30 * DAY
    for bad in ("0d", "-5d", "3y", ""):
        with pytest.raises(ParameterSpaceError):
            parse_duration(bad)


def test_stitching_carries_the_account_from_one_window_to_the_next():
    a = np.array([100.0, 110.0, 120.0])
    b = np.array([100.0, 90.0])
    stitched = stitch_equity([a, b], 100.0)
    assert stitched.tolist() == pytest.approx([100.0, 110.0, 120.0, 120.0, 108.0])


def test_annualised_returns_and_the_efficiency():
    assert annualised_return(1.1, 365 * DAY) == pytest.approx(0.1)
    assert annualised_return(1.21, 2 * 365 * DAY) == pytest.approx(0.1)
    assert annualised_return(0.0, DAY) is None and annualised_return(1.1, 0) is None
    assert walk_forward_efficiency(0.05, [0.1, 0.1]) == pytest.approx(0.5)
    assert walk_forward_efficiency(0.05, [-0.1, 0.05]) is None  # in-sample mean not positive
    assert walk_forward_efficiency(None, [0.1]) is None
