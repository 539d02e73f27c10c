"""Returns per calendar period, the worst drawdowns, and rolling risk of an equity curve.

Calendar periods are KST (UTC+9) months and years; times are epoch seconds UTC. Month and year returns
chain the period's last equity to the previous period's last equity (the first period starts from the
first observation), so compounding them gives the total return of the curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from upbit_auto_trading.domain.analysis.returns import (
    DAYS_PER_YEAR,
    KST_OFFSET_SECONDS,
    daily_closes,
    daily_returns,
)


@dataclass(frozen=True)
class PeriodReturn:
    """The simple return of one KST calendar month (``month`` 1-12) or year (``month`` None)."""

    year: int
    month: int | None
    ret: float


@dataclass(frozen=True)
class DrawdownPeriod:
    """One drawdown episode as indices into the curve: the peak it fell from, its lowest point, and the
    first index back at the peak (None while still under water). ``depth`` = trough / peak - 1 (<= 0)."""

    start: int
    trough: int
    end: int | None
    depth: float


def _kst_year_month(day_starts: np.ndarray) -> list[tuple[int, int]]:
    out = []
    for t in day_starts.tolist():
        d = datetime.fromtimestamp(int(t) + KST_OFFSET_SECONDS, UTC)
        out.append((d.year, d.month))
    return out


def _period_returns(times: np.ndarray, equity: np.ndarray, *, monthly: bool) -> list[PeriodReturn]:
    starts, closes = daily_closes(times, equity)
    if closes.shape[0] == 0:
        return []
    keys = [ym if monthly else (ym[0], 0) for ym in _kst_year_month(starts)]
    out: list[PeriodReturn] = []
    prev = float(np.asarray(equity, dtype=np.float64)[0])
    for i, key in enumerate(keys):
        if i + 1 < len(keys) and keys[i + 1] == key:
            continue  # not the period's last day yet
        last = float(closes[i])
        ret = last / prev - 1.0 if prev > 0 else 0.0
        out.append(PeriodReturn(key[0], key[1] if monthly else None, ret))
        prev = last
    return out


def monthly_returns(times: np.ndarray, equity: np.ndarray) -> list[PeriodReturn]:
    """One return per KST calendar month from the first to the last observation (gaps count as 0)."""
    return _period_returns(times, equity, monthly=True)


def yearly_returns(times: np.ndarray, equity: np.ndarray) -> list[PeriodReturn]:
    """One return per KST calendar year from the first to the last observation."""
    return _period_returns(times, equity, monthly=False)


def worst_drawdowns(times: np.ndarray, equity: np.ndarray, k: int = 5) -> list[DrawdownPeriod]:
    """The ``k`` deepest drawdown episodes, deepest first (ties: the earlier first).

    An episode runs from a running peak until equity is back at (or above) that peak; episodes never
    overlap. ``times`` is accepted for symmetry with the other functions; indices refer to both arrays.
    Vectorised: a million-candle curve takes milliseconds.
    """
    eq = np.asarray(equity, dtype=np.float64)
    if np.asarray(times).shape[0] != eq.shape[0]:
        raise ValueError("times and equity must have the same length")
    n = eq.shape[0]
    if n == 0 or k <= 0:
        return []
    peak = np.maximum.accumulate(eq)
    under = eq < peak
    if not under.any():
        return []
    edges = np.diff(np.concatenate(([0], under.astype(np.int8), [0])))
    firsts = np.flatnonzero(edges == 1)  # first candle under water (never 0: candle 0 is its own peak)
    backs = np.flatnonzero(edges == -1)  # first candle back at the peak (n: never recovered)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(peak > 0, eq / peak - 1.0, 0.0)
    # Each segment firsts[i] .. firsts[i+1] holds one episode and then candles at a peak (dd 0).
    depths = np.minimum.reduceat(dd, firsts)
    order = np.lexsort((firsts, depths))[:k]
    out = []
    for i in order.tolist():
        first, back = int(firsts[i]), int(backs[i])
        trough = first + int(np.argmin(eq[first:back]))
        out.append(DrawdownPeriod(first - 1, trough, back if back < n else None, float(depths[i])))
    return out


def _rolling(
    times: np.ndarray, equity: np.ndarray, window_days: int, *, sharpe: bool
) -> tuple[np.ndarray, np.ndarray]:
    if window_days < 2:
        raise ValueError("a rolling window needs at least two days")
    starts, rets = daily_returns(times, equity)
    if rets.shape[0] < window_days:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    windows = sliding_window_view(rets, window_days)
    sd = windows.std(axis=1, ddof=1)
    root = math.sqrt(DAYS_PER_YEAR)
    if sharpe:
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(sd > 0, windows.mean(axis=1) / sd * root, np.nan)
    else:
        values = sd * root
    return starts[window_days - 1 :], values


def rolling_sharpe(
    times: np.ndarray, equity: np.ndarray, window_days: int = 90
) -> tuple[np.ndarray, np.ndarray]:
    """(day starts, annualised Sharpe ratio of the ``window_days`` daily returns ending that day) for each day
    with a full window; NaN where the window's returns never vary (no risk, no ratio)."""
    return _rolling(times, equity, window_days, sharpe=True)


def rolling_volatility(
    times: np.ndarray, equity: np.ndarray, window_days: int = 90
) -> tuple[np.ndarray, np.ndarray]:
    """(day starts, annualised volatility of the ``window_days`` daily returns ending that day) for each day
    with a full window."""
    return _rolling(times, equity, window_days, sharpe=False)
