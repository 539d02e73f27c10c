"""The overfitting card: the deflated Sharpe ratio of the chosen cell with the sweep's real number of trials,
the probability of backtest overfitting of the whole sweep, and a verdict in plain words.

Thresholds (documented in docs/robustness.md):
- *likely robust*: DSR >= 0.95 (the chosen Sharpe ratio beats, with 95 % confidence, the best one that many
  unskilled trials would show) and PBO <= 0.2;
- *likely overfit*: PBO >= 0.5 (the in-sample winner is at or below the median out of sample at least half
  the time) or DSR < 0.75 (the best of N pure-noise trials scores a DSR of about 0.5, give or take 0.15:
  below 0.75 the result cannot be told apart from the luck of the draw);
- *inconclusive* between the two; *not enough data* when fewer than two trials or too few days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.analysis.returns import DAYS_PER_YEAR
from upbit_auto_trading.domain.analysis.sharpe_stats import (
    deflated_sharpe_ratio,
    expected_max_sharpe,
    sample_moments,
)
from upbit_auto_trading.domain.robustness.pbo import (
    DEFAULT_SPLITS,
    PboResult,
    probability_of_backtest_overfitting,
    usable_splits,
)

ROBUST_DSR = 0.95
ROBUST_PBO = 0.2
OVERFIT_PBO = 0.5
OVERFIT_DSR = 0.75

LIKELY_ROBUST = "likely_robust"
INCONCLUSIVE = "inconclusive"
LIKELY_OVERFIT = "likely_overfit"
NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True)
class OverfittingCard:
    """What the card shows. Sharpe ratios are per day (``*_annualised``: times sqrt(365))."""

    verdict: str  # one of the four constants above (a stable key a screen translates)
    text: str  # the verdict as English sentences
    trials: int  # parameter sets evaluated (every one counts: it was looked at)
    days: int  # daily returns of the chosen cell
    sharpe_annualised: float | None
    expected_max_sharpe_annualised: float | None  # what the best of `trials` unskilled ones would show
    dsr: float | None
    pbo: float | None
    pbo_splits: int
    prob_oos_loss: float | None
    degradation_slope: float | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _per_day_sharpes(returns: np.ndarray) -> np.ndarray:
    mean = returns.mean(axis=0)
    sd = returns.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sr = np.where(sd > 0, mean / sd, np.nan)
    return sr


def _dsr(chosen: np.ndarray, trials: int, sr_variance: float) -> tuple[float | None, float | None, float | None]:
    """(DSR, per-day Sharpe, expected max per-day Sharpe); Nones when the chosen returns have no Sharpe."""
    try:
        sr, skew, kurt = sample_moments(chosen)
        emax = expected_max_sharpe(trials, sr_variance)
        return deflated_sharpe_ratio(sr, chosen.shape[0], skew, kurt, trials, sr_variance), sr, emax
    except ValueError:
        return None, None, None


def _pbo(returns: np.ndarray, splits: int) -> PboResult | None:
    s = usable_splits(returns.shape[0], splits)
    if returns.shape[1] < 2 or s < 2:
        return None
    return probability_of_backtest_overfitting(returns, s)


def _annual(sr: float | None) -> float | None:
    return None if sr is None else sr * math.sqrt(DAYS_PER_YEAR)


def overfitting_card(returns: np.ndarray, chosen: int, splits: int = DEFAULT_SPLITS) -> OverfittingCard:
    """The card for a sweep whose trials' daily returns are the columns of ``returns`` (days x trials, the
    same days for every trial), ``chosen`` being the column of the parameter set picked."""
    m = np.nan_to_num(np.asarray(returns, dtype=np.float64), nan=0.0)
    trials, days = int(m.shape[1]), int(m.shape[0])
    sharpes = _per_day_sharpes(m) if days >= 2 else np.full(trials, np.nan)
    finite = sharpes[np.isfinite(sharpes)]
    sr_var = float(np.var(finite, ddof=1)) if finite.shape[0] >= 2 else 0.0
    dsr, sr, emax = _dsr(m[:, chosen], trials, sr_var) if days >= 2 else (None, None, None)
    pbo = _pbo(m, splits)
    verdict = _verdict(trials, dsr, pbo)
    return OverfittingCard(
        verdict=verdict, text=_text(verdict, trials, dsr, pbo, _annual(sr)), trials=trials, days=days,
        sharpe_annualised=_annual(sr), expected_max_sharpe_annualised=_annual(emax), dsr=dsr,
        pbo=None if pbo is None else pbo.pbo, pbo_splits=0 if pbo is None else pbo.splits,
        prob_oos_loss=None if pbo is None else pbo.prob_oos_loss,
        degradation_slope=None if pbo is None else pbo.degradation_slope,
    )  # fmt: skip


def _verdict(trials: int, dsr: float | None, pbo: PboResult | None) -> str:
    if trials < 2 or dsr is None or pbo is None:
        return NOT_ENOUGH_DATA
    if pbo.pbo >= OVERFIT_PBO or dsr < OVERFIT_DSR:
        return LIKELY_OVERFIT
    if dsr >= ROBUST_DSR and pbo.pbo <= ROBUST_PBO:
        return LIKELY_ROBUST
    return INCONCLUSIVE


def _facts(trials: int, dsr: float, pbo: PboResult, sharpe: float | None) -> Sequence[str]:
    shown = "undefined" if sharpe is None else f"{sharpe:.2f}"
    return (
        f"Of {trials} parameter sets tried, the chosen one's Sharpe ratio ({shown} a year) has a "
        f"{dsr * 100:.0f} % chance of being real skill rather than the luck of the best of {trials} "
        f"(deflated Sharpe ratio {dsr:.2f}).",
        f"The set that looked best in one half of the history ranked at or below the median in the other half "
        f"in {pbo.pbo * 100:.0f} % of {pbo.combinations} splits (probability of backtest overfitting), and lost "
        f"money there in {pbo.prob_oos_loss * 100:.0f} %.",
    )


def _text(verdict: str, trials: int, dsr: float | None, pbo: PboResult | None, sharpe: float | None) -> str:
    if verdict == NOT_ENOUGH_DATA or dsr is None or pbo is None:
        return (
            "Not enough data for a verdict: it needs at least two parameter sets and enough days of returns "
            f"(here {trials} set(s))."
        )
    head = {
        LIKELY_ROBUST: "Likely robust.",
        LIKELY_OVERFIT: "Likely overfit: do not trust this result without new data.",
        INCONCLUSIVE: "Inconclusive: some evidence of skill, not enough to rule out overfitting.",
    }[verdict]
    return " ".join((head, *_facts(trials, dsr, pbo, sharpe)))
