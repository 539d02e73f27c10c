"""Plateau ranking: a cell's score is its objective smoothed over its neighbours, so a broad plateau of good
parameters ranks above an isolated peak that one lucky combination produced.

Neighbours are the evaluated cells at most ``radius`` grid steps away in every dimension (diagonals
included: 3^d - 1 of them inside the grid for radius 1). The score is the mean of the objective over the
cell and those neighbours. A neighbour whose objective is undefined (no trades, an invalid combination)
counts as the worst value of the sweep: a cliff next to a cell is a reason to distrust it. Cells never
evaluated (a sampled sweep) are left out of the mean.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

OBJECTIVES: tuple[str, ...] = (
    "sharpe", "sortino", "calmar", "total_return", "cagr", "max_drawdown", "profit_factor", "win_rate",
    "expectancy", "sqn",
)  # fmt: skip
"""Metrics a sweep may rank by; each is better when higher (``max_drawdown`` is <= 0, nearer 0 is better)."""

DEFAULT_OBJECTIVE = "sharpe"

Index = tuple[int, ...]


def objective_value(metrics: Mapping[str, object], objective: str) -> float | None:
    """The objective as a finite float, or None when undefined (None, NaN, infinite, missing)."""
    raw = metrics.get(objective)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def combined(values: Sequence[float | None]) -> float | None:
    """Several markets' objectives as one: their mean, undefined when any is undefined or none given."""
    if not values or any(v is None for v in values):
        return None
    return float(np.mean([v for v in values if v is not None]))


@dataclass(frozen=True)
class RankedCell:
    index: Index
    value: float | None  # the cell's own objective
    score: float | None  # smoothed over its neighbourhood (None when its own objective is undefined)
    neighbours: int  # evaluated cells in the neighbourhood, itself excluded


def plateau_scores(shape: Sequence[int], values: Mapping[Index, float | None], radius: int = 1) -> dict[Index, RankedCell]:
    """Plateau score of every evaluated cell of a grid of ``shape`` (see the module doc)."""
    dims = tuple(int(n) for n in shape)
    if not values:
        return {}
    defined = [v for v in values.values() if v is not None]
    worst = min(defined) if defined else 0.0
    median = float(np.median(defined)) if defined else 0.0
    grid = np.full(dims, np.nan)  # NaN: never evaluated
    for index, value in values.items():
        grid[index] = worst if value is None else value
    total, count, inside = _box_sums(grid, radius)
    out: dict[Index, RankedCell] = {}
    for index, value in values.items():
        unknown = int(inside[index]) - int(count[index])
        score = None if value is None else float((total[index] + unknown * median) / inside[index])
        out[index] = RankedCell(index, value, score, int(count[index]) - 1)
    return out


def _box_sums(grid: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum and count of the evaluated (non-NaN) cells within ``radius`` of each cell, and how many cells of
    the grid that neighbourhood holds."""
    evaluated = ~np.isnan(grid)
    filled = np.where(evaluated, grid, 0.0)
    total = np.zeros_like(filled)
    count = np.zeros(grid.shape, dtype=np.int64)
    inside = np.zeros(grid.shape, dtype=np.int64)
    for offset in itertools.product(range(-radius, radius + 1), repeat=grid.ndim):
        src, dst = _shifted(grid.shape, offset)
        total[dst] += filled[src]
        count[dst] += evaluated[src]
        inside[dst] += 1
    return total, count, inside


def _shifted(shape: tuple[int, ...], offset: tuple[int, ...]) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
    """Slices so that ``dst`` cell i reads ``src`` cell i + offset (both inside the grid)."""
    src, dst = [], []
    for n, o in zip(shape, offset, strict=True):
        src.append(slice(max(0, o), n + min(0, o)))
        dst.append(slice(max(0, -o), n - max(0, o)))
    return tuple(src), tuple(dst)


def ranked(cells: Mapping[Index, RankedCell]) -> list[RankedCell]:
    """Best first: by plateau score, then by the cell's own objective; undefined ones last, in grid order."""

    def key(cell: RankedCell) -> tuple[int, float, float, Index]:
        if cell.score is None:
            return (1, 0.0, 0.0, cell.index)
        return (0, -cell.score, -(cell.value or 0.0), cell.index)

    return sorted(cells.values(), key=key)
