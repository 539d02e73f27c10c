"""The overfitting card: DSR with the sweep's real number of trials, PBO, and the verdict words."""

from __future__ import annotations

import math

import numpy as np

from upbit_auto_trading.domain.analysis.sharpe_stats import deflated_sharpe_ratio, sample_moments
from upbit_auto_trading.domain.robustness.verdict import (
    LIKELY_OVERFIT,
    LIKELY_ROBUST,
    NOT_ENOUGH_DATA,
    overfitting_card,
)


def test_a_lucky_pick_among_many_noise_trials_is_called_overfit():
    returns = np.random.default_rng(3).normal(0.0, 0.02, (730, 200))
    chosen = int(np.argmax(returns.mean(axis=0) / returns.std(axis=0, ddof=1)))
    card = overfitting_card(returns, chosen)
    assert card.verdict == LIKELY_OVERFIT and card.trials == 200 and card.days == 730
    assert card.dsr is not None and card.dsr < 0.75 and "Likely overfit" in card.text and "200" in card.text
    # the DSR used the sweep's 200 trials and the variance of their Sharpe ratios
    sr, skew, kurt = sample_moments(returns[:, chosen])
    srs = returns.mean(axis=0) / returns.std(axis=0, ddof=1)
    assert card.dsr == deflated_sharpe_ratio(sr, 730, skew, kurt, 200, float(np.var(srs, ddof=1)))
    assert card.sharpe_annualised == sr * math.sqrt(365)


def test_a_consistently_skilled_set_is_called_robust():
    rng = np.random.default_rng(4)
    skilled = rng.normal(0.003, 0.01, (730, 1))
    others = skilled * 0.5 + rng.normal(0.0, 0.01, (730, 9))  # related variants, weaker
    card = overfitting_card(np.c_[skilled, others], 0)
    assert card.verdict == LIKELY_ROBUST, card.text
    assert card.dsr > 0.95 and card.pbo <= 0.2 and card.text.startswith("Likely robust.")


def test_one_trial_or_no_days_is_not_enough():
    assert overfitting_card(np.random.default_rng(1).normal(0, 0.01, (100, 1)), 0).verdict == NOT_ENOUGH_DATA
    card = overfitting_card(np.zeros((0, 0)), 0)
    assert card.verdict == NOT_ENOUGH_DATA and card.dsr is None and card.pbo is None
