"""Probabilistic and deflated Sharpe ratios against Bailey & Lopez de Prado's published figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.sharpe_stats import (
    deflated_sharpe_ratio,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    sample_moments,
    sharpe_standard_error,
)


def test_deflated_sharpe_ratio_reproduces_the_papers_worked_example() -> None:
    """Bailey & Lopez de Prado, "The Deflated Sharpe Ratio" (JPM 2014), numerical example.

    A strategist picks the best of N = 100 independent trials: annualised SR 2.5 over T = 1,250 daily
    observations (five years of 250 trading days, the paper's annualisation), returns with skewness -3 and
    kurtosis 10, and the trials' annualised Sharpe ratios have variance V = 1/2. The paper finds the
    expected maximum Sharpe ratio E[max SR] ~= 0.1132 per day (so the daily SR 2.5 / sqrt(250) = 0.1581
    must beat it) and DSR ~= 0.9004: the strategy is not significant at 95 % once selection is accounted
    for. Per-period inputs: SR = 2.5 / sqrt(250), V = 0.5 / 250.
    """
    sr = 2.5 / math.sqrt(250)
    variance = 0.5 / 250

    sr0 = expected_max_sharpe(100, variance)
    assert sr0 == pytest.approx(0.1132, abs=5e-5)
    # The same benchmark annualised: about 1.79 — luck alone explains most of the 2.5.
    assert sr0 * math.sqrt(250) == pytest.approx(1.789, abs=1e-3)

    dsr = deflated_sharpe_ratio(sr, 1250, -3.0, 10.0, 100, variance)
    assert dsr == pytest.approx(0.9004, abs=5e-5)
    assert dsr < 0.95
    # DSR is the PSR against that benchmark.
    assert dsr == pytest.approx(probabilistic_sharpe_ratio(sr, 1250, -3.0, 10.0, sr0), rel=1e-12)


def test_expected_max_sharpe_uses_the_euler_mascheroni_interpolation() -> None:
    """E[max] = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))), g = 0.5772156649...

    With V = 1 and N = 10 the interpolated expected maximum of ten standard normals is about 1.5745 (the
    exact expectation is 1.5388: the approximation is known to run slightly high for small N)."""
    assert expected_max_sharpe(10, 1.0) == pytest.approx(1.5745, abs=5e-4)
    assert expected_max_sharpe(1000, 1.0) == pytest.approx(3.2547, abs=5e-4)
    # It scales with the standard deviation of the trials' Sharpe ratios, and grows with the trials.
    assert expected_max_sharpe(10, 4.0) == pytest.approx(2 * expected_max_sharpe(10, 1.0))
    assert expected_max_sharpe(1, 0.3) == 0.0  # one trial: nothing was selected
    assert expected_max_sharpe(10, 0.0) == 0.0
    with pytest.raises(ValueError):
        expected_max_sharpe(0, 1.0)


def test_expected_max_matches_a_simulation_of_unskilled_trials() -> None:
    """The closed form against the mean maximum of N simulated normal Sharpe ratios (N = 100)."""
    rng = np.random.default_rng(7)
    simulated = rng.normal(0.0, 1.0, size=(20_000, 100)).max(axis=1).mean()
    # The approximation runs about 1 % high at N = 100 (2.531 against about 2.50).
    assert expected_max_sharpe(100, 1.0) == pytest.approx(simulated, rel=0.02)
    assert expected_max_sharpe(100, 1.0) > simulated


def test_psr_for_normal_returns_is_the_mertens_z_test() -> None:
    """With skew 0 and kurtosis 3 the standard error is sqrt((1 + SR^2 / 2) / (n - 1)) (Lo 2002, Mertens
    2002): SR = 0.1 per day over 101 days gives z = 0.1 * 10 / sqrt(1.005) and PSR = Phi(z) ~= 0.8407."""
    z = 0.1 * 10 / math.sqrt(1.005)
    assert sharpe_standard_error(0.1, 101, 0.0, 3.0) == pytest.approx(math.sqrt(1.005) / 10)
    assert probabilistic_sharpe_ratio(0.1, 101, 0.0, 3.0) == pytest.approx(
        0.5 * (1 + math.erf(z / math.sqrt(2)))
    )
    assert probabilistic_sharpe_ratio(0.1, 101, 0.0, 3.0) == pytest.approx(0.8407, abs=5e-4)


def test_psr_penalises_negative_skew_and_fat_tails_and_rewards_track_length() -> None:
    base = probabilistic_sharpe_ratio(0.1, 250, 0.0, 3.0)
    assert probabilistic_sharpe_ratio(0.1, 250, -2.0, 3.0) < base
    assert probabilistic_sharpe_ratio(0.1, 250, 0.0, 12.0) < base
    assert probabilistic_sharpe_ratio(0.1, 1000, 0.0, 3.0) > base
    assert probabilistic_sharpe_ratio(0.1, 250, 0.0, 3.0, sr_benchmark=0.1) == pytest.approx(0.5)


def test_psr_refuses_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        probabilistic_sharpe_ratio(0.1, 1, 0.0, 3.0)
    with pytest.raises(ValueError):  # 1 - 10 * 1 + ... < 0
        probabilistic_sharpe_ratio(1.0, 100, 10.0, 3.0)


def test_sample_moments_are_the_per_period_sharpe_and_population_skew_and_kurtosis() -> None:
    r = np.array([0.01, -0.02, 0.03, 0.0, 0.02])
    sr, skew, kurt = sample_moments(r)
    d = r - r.mean()
    assert sr == pytest.approx(r.mean() / r.std(ddof=1))
    assert skew == pytest.approx(np.mean(d**3) / np.mean(d**2) ** 1.5)
    assert kurt == pytest.approx(np.mean(d**4) / np.mean(d**2) ** 2)
    normal = np.random.default_rng(1).normal(0.001, 0.01, 200_000)
    _, s, k = sample_moments(normal)
    assert abs(s) < 0.05 and k == pytest.approx(3.0, abs=0.05)
    with pytest.raises(ValueError):
        sample_moments(np.array([0.01, 0.01, 0.01]))
