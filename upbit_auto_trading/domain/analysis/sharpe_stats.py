"""How much to trust a Sharpe ratio: the probabilistic and deflated Sharpe ratios of Bailey and Lopez de
Prado.

- PSR ("The Sharpe Ratio Efficient Frontier", Journal of Risk, 2012): the probability that the true Sharpe
  ratio exceeds a benchmark, given the observed one, the track length and the returns' skew and kurtosis::

      PSR(SR*) = Phi( (SR - SR*) * sqrt(n - 1) / sqrt(1 - skew * SR + (kurtosis - 1) / 4 * SR^2) )

- Expected maximum Sharpe ratio of ``trials`` independent unskilled trials whose Sharpe ratios have
  variance V ("The Deflated Sharpe Ratio", Journal of Portfolio Management, 2014; the False Strategy
  theorem), with the Euler-Mascheroni constant g::

      E[max SR] = sqrt(V) * ((1 - g) * Phi^-1(1 - 1/N) + g * Phi^-1(1 - 1/(N e)))

- DSR = PSR(E[max SR]): the PSR against the best Sharpe ratio luck alone would have produced.

Every Sharpe ratio here is per period (per observation), NOT annualised; ``sr_variance`` is the variance of
the trials' per-period Sharpe ratios. Kurtosis is the non-excess kind (a normal distribution has 3).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

EULER_MASCHERONI = 0.5772156649015329
_STANDARD_NORMAL = NormalDist()


def sharpe_standard_error(sr: float, n: int, skew: float, kurtosis: float) -> float:
    """Standard deviation of the Sharpe ratio estimate (Mertens 2002, as used by Bailey & Lopez de Prado).

    Raises ValueError with fewer than two observations, or when skew and kurtosis leave no positive
    variance (an impossible pair of moments for this Sharpe ratio).
    """
    if n < 2:
        raise ValueError("the probabilistic Sharpe ratio needs at least two observations")
    spread = 1.0 - skew * sr + (kurtosis - 1.0) / 4.0 * sr * sr
    if not spread > 0:
        raise ValueError("skew and kurtosis leave the Sharpe ratio estimate without a positive variance")
    return math.sqrt(spread / (n - 1))


def probabilistic_sharpe_ratio(
    sr: float, n: int, skew: float, kurtosis: float, sr_benchmark: float = 0.0
) -> float:
    """P(true Sharpe ratio > ``sr_benchmark``) given ``n`` observations with per-period Sharpe ratio ``sr``."""
    z = (sr - sr_benchmark) / sharpe_standard_error(sr, n, skew, kurtosis)
    return _STANDARD_NORMAL.cdf(z)


def expected_max_sharpe(trials: int, sr_variance: float) -> float:
    """Expected maximum per-period Sharpe ratio of ``trials`` independent trials with no skill whose Sharpe
    ratios have variance ``sr_variance``; 0 for a single trial (no selection, nothing to deflate)."""
    if trials < 1:
        raise ValueError("at least one trial is needed")
    if sr_variance < 0:
        raise ValueError("a variance cannot be negative")
    if trials == 1:
        return 0.0
    g = EULER_MASCHERONI
    inv = _STANDARD_NORMAL.inv_cdf
    return math.sqrt(sr_variance) * (
        (1.0 - g) * inv(1.0 - 1.0 / trials) + g * inv(1.0 - 1.0 / (trials * math.e))
    )


def deflated_sharpe_ratio(
    sr: float, n: int, skew: float, kurtosis: float, trials: int, sr_variance: float
) -> float:
    """PSR against the expected maximum Sharpe ratio of ``trials`` unskilled trials."""
    return probabilistic_sharpe_ratio(sr, n, skew, kurtosis, expected_max_sharpe(trials, sr_variance))


def sample_moments(returns: np.ndarray) -> tuple[float, float, float]:
    """(per-period Sharpe ratio, skewness, non-excess kurtosis) of a return series.

    The Sharpe ratio uses the sample standard deviation (ddof=1) like the app's other Sharpe ratios; skew and
    kurtosis are the population moments m3 / m2^1.5 and m4 / m2^2 the papers use. Raises ValueError with
    fewer than two returns or returns that never vary.
    """
    r = np.asarray(returns, dtype=np.float64)
    if r.shape[0] < 2:
        raise ValueError("at least two returns are needed")
    d = r - r.mean()
    m2 = float(np.mean(d**2))
    if not m2 > 0:
        raise ValueError("returns that never vary have no Sharpe ratio")
    sd = float(np.std(r, ddof=1))
    return float(r.mean()) / sd, float(np.mean(d**3)) / m2**1.5, float(np.mean(d**4)) / m2**2
