"""The strategy context: entry condition, management rules, sizing, policy and their JSON form."""

from __future__ import annotations

from upbit_auto_trading.domain.strategy.errors import (
    StrategyError,
    StrategyProblem,
    StrategySchemaError,
    StrategyValidationError,
)
from upbit_auto_trading.domain.strategy.management import (
    MAX_MANAGEMENT_RULES,
    RULE_TYPES,
    ExitTriggers,
    ManagementRule,
    PartialTakeProfit,
    PyramidBuying,
    ScaleIn,
    StopTakeProfit,
    TimeExit,
    TrailingStop,
)
from upbit_auto_trading.domain.strategy.samples import load_sample_strategy, sample_strategy_names
from upbit_auto_trading.domain.strategy.serialization import (
    strategy_from_dict,
    strategy_from_json,
    validate_strategy_document,
)
from upbit_auto_trading.domain.strategy.sizing import PositionSizing, SameCandlePolicy, SizingMode
from upbit_auto_trading.domain.strategy.strategy import Strategy
from upbit_auto_trading.domain.strategy.triggers import TriggerGroup, TriggerGroups, TriggerRef
from upbit_auto_trading.domain.strategy.writing import (
    SCHEMA_VERSION,
    strategy_content_hash,
    strategy_to_dict,
    strategy_to_json,
)

__all__ = [
    "MAX_MANAGEMENT_RULES",
    "RULE_TYPES",
    "SCHEMA_VERSION",
    "ExitTriggers",
    "ManagementRule",
    "PartialTakeProfit",
    "PositionSizing",
    "PyramidBuying",
    "SameCandlePolicy",
    "ScaleIn",
    "SizingMode",
    "StopTakeProfit",
    "Strategy",
    "StrategyError",
    "StrategyProblem",
    "StrategySchemaError",
    "StrategyValidationError",
    "TimeExit",
    "TrailingStop",
    "TriggerGroup",
    "TriggerGroups",
    "TriggerRef",
    "load_sample_strategy",
    "sample_strategy_names",
    "strategy_content_hash",
    "strategy_from_dict",
    "strategy_from_json",
    "strategy_to_dict",
    "strategy_to_json",
    "validate_strategy_document",
]
