"""What the strategy maker works with: the strategy and trigger use cases, and reading and writing the JSON
files of export and import. Filled in by the composition root (``container/screens.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from upbit_auto_trading.application.strategy.create_strategy import CreateStrategy
from upbit_auto_trading.application.strategy.delete_strategy import DeleteStrategy
from upbit_auto_trading.application.strategy.duplicate_strategy import DuplicateStrategy
from upbit_auto_trading.application.strategy.export_strategy import ExportStrategy
from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
from upbit_auto_trading.application.strategy.import_strategy import ImportStrategy
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.application.strategy.save_strategy_version import SaveStrategyVersion
from upbit_auto_trading.application.strategy.validate_strategy import ValidateStrategy
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers


@dataclass(frozen=True)
class StrategyMakerServices:
    list_strategies: ListStrategies
    get_strategy: GetStrategy
    create_strategy: CreateStrategy
    save_strategy_version: SaveStrategyVersion
    duplicate_strategy: DuplicateStrategy
    delete_strategy: DeleteStrategy
    export_strategy: ExportStrategy
    import_strategy: ImportStrategy
    validate_strategy: ValidateStrategy
    list_triggers: ListTriggers  # the names the entry groups and exit rules choose from
    read_text: Callable[[str], str]  # path -> text (import)
    write_text: Callable[[str, str], None]  # path, text (export)
