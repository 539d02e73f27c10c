"""Building a study's job from the stores (a new study) or from its lineage (a resumed or re-run one).

Candles are loaded exactly as a single backtest loads them (``load_window``: warm-up history, then the
tested candles) and the other timeframes the triggers read as ``CandleWindow.other_timeframes`` loads them,
so each segment holds the very arrays ``RunBacktest`` would run on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.signals import (
    TriggerSource,
    conditions_from_snapshot,
    resolve_triggers,
    trigger_snapshot,
)
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.robustness.dto import RunCosts, StudyDefinition
from upbit_auto_trading.application.robustness.job import Segment, other_timeframes_needed
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.application.trigger.ports import CatalogueRepository
from upbit_auto_trading.domain.backtest import candle_hash
from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError
from upbit_auto_trading.domain.robustness.parameters import describe_parameter
from upbit_auto_trading.domain.robustness.plateau import OBJECTIVES
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_dict, strategy_to_dict
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.variables import Catalogue


@dataclass(frozen=True)
class StudyInputs:
    """The strategy and triggers a study varies, with where they came from."""

    strategy: Strategy
    strategy_id: int | None
    strategy_version: int | None
    conditions: Mapping[str, TradingCondition]
    catalogue: Catalogue

    def lineage(self) -> dict[str, Any]:
        return {
            "strategy_name": self.strategy.name,
            "strategy_id": self.strategy_id,
            "strategy_version": self.strategy_version,
            "strategy_hash": self.strategy.content_hash(),
            "strategy": strategy_to_dict(self.strategy),
            "triggers": trigger_snapshot(self.conditions),
        }


class InputLoader:
    """Reads a saved strategy, its triggers and the catalogue (or rebuilds them from a study's snapshots)."""

    def __init__(self, strategies: StrategyRepository, triggers: TriggerSource, catalogue: CatalogueRepository) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._catalogue = catalogue

    def saved(self, strategy: str) -> StudyInputs:
        stored = find_strategy(self._strategies, strategy)
        conditions = resolve_triggers(self._triggers, stored.strategy)
        return StudyInputs(stored.strategy, stored.strategy_id, stored.version, conditions, self._catalogue.load())

    def from_lineage(self, definition: StudyDefinition) -> StudyInputs:
        strategy = strategy_from_dict(dict(definition.strategy))
        conditions = conditions_from_snapshot(definition.triggers)
        return StudyInputs(strategy, definition.strategy_id, definition.strategy_version, conditions,
                           self._catalogue.load())  # fmt: skip


def check_space(inputs: StudyInputs, space: ParameterSpace, objective: str) -> None:
    """Refuses, before anything runs, a path this strategy does not have or a value its parameter cannot
    take (a fraction for a whole-number parameter, a value outside the catalogue's range)."""
    if objective not in OBJECTIVES:
        raise ParameterSpaceError(f"unknown objective {objective!r}; use one of {', '.join(OBJECTIVES)}")
    problems: list[str] = []
    for dim in space.dimensions:
        for path in dim.paths:
            parameter = describe_parameter(path, inputs.strategy, inputs.conditions, inputs.catalogue)
            problems.extend(p for p in (parameter.problem(v) for v in dim.values) if p is not None)
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        raise ParameterSpaceError(shown)


def load_segment(
    candles: CandleReader,
    market: str,
    timeframe: str,
    start: datetime | None,
    end: datetime | None,
    costs: RunCosts,
    conditions: Mapping[str, TradingCondition],
    *,
    keep_curve: bool = False,
) -> Segment:
    """The candles a backtest of ``market`` over ``start``..``end`` runs on (ApplicationError: none stored)."""
    window = load_window(candles, market, timeframe, start, end)
    load_other = window.other_timeframes(candles)
    needed = other_timeframes_needed(conditions, window.candles.timeframe)
    others = {tf: load_other(tf) for tf in sorted(needed)}
    return Segment(market, window, costs.settings(market), others, keep_curve)


def segment_hash(segment: Segment) -> str:
    """sha256 over the hashes of every candle array the segment's cells read (window and other timeframes)."""
    h = hashlib.sha256(candle_hash(segment.window.candles).encode())
    h.update(f"|first={segment.window.first}".encode())
    for tf in sorted(segment.others):
        h.update(f"|{tf}={candle_hash(segment.others[tf])}".encode())
    return h.hexdigest()


def changed_segments(segments: Mapping[str, Segment], stored: Mapping[str, str]) -> Sequence[str]:
    return [name for name, seg in segments.items() if stored.get(name) != segment_hash(seg)]


def refuse_changed_data(segments: Mapping[str, Segment], stored: Mapping[str, str], study_id: int) -> None:
    changed = changed_segments(segments, stored)
    if changed:
        raise ApplicationError(
            f"The stored candles of {', '.join(changed)} changed since study {study_id} ran (imported, "
            "downloaded or deleted candles): its cells would not be comparable. Start a new sweep"
        )
