"""Statistics of a run's closed round trips that the run metrics do not already give.

The run's ``Metrics`` (domain/backtest/metrics.py) keep win rate, profit factor, average win and loss,
best and worst trade and the expectancy (mean return per trade); this module adds streaks, the expectancy
in money, the payoff ratio, Van Tharp's System Quality Number on trade returns, and the holding times.
A trade's return is its P&L over what it cost (buys plus buy fees), as in ``TradeArrays.return_``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.backtest.fills import TradeArrays

SQN_TRADE_CAP = 100


def longest_streaks(pnl: np.ndarray) -> tuple[int, int]:
    """(longest run of winning trades, longest run of losing trades), in trade order. A trade at exactly
    zero P&L ends both runs (it is neither a win nor a loss)."""
    best_win = best_loss = win = loss = 0
    for value in np.asarray(pnl, dtype=np.float64).tolist():
        if value > 0:
            win, loss = win + 1, 0
        elif value < 0:
            win, loss = 0, loss + 1
        else:
            win = loss = 0
        best_win = max(best_win, win)
        best_loss = max(best_loss, loss)
    return best_win, best_loss


def system_quality_number(returns: np.ndarray) -> float | None:
    """Van Tharp's SQN: sqrt(min(n, 100)) * mean / sample standard deviation of the trade returns.

    The cap at 100 trades keeps a long backtest from scoring high on its trade count alone (Tharp's own
    rule). Unlike the run metrics' ``sqn`` (uncapped, on P&L in money), this one is comparable across
    capitals. None with fewer than two trades or identical returns."""
    r = np.asarray(returns, dtype=np.float64)
    n = int(r.shape[0])
    if n < 2:
        return None
    sd = float(np.std(r, ddof=1))
    if not sd > 0:
        return None
    value = math.sqrt(min(n, SQN_TRADE_CAP)) * float(r.mean()) / sd
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class TradeStats:
    """Closed round trips only (an open trade has no P&L yet)."""

    closed: int
    wins: int
    losses: int
    longest_win_streak: int
    longest_loss_streak: int
    expectancy_pnl: float | None  # mean P&L per trade in the quote currency
    payoff_ratio: float | None  # mean winning return / -mean losing return
    sqn: float | None  # Van Tharp, on returns, capped at 100 trades
    average_holding_seconds: float | None
    median_holding_seconds: float | None
    longest_holding_seconds: int | None

    @classmethod
    def of(cls, trades: TradeArrays, start: np.ndarray) -> TradeStats:
        closed = trades.closed
        pnl = trades.pnl[closed]
        ret = trades.return_[closed]
        n = int(pnl.shape[0])
        if n == 0:
            return cls(0, 0, 0, 0, 0, None, None, None, None, None, None)
        wins = ret[pnl > 0]
        losses = ret[pnl < 0]
        payoff = None
        if wins.shape[0] and losses.shape[0] and float(losses.mean()) < 0:
            payoff = float(wins.mean()) / -float(losses.mean())
        streak_win, streak_loss = longest_streaks(pnl)
        held = holding_seconds(trades, start)
        return cls(
            closed=n,
            wins=int(wins.shape[0]),
            losses=int(losses.shape[0]),
            longest_win_streak=streak_win,
            longest_loss_streak=streak_loss,
            expectancy_pnl=float(pnl.mean()),
            payoff_ratio=payoff,
            sqn=system_quality_number(ret),
            average_holding_seconds=float(held.mean()),
            median_holding_seconds=float(np.median(held)),
            longest_holding_seconds=int(held.max()),
        )


def holding_seconds(trades: TradeArrays, start: np.ndarray) -> np.ndarray:
    """Seconds from the entry candle's start to the exit candle's start of each closed trade (int64)."""
    closed = trades.closed
    if not closed.any():
        return np.empty(0, dtype=np.int64)
    starts = np.asarray(start, dtype=np.int64)
    return starts[trades.exit_bar[closed]] - starts[trades.entry_bar[closed]]
