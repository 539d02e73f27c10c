"""Walk-forward analysis: train/test windows over a period, the stitched out-of-sample equity and the
walk-forward efficiency.

Windows are half-open spans of epoch seconds, ``[start, end)``: a candle belongs to a window when its start
time lies in it. Each test window starts where its train window ends, so no candle is in both, and the test
windows follow one another without overlapping (the last one may be shorter). Rolling windows keep the
train length; anchored windows all start at the beginning of the period and grow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR = 365  # crypto trades every day (as domain/analysis/returns.py)
_DURATION = re.compile(r"^\s*(\d+)\s*([dwhm]?)\s*$")
_UNIT_SECONDS = {"": SECONDS_PER_DAY, "d": SECONDS_PER_DAY, "w": 7 * SECONDS_PER_DAY, "h": 3600, "m": 60}


def parse_duration(text: str) -> int:
    """``180d``, ``26w``, ``12h``, ``90m`` (minutes) or a bare number of days, in seconds."""
    match = _DURATION.match(text or "")
    if match is None or int(match[1]) <= 0:
        raise ParameterSpaceError(f"{text!r} is not a duration: write a positive number of days like 180d (or w, h, m)")
    return int(match[1]) * _UNIT_SECONDS[match[2]]


@dataclass(frozen=True)
class WalkForwardWindow:
    number: int  # from 1
    train_start: int
    train_end: int  # == test_start
    test_start: int
    test_end: int

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def walk_forward_windows(
    first: int, last: int, train_seconds: int, test_seconds: int, *, anchored: bool = False
) -> list[WalkForwardWindow]:
    """Windows over candles starting from ``first`` to ``last`` (inclusive epoch seconds). The first test
    window starts ``train_seconds`` after ``first``; each next one ``test_seconds`` later, until ``last``."""
    if train_seconds <= 0 or test_seconds <= 0:
        raise ParameterSpaceError("train and test windows need a positive length")
    windows: list[WalkForwardWindow] = []
    test_start = first + train_seconds
    while test_start <= last:
        train_start = first if anchored else test_start - train_seconds
        test_end = min(test_start + test_seconds, last + 1)
        windows.append(WalkForwardWindow(len(windows) + 1, train_start, test_start, test_start, test_end))
        test_start += test_seconds
    if not windows:
        days = (last - first) / SECONDS_PER_DAY
        raise ParameterSpaceError(
            f"the period holds {days:.0f} days: too short for a {train_seconds / SECONDS_PER_DAY:g}-day train "
            "window followed by a test window; choose a longer period or shorter windows"
        )
    return windows


def stitch_equity(segments: Sequence[np.ndarray], initial: float) -> np.ndarray:
    """The test windows' equity curves joined as one account: each segment, run from ``initial``, is scaled
    to start from the previous segment's end (what the account would have held had it carried over)."""
    out: list[np.ndarray] = []
    carried = float(initial)
    for equity in segments:
        curve = np.asarray(equity, dtype=np.float64)
        if curve.shape[0] == 0:
            continue
        scaled = curve * (carried / float(initial))
        out.append(scaled)
        carried = float(scaled[-1])
    return np.concatenate(out) if out else np.empty(0, dtype=np.float64)


def annualised_return(growth: float, seconds: float) -> float | None:
    """``growth`` (final / initial) over ``seconds`` as a yearly rate; None for a non-positive span or a
    total loss."""
    if seconds <= 0 or growth <= 0:
        return None
    years = seconds / (DAYS_PER_YEAR * SECONDS_PER_DAY)
    try:
        return float(growth ** (1.0 / years) - 1.0)
    except OverflowError:
        return math.inf


def walk_forward_efficiency(oos_annualised: float | None, is_annualised: Sequence[float | None]) -> float | None:
    """Pardo's walk-forward efficiency: the annualised out-of-sample return over the mean annualised
    in-sample return of the chosen parameters. None when either is undefined or the in-sample mean is not
    positive (a ratio against a loss says nothing)."""
    known = [v for v in is_annualised if v is not None and math.isfinite(v)]
    if oos_annualised is None or not known:
        return None
    mean_is = float(np.mean(known))
    if mean_is <= 0:
        return None
    return float(oos_annualised / mean_is)
