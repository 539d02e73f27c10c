"""Monte Carlo of a run's closed trades: how much of the result is the order and the luck of the trades.

Each closed trade becomes an account return: its P&L over the equity before its entry candle (so a trade
that used a quarter of the account moves it a quarter as much as its own return). A simulated path
compounds ``n`` such returns from the starting capital:

- ``shuffle``: the same trades in a random order (a permutation per path). The final equity is the same on
  every path (a product does not depend on the order); the drawdown is what changes: how deep could the
  same trades have dug in a less lucky order?
- ``bootstrap``: as many trades as the run had, drawn with replacement: final equity and drawdown both vary.

Drawdowns are measured trade by trade (equity after each closed trade), so they miss the dips inside a trade
and read shallower than the run's candle-by-candle maximum drawdown. Deterministic for a given seed
(numpy's PCG64 ``Generator``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from upbit_auto_trading.domain.backtest.fills import TradeArrays

_CHUNK_ELEMENTS = 2_000_000  # paths x trades per block: bounds memory for long runs


class Method(StrEnum):
    SHUFFLE = "shuffle"
    BOOTSTRAP = "bootstrap"


@dataclass(frozen=True)
class Bands:
    p5: float
    median: float
    p95: float


@dataclass(frozen=True)
class MonteCarloResult:
    method: Method
    paths: int
    seed: int
    trades: int
    start_equity: float
    final_equity: Bands
    total_return: Bands
    max_drawdown: Bands  # <= 0
    loss_threshold: float  # e.g. 0.2: a loss of 20 % or more
    loss_probability: float  # share of paths ending at least ``loss_threshold`` below the start
    actual_final_equity: float  # the trades in their real order
    actual_max_drawdown: float


def account_returns(trades: TradeArrays, equity: np.ndarray, start_equity: float) -> np.ndarray:
    """P&L of each closed trade / equity before its entry candle (the start capital for candle 0)."""
    closed = trades.closed
    pnl = trades.pnl[closed]
    entry = trades.entry_bar[closed]
    eq = np.asarray(equity, dtype=np.float64)
    before = np.where(entry > 0, eq[np.maximum(entry - 1, 0)], start_equity)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(before > 0, pnl / before, 0.0)


def _path_stats(returns: np.ndarray, start_equity: float) -> tuple[np.ndarray, np.ndarray]:
    """(final equity, max drawdown) of each row of compounded returns."""
    growth = np.cumprod(1.0 + returns, axis=1)
    ones = np.ones((growth.shape[0], 1))
    path = np.concatenate((ones, growth), axis=1)
    peak = np.maximum.accumulate(path, axis=1)
    dd = (path / peak - 1.0).min(axis=1)
    return start_equity * growth[:, -1], dd


def _bands(values: np.ndarray) -> Bands:
    p5, med, p95 = np.quantile(values, [0.05, 0.5, 0.95])
    return Bands(float(p5), float(med), float(p95))


def simulate(
    returns: np.ndarray,
    start_equity: float,
    *,
    method: Method = Method.SHUFFLE,
    paths: int = 1000,
    seed: int | None = None,
    loss_threshold: float = 0.2,
) -> MonteCarloResult:
    """Simulate ``paths`` trade sequences of the account ``returns`` (see ``account_returns``).

    ``seed`` None draws one from the operating system; the result reports the seed used, so any result can
    be reproduced exactly. Raises ValueError without trades or paths.
    """
    r = np.asarray(returns, dtype=np.float64)
    k = int(r.shape[0])
    if k == 0:
        raise ValueError("the run has no closed trade to simulate")
    if paths < 1:
        raise ValueError("at least one path is needed")
    if not 0 < loss_threshold <= 1:
        raise ValueError("the loss threshold is a fraction between 0 and 1 (0.2 = a 20 % loss)")
    # A fresh seed from the OS, folded to 63 bits so it prints and passes back in as an int.
    used_seed = (
        int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1) if seed is None else int(seed)
    )
    rng = np.random.default_rng(used_seed)
    finals = np.empty(paths)
    drawdowns = np.empty(paths)
    rows = max(1, _CHUNK_ELEMENTS // k)
    for begin in range(0, paths, rows):
        m = min(rows, paths - begin)
        if method is Method.SHUFFLE:
            block = rng.permuted(np.broadcast_to(r, (m, k)), axis=1)
        else:
            block = r[rng.integers(0, k, size=(m, k))]
        f, d = _path_stats(block, start_equity)
        finals[begin : begin + m] = f
        drawdowns[begin : begin + m] = d
    actual_final, actual_dd = _path_stats(r[None, :], start_equity)
    total = finals / start_equity - 1.0
    return MonteCarloResult(
        method=Method(method),
        paths=paths,
        seed=used_seed,
        trades=k,
        start_equity=start_equity,
        final_equity=_bands(finals),
        total_return=_bands(total),
        max_drawdown=_bands(drawdowns),
        loss_threshold=loss_threshold,
        loss_probability=float((total <= -loss_threshold).mean()),
        actual_final_equity=float(actual_final[0]),
        actual_max_drawdown=float(actual_dd[0]),
    )
