"""Probability of backtest overfitting (CSCV) against a plain re-implementation of the paper's steps, and
on matrices whose answer is known."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from upbit_auto_trading.domain.robustness.pbo import probability_of_backtest_overfitting, usable_splits


def _reference_pbo(m: np.ndarray, s: int) -> tuple[float, list[float]]:
    """Bailey et al. (2015) section 2.3, loop by loop: blocks, all half/half splits, the IS winner's OOS rank."""
    t = (m.shape[0] // s) * s
    m = m[m.shape[0] - t :]
    blocks = np.split(m, s)
    logits = []
    for chosen in itertools.combinations(range(s), s // 2):
        train = np.vstack([blocks[i] for i in chosen])
        test = np.vstack([blocks[i] for i in range(s) if i not in chosen])

        def sharpe(x):
            sd = x.std(ddof=1)
            return x.mean() / sd if sd > 0 else 0.0

        is_sr = [sharpe(train[:, n]) for n in range(m.shape[1])]
        oos_sr = [sharpe(test[:, n]) for n in range(m.shape[1])]
        best = int(np.argmax(is_sr))
        below = sum(v < oos_sr[best] for v in oos_sr)
        equal = sum(v == oos_sr[best] for v in oos_sr)
        w = (below + (equal + 1) / 2) / (m.shape[1] + 1)
        logits.append(math.log(w / (1 - w)))
    return sum(lam <= 0 for lam in logits) / len(logits), logits


@pytest.mark.parametrize(("t", "n", "s", "seed"), [(40, 5, 4, 1), (64, 12, 8, 2), (101, 3, 6, 3)])
def test_vectorised_cscv_equals_the_plain_steps_of_the_paper(t, n, s, seed):
    m = np.random.default_rng(seed).normal(0.0005, 0.01, (t, n))
    result = probability_of_backtest_overfitting(m, s)
    pbo, logits = _reference_pbo(m, s)
    assert result.pbo == pytest.approx(pbo)
    assert result.logits == pytest.approx(np.array(logits))
    assert result.combinations == math.comb(s, s // 2) and result.trials == n
    assert result.periods == (t // s) * s


def test_trials_that_are_best_in_one_half_and_worst_in_the_other_are_overfit():
    rng = np.random.default_rng(5)
    first = np.r_[np.full(50, 0.01), np.full(50, -0.01)] + rng.normal(0, 0.001, 100)
    second = np.r_[np.full(50, -0.01), np.full(50, 0.01)] + rng.normal(0, 0.001, 100)
    result = probability_of_backtest_overfitting(np.c_[first, second, 0.2 * first, 0.2 * second], 2)
    assert result.pbo == 1.0 and result.prob_oos_loss == 1.0


def test_a_trial_with_real_skill_among_noise_is_not_overfit():
    rng = np.random.default_rng(8)
    noise = rng.normal(0.0, 0.01, (400, 30))
    skilled = rng.normal(0.004, 0.01, 400)
    result = probability_of_backtest_overfitting(np.c_[skilled, noise], 16)
    assert result.pbo < 0.05 and result.prob_oos_loss < 0.05
    pure_noise = probability_of_backtest_overfitting(noise, 16)
    assert 0.2 < pure_noise.pbo < 0.8  # selection among noise is a coin toss out of sample


def test_flat_trials_and_bad_inputs():
    flat = np.zeros((32, 3))
    flat[:, 0] = np.random.default_rng(1).normal(0, 0.01, 32)
    assert 0.0 <= probability_of_backtest_overfitting(flat, 4).pbo <= 1.0  # never varying: Sharpe 0, no NaN
    with pytest.raises(ValueError, match="two trials"):
        probability_of_backtest_overfitting(np.zeros((10, 1)), 2)
    with pytest.raises(ValueError, match="even"):
        probability_of_backtest_overfitting(np.zeros((10, 2)), 3)
    with pytest.raises(ValueError, match="too few"):
        probability_of_backtest_overfitting(np.zeros((10, 2)), 8)
    assert usable_splits(1000) == 16 and usable_splits(13) == 6 and usable_splits(3) == 0
