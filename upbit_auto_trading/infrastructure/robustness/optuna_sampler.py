"""Optuna's TPE sampler over a parameter space, for spaces too large to run every cell.

Each dimension is an integer distribution over the positions of its values, so Optuna only ever proposes
cells of the grid (exact decimals, plateau ranking by grid neighbours still works). The study lives in
memory and is rebuilt from the sweep's stored cells in the order they were evaluated: the profile's
database is the study's only storage, and a resumed sweep continues with the history it had.

Optuna is an optional extra (``pip install -e ".[optuna]"``): imported only when this sampler is asked for.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any

from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.infrastructure.errors import InfrastructureError

log = logging.getLogger(__name__)

_WORST = -1e300
"""What Optuna is told for a cell whose objective is undefined (no trades, invalid combination)."""


class OptunaUnavailableError(InfrastructureError):
    """Optuna is not installed."""


def _optuna() -> Any:
    try:
        optuna = importlib.import_module("optuna")
    except ImportError:
        raise OptunaUnavailableError(
            'The optuna sampler needs Optuna: pip install -e ".[optuna]" (or use the grid sampler)'
        ) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


class OptunaSampler:
    """A ``CellSampler``: TPE (seeded) proposes cells until ``trials`` distinct cells were evaluated or the
    grid is exhausted. A proposal already evaluated is answered from the history at once (it costs no
    backtest and does not count as a trial)."""

    def __init__(self, space: ParameterSpace, trials: int, seed: int,
                 history: Sequence[tuple[Cell, float | None]] = ()) -> None:  # fmt: skip
        optuna = _optuna()
        self._optuna = optuna
        self._names = [f"d{i}" for i in range(len(space.dimensions))]
        self._distributions = {
            name: optuna.distributions.IntDistribution(0, len(dim.values) - 1)
            for name, dim in zip(self._names, space.dimensions, strict=True)
        }
        self._trials = min(trials, space.size)
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(1, self._trials // 4)))
        self._study = optuna.create_study(direction="maximize", sampler=sampler)
        self._known: dict[tuple[int, ...], float | None] = {}
        self._pending: dict[tuple[int, ...], Any] = {}
        for cell, value in history:
            self._study.add_trial(optuna.trial.create_trial(
                params=self._params(cell), distributions=self._distributions, value=self._told(value)))  # fmt: skip
            self._known[cell.index] = value

    def _params(self, cell: Cell) -> dict[str, int]:
        return dict(zip(self._names, cell.index, strict=True))

    @staticmethod
    def _told(value: float | None) -> float:
        return _WORST if value is None else value

    def propose(self, count: int) -> list[Cell]:
        out: list[Cell] = []
        attempts = 0
        while len(out) < count and len(self._known) + len(self._pending) < self._trials and attempts < 50 * count:
            attempts += 1
            trial = self._study.ask(self._distributions)
            index = tuple(int(trial.params[n]) for n in self._names)
            if index in self._known:
                self._study.tell(trial, self._told(self._known[index]))
            elif index in self._pending:
                self._study.tell(trial, state=self._optuna.trial.TrialState.PRUNED)
            else:
                self._pending[index] = trial
                out.append(Cell(index))
        if not out and len(self._known) < self._trials and not self._pending:
            log.info("optuna proposed only evaluated cells %d times; stopping at %d cells", attempts, len(self._known))
        return out

    def observe(self, cell: Cell, value: float | None) -> None:
        trial = self._pending.pop(cell.index, None)
        self._known[cell.index] = value
        if trial is not None:
            self._study.tell(trial, self._told(value))


class OptunaSamplers:
    """The ``SamplerFactory`` the container hands the sweep use cases."""

    def __call__(self, space: ParameterSpace, trials: int, seed: int,
                 history: Sequence[tuple[Cell, float | None]]) -> OptunaSampler:  # fmt: skip
        return OptunaSampler(space, trials, seed, history)
