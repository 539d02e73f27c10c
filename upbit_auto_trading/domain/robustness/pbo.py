"""Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV).

Bailey, Borwein, Lopez de Prado and Zhu, "The Probability of Backtest Overfitting", Journal of
Computational Finance 20(4), 2017 (working paper 2015). Given a matrix of per-period returns, one column
per trial (parameter set) and one row per period:

1. cut the rows into ``S`` (even) contiguous blocks of equal size (the first ``T mod S`` rows are dropped);
2. for each of the C(S, S/2) ways to pick half the blocks as the in-sample set (the rest out of sample),
   find the trial with the best in-sample performance and its relative rank ``w`` among all trials out of
   sample (``rank / (N + 1)``, 1 = worst, ties averaged);
3. the logit ``l = ln(w / (1 - w))`` is <= 0 when the in-sample winner is at or below the median out of
   sample; PBO is the share of splits where that happens.

Performance is the Sharpe ratio of the rows (mean / sample standard deviation; a trial that never varies
scores 0). Alongside PBO: the probability that the in-sample winner loses out of sample, and the slope of
out-of-sample against in-sample performance of the winners (performance degradation; below 0 when the
better a trial looked the worse it did).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

DEFAULT_SPLITS = 16
_CHUNK = 512  # splits evaluated at once (memory: chunk x trials floats, a few times)


@dataclass(frozen=True)
class PboResult:
    pbo: float
    splits: int  # S
    combinations: int  # C(S, S/2)
    trials: int
    periods: int  # rows used (after dropping T mod S)
    logits: np.ndarray  # one per combination
    prob_oos_loss: float  # share of combinations where the in-sample winner's out-of-sample Sharpe < 0
    degradation_slope: float | None  # OLS slope of winners' OOS Sharpe on their IS Sharpe
    is_performance: np.ndarray  # the winners' in-sample Sharpe, per combination
    oos_performance: np.ndarray  # their out-of-sample Sharpe


def usable_splits(periods: int, wanted: int = DEFAULT_SPLITS) -> int:
    """The largest even S <= ``wanted`` leaving at least 2 rows per block (0 when even S=2 cannot)."""
    s = min(wanted, periods // 2)
    s -= s % 2
    return max(s, 0)


def _sharpe(total: np.ndarray, squares: np.ndarray, n: int) -> np.ndarray:
    mean = total / n
    var = (squares - n * mean * mean) / (n - 1)
    # a trial that never varies (no trades: every return 0) has no Sharpe ratio; rounding in the sums leaves
    # a variance of ~1e-20 x mean^2 there, which must not read as a huge ratio
    var = np.where((var > 0) & (var > 1e-12 * mean * mean), var, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        sr = mean / np.sqrt(var)
    return np.where(np.isfinite(sr), sr, 0.0)


def _relative_rank(perf: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Average rank (1 = worst) of each row's winner among the row's trials, over N + 1."""
    best = perf[np.arange(perf.shape[0]), winner][:, None]
    below = (perf < best).sum(axis=1)
    equal = (perf == best).sum(axis=1)
    rank = below + (equal + 1) / 2.0
    return rank / (perf.shape[1] + 1)


def probability_of_backtest_overfitting(returns: np.ndarray, splits: int = DEFAULT_SPLITS) -> PboResult:
    """CSCV over ``returns`` (periods x trials). Raises ValueError with fewer than 2 trials or too few
    periods for ``splits`` (use ``usable_splits``)."""
    m = np.asarray(returns, dtype=np.float64)
    if m.ndim != 2 or m.shape[1] < 2:
        raise ValueError("PBO needs a periods x trials matrix with at least two trials")
    if splits < 2 or splits % 2:
        raise ValueError("the number of splits must be even and at least 2")
    rows = (m.shape[0] // splits) * splits
    if rows // splits < 2:
        raise ValueError(f"{m.shape[0]} periods are too few for {splits} splits (2 periods per block at least)")
    m = np.nan_to_num(m[m.shape[0] - rows :], nan=0.0)
    blocks = m.reshape(splits, rows // splits, m.shape[1])
    block_sum, block_sq = blocks.sum(axis=1), (blocks * blocks).sum(axis=1)  # S x N
    per_block = rows // splits
    combos = np.array(list(itertools.combinations(range(splits), splits // 2)), dtype=np.int64)
    logits, is_perf, oos_perf = [], [], []
    for begin in range(0, combos.shape[0], _CHUNK):
        chosen = np.zeros((min(_CHUNK, combos.shape[0] - begin), splits))
        np.put_along_axis(chosen, combos[begin : begin + _CHUNK], 1.0, axis=1)
        n_half = per_block * (splits // 2)
        sr_is = _sharpe(chosen @ block_sum, chosen @ block_sq, n_half)
        sr_oos = _sharpe((1 - chosen) @ block_sum, (1 - chosen) @ block_sq, n_half)
        winner = np.argmax(sr_is, axis=1)
        w = _relative_rank(sr_oos, winner)
        logits.append(np.log(w / (1.0 - w)))
        rows_idx = np.arange(winner.shape[0])
        is_perf.append(sr_is[rows_idx, winner])
        oos_perf.append(sr_oos[rows_idx, winner])
    lam, is_w, oos_w = np.concatenate(logits), np.concatenate(is_perf), np.concatenate(oos_perf)
    return PboResult(
        pbo=float(np.mean(lam <= 0.0)), splits=splits, combinations=int(combos.shape[0]), trials=int(m.shape[1]),
        periods=rows, logits=lam, prob_oos_loss=float(np.mean(oos_w < 0.0)),
        degradation_slope=_slope(is_w, oos_w), is_performance=is_w, oos_performance=oos_w,
    )  # fmt: skip


def _slope(x: np.ndarray, y: np.ndarray) -> float | None:
    if x.shape[0] < 2 or not float(np.var(x)) > 0:
        return None
    slope = float(np.polyfit(x, y, 1)[0])
    return slope if math.isfinite(slope) else None
