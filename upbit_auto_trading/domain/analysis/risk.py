"""Risk of the daily returns: Sortino, Omega, ulcer index, historical VaR and CVaR, PSR.

Daily returns come from ``returns.daily_returns`` (KST days, 365 a year). Every figure is a fraction
(0.05 = 5 %) or a ratio; None means "not defined for this run" (too few days, no losing day, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.analysis.returns import DAYS_PER_YEAR, annualised_sharpe, annualised_volatility
from upbit_auto_trading.domain.analysis.sharpe_stats import probabilistic_sharpe_ratio, sample_moments

VAR_LEVEL = 0.95


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def annualised_sortino(daily: np.ndarray) -> float | None:
    """mean / downside deviation * sqrt(365); the downside deviation is sqrt(mean(min(r, 0)^2)) over all
    days (target 0), as in the run metrics."""
    r = np.asarray(daily, dtype=np.float64)
    if r.shape[0] < 2:
        return None
    downside = float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2)))
    return _finite(float(r.mean()) / downside * math.sqrt(DAYS_PER_YEAR)) if downside > 0 else None


def omega_ratio(daily: np.ndarray, threshold: float = 0.0) -> float | None:
    """Sum of gains above ``threshold`` / sum of losses below it (Keating & Shadwick); None without a day
    below the threshold (infinite) or without days."""
    r = np.asarray(daily, dtype=np.float64) - threshold
    if r.shape[0] == 0:
        return None
    losses = float(-r[r < 0].sum())
    return _finite(float(r[r > 0].sum()) / losses) if losses > 0 else None


def ulcer_index(closes: np.ndarray) -> float | None:
    """sqrt(mean(drawdown^2)) of a (daily closing) equity series, drawdowns from the running peak as
    fractions: 0.05 means a typical 5 % under water (Peter Martin's index, 0-100 in percent points)."""
    eq = np.asarray(closes, dtype=np.float64)
    if eq.shape[0] == 0:
        return None
    peak = np.maximum.accumulate(eq)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(peak > 0, eq / peak - 1.0, 0.0)
    return float(np.sqrt(np.mean(dd**2)))


def historical_var(daily: np.ndarray, level: float = VAR_LEVEL) -> float | None:
    """Historical value at risk as a return (<= 0 for a loss): the (1 - level) quantile of the daily
    returns, taken as an observed day (no interpolation). A 95 % VaR of -0.03: on 5 % of days the run
    lost 3 % or more."""
    r = np.asarray(daily, dtype=np.float64)
    if r.shape[0] == 0:
        return None
    return float(np.quantile(r, 1.0 - level, method="lower"))


def historical_cvar(daily: np.ndarray, level: float = VAR_LEVEL) -> float | None:
    """Conditional VaR (expected shortfall): the mean of the daily returns at or below the VaR."""
    var = historical_var(daily, level)
    if var is None:
        return None
    r = np.asarray(daily, dtype=np.float64)
    return float(r[r <= var].mean())


@dataclass(frozen=True)
class DailyRisk:
    """Figures of one run's daily returns (KST days, 365-day annualisation)."""

    days: int
    sharpe: float | None
    sortino: float | None
    volatility: float | None
    omega: float | None
    ulcer_index: float | None
    var_95: float | None
    cvar_95: float | None
    skew: float | None
    kurtosis: float | None  # non-excess (normal = 3)
    psr: float | None  # P(true Sharpe > 0) from the per-day Sharpe ratio
    best_day: float | None
    worst_day: float | None
    positive_days: float | None  # share of days with a gain

    @classmethod
    def of(cls, daily: np.ndarray, closes: np.ndarray) -> DailyRisk:
        r = np.asarray(daily, dtype=np.float64)
        n = int(r.shape[0])
        skew = kurt = psr = None
        try:
            sr, skew, kurt = sample_moments(r)
            psr = probabilistic_sharpe_ratio(sr, n, skew, kurt)
        except ValueError:  # fewer than two days, a flat curve, or moments without a valid variance
            pass
        return cls(
            days=n,
            sharpe=annualised_sharpe(r),
            sortino=annualised_sortino(r),
            volatility=annualised_volatility(r),
            omega=omega_ratio(r),
            ulcer_index=ulcer_index(closes),
            var_95=historical_var(r),
            cvar_95=historical_cvar(r),
            skew=skew,
            kurtosis=kurt,
            psr=psr,
            best_day=float(r.max()) if n else None,
            worst_day=float(r.min()) if n else None,
            positive_days=float((r > 0).mean()) if n else None,
        )
