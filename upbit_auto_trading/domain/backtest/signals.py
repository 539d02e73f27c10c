"""Boolean signal arrays: combining per-trigger arrays into a strategy's entry and exit signals.

A trigger's array holds, for each closed candle, whether the trigger's condition is true at that candle's
close (computed only from that candle and earlier ones). NaN-based warm-up must already be False.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.backtest.errors import BacktestInputError
from upbit_auto_trading.domain.strategy import ExitTriggers, Strategy, TriggerGroups


def combine_groups(groups: TriggerGroups, signals: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """OR over groups of the AND of each group's trigger arrays (looked up by ``TriggerRef.key``)."""
    out = np.zeros(n, dtype=bool)
    for group in groups.groups:
        acc = np.ones(n, dtype=bool)
        for ref in group.triggers:
            arr = signals.get(ref.key)
            if arr is None:
                raise BacktestInputError(f"No signal array for trigger {ref.name!r} (key {ref.key!r})")
            arr = np.asarray(arr, dtype=bool)
            if arr.shape != (n,):
                raise BacktestInputError(
                    f"Signal array for trigger {ref.name!r} has {arr.shape[0] if arr.ndim else 0} values, "
                    f"the candles {n}"
                )
            acc &= arr
        out |= acc
    return out


@dataclass(frozen=True, eq=False)
class StrategySignals:
    entry: np.ndarray
    exit: np.ndarray | None


def strategy_signals(strategy: Strategy, signals: Mapping[str, np.ndarray], n: int) -> StrategySignals:
    """The strategy's entry array and, when it has an exit-trigger rule, its exit array."""
    entry = combine_groups(strategy.entry, signals, n)
    rule = strategy.rule("exit_triggers")
    exit_ = combine_groups(rule.condition, signals, n) if isinstance(rule, ExitTriggers) else None
    return StrategySignals(entry, exit_)
