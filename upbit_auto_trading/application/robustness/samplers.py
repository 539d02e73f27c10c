"""The grid sampler: every cell of the space, in grid order, skipping those already evaluated (a resumed
sweep continues where it stopped)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace


class GridSampler:
    """A ``CellSampler`` over the whole grid."""

    def __init__(self, space: ParameterSpace, done: Iterable[str] = ()) -> None:
        self._done = set(done)
        self._cells: Iterator[Cell] = (c for c in space.cells() if c.key not in self._done)

    def propose(self, count: int) -> list[Cell]:
        out: list[Cell] = []
        for cell in self._cells:
            out.append(cell)
            if len(out) >= count:
                break
        return out

    def observe(self, cell: Cell, value: float | None) -> None:
        return None
