"""The numeric parameters of a saved strategy and its triggers that a sweep can vary, as paths."""

from __future__ import annotations

from upbit_auto_trading.application.robustness.preparation import InputLoader
from upbit_auto_trading.domain.robustness.parameters import SweepableParameter, sweepable_parameters


class ListSweepParameters:
    def __init__(self, loader: InputLoader) -> None:
        self._loader = loader

    def execute(self, strategy: str) -> list[SweepableParameter]:
        inputs = self._loader.saved(strategy)
        return sweepable_parameters(inputs.strategy, inputs.conditions, inputs.catalogue)
