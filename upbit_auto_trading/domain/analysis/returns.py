"""Daily returns of an equity curve on the KST calendar, and their annualised Sharpe ratio.

Crypto trades every day, so a year is 365 calendar days (``DAYS_PER_YEAR``). Days are KST calendar days
(00:00 to 24:00 Asia/Seoul, UTC+9, no daylight saving): the calendar a Korean trader reads returns on.
Times are epoch seconds UTC (as ``CandleArrays.start``); an equity observation belongs to the KST day that
contains its time. Floats are fine here: these are analytics, not money.
"""

from __future__ import annotations

import math

import numpy as np

DAYS_PER_YEAR = 365
SECONDS_PER_DAY = 86_400
KST_OFFSET_SECONDS = 9 * 3600


def kst_day_index(times: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 KST of each UTC epoch time (int64)."""
    return (np.asarray(times, dtype=np.int64) + KST_OFFSET_SECONDS) // SECONDS_PER_DAY


def kst_day_start(day_index: np.ndarray) -> np.ndarray:
    """The UTC epoch second of each KST day's midnight."""
    return np.asarray(day_index, dtype=np.int64) * SECONDS_PER_DAY - KST_OFFSET_SECONDS


def daily_closes(times: np.ndarray, equity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(day starts, last equity of each day) for every KST day from the first to the last observation.

    A day without an observation (a gap in the candles, or weekly candles) carries the previous day's last
    equity forward: nothing was marked, so nothing changed. Zero-return days keep the annualisation right
    (a weekly curve's daily Sharpe times sqrt(365) equals its weekly Sharpe times sqrt(365 / 7)).
    """
    times = np.asarray(times, dtype=np.int64)
    equity = np.asarray(equity, dtype=np.float64)
    if times.shape[0] != equity.shape[0]:
        raise ValueError("times and equity must have the same length")
    if times.shape[0] == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    days = kst_day_index(times)
    first = int(days[0])
    n_days = int(days[-1]) - first + 1
    # Last observation of each day that has one (times ascend, so the last index per day wins).
    last = np.full(n_days, -1, dtype=np.int64)
    last[days - first] = np.arange(times.shape[0])
    # Carry forward over days without an observation.
    filled = np.maximum.accumulate(last)
    return kst_day_start(np.arange(first, first + n_days)), equity[filled]


def daily_returns(times: np.ndarray, equity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(day starts, simple returns): each KST day's last equity against the previous day's last equity.

    The first day is measured against the first observation (equity after the first candle), so a curve
    spanning D calendar days gives D returns; days without observations return 0 (see ``daily_closes``).
    """
    starts, closes = daily_closes(times, equity)
    if closes.shape[0] == 0:
        return starts, closes
    prev = np.concatenate(([float(np.asarray(equity, dtype=np.float64)[0])], closes[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        rets = np.where(prev > 0, closes / prev - 1.0, 0.0)
    return starts, rets


def annualised_sharpe(daily: np.ndarray) -> float | None:
    """mean / sample standard deviation of daily returns * sqrt(365); None with fewer than two returns or
    no variation (a ratio without risk is undefined, not infinite)."""
    daily = np.asarray(daily, dtype=np.float64)
    if daily.shape[0] < 2:
        return None
    sd = float(np.std(daily, ddof=1))
    if not sd > 0 or not math.isfinite(sd):
        return None
    value = float(np.mean(daily)) / sd * math.sqrt(DAYS_PER_YEAR)
    return value if math.isfinite(value) else None


def annualised_volatility(daily: np.ndarray) -> float | None:
    """Sample standard deviation of daily returns * sqrt(365); None with fewer than two returns."""
    daily = np.asarray(daily, dtype=np.float64)
    if daily.shape[0] < 2:
        return None
    return float(np.std(daily, ddof=1)) * math.sqrt(DAYS_PER_YEAR)
