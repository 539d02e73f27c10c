"""A parameter space: the values each swept parameter takes, and the grid of their combinations (cells).

A dimension is one or more paths that take the same value together (``entry.0.params.period,
exit.0.params.period=5:50:5`` moves the period of an entry and an exit trigger in step) and its values:
``START:STOP:STEP`` (STOP included when the steps land on it) or a list ``5,10,20``. Values are exact
decimals, so ``0.1:0.5:0.1`` gives 0.1, 0.2, 0.3, 0.4, 0.5 and never 0.30000000000000004.

A cell is one combination, addressed by its index in every dimension (``key`` "3,0,7"); plateau ranking
and the heatmaps use those indices as grid coordinates.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError
from upbit_auto_trading.domain.robustness.paths import ParameterPath, parse_path, path_text

MAX_VALUES_PER_DIMENSION = 100_000
MAX_GRID_CELLS = 1_000_000
"""A grid larger than this is refused: sample it (``--sampler optuna --trials N``) instead."""


def _number(text: str, spec: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ParameterSpaceError(f"{spec!r}: {text.strip()!r} is not a number")
    return value


def parse_values(spec: str) -> tuple[Decimal, ...]:
    """``START:STOP:STEP`` (inclusive when the steps land on STOP) or ``a,b,c`` or a single value."""
    text = spec.strip()
    if not text:
        raise ParameterSpaceError("a parameter needs values: START:STOP:STEP or a list like 5,10,20")
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ParameterSpaceError(f"{spec!r}: a range is START:STOP:STEP, e.g. 10:30:5")
        start, stop, step = (_number(p, spec) for p in parts)
        if step <= 0:
            raise ParameterSpaceError(f"{spec!r}: the step must be above 0")
        if stop < start:
            raise ParameterSpaceError(f"{spec!r}: STOP must not be below START")
        count = int((stop - start) / step) + 1
        if count > MAX_VALUES_PER_DIMENSION:
            raise ParameterSpaceError(f"{spec!r} makes {count:,} values; at most {MAX_VALUES_PER_DIMENSION:,}")
        return tuple(start + k * step for k in range(count))
    values = tuple(_number(p, spec) for p in text.split(","))
    if len(set(values)) != len(values):
        raise ParameterSpaceError(f"{spec!r}: a value is listed twice")
    return values


def _split_paths(left: str) -> list[str]:
    """Paths separated by commas outside ``trigger[...]`` (a trigger name may hold a comma)."""
    paths, depth, current = [], 0, ""
    for ch in left:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            paths.append(current)
            current = ""
        else:
            current += ch
    paths.append(current)
    return [p.strip() for p in paths if p.strip()]


@dataclass(frozen=True)
class Dimension:
    """Paths moved together, and their values in sweep order."""

    paths: tuple[ParameterPath, ...]
    values: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        if not self.paths:
            raise ParameterSpaceError("a dimension needs at least one path")
        if not self.values:
            raise ParameterSpaceError(f"{self.label}: no values")

    @property
    def label(self) -> str:
        return ",".join(path_text(p) for p in self.paths)

    @classmethod
    def parse(cls, spec: str) -> Dimension:
        """``PATH[,PATH...]=VALUES``."""
        left, sep, right = spec.rpartition("=")
        if not sep or not left.strip():
            raise ParameterSpaceError(f"{spec!r}: write PATH=START:STOP:STEP or PATH=v1,v2,... (`sweep params`)")
        return cls(tuple(parse_path(p) for p in _split_paths(left)), parse_values(right))

    def to_dict(self) -> dict[str, Any]:
        return {"paths": [path_text(p) for p in self.paths], "values": [format(v, "f") for v in self.values]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Dimension:
        return cls(tuple(parse_path(p) for p in data["paths"]), tuple(Decimal(v) for v in data["values"]))


@dataclass(frozen=True)
class Cell:
    """One combination: ``index[d]`` is the position of its value in dimension d."""

    index: tuple[int, ...]

    @property
    def key(self) -> str:
        return ",".join(str(i) for i in self.index)

    @classmethod
    def from_key(cls, key: str) -> Cell:
        return cls(tuple(int(part) for part in key.split(","))) if key else cls(())


@dataclass(frozen=True)
class ParameterSpace:
    dimensions: tuple[Dimension, ...]

    def __post_init__(self) -> None:
        if not self.dimensions:
            raise ParameterSpaceError("give at least one parameter to sweep: a path and its values (PATH=START:STOP:STEP)")
        seen: set[str] = set()
        for dim in self.dimensions:
            for path in dim.paths:
                text = path_text(path)
                if text in seen:
                    raise ParameterSpaceError(f"{text} is swept twice; give each path once")
                seen.add(text)
        if self.size > MAX_GRID_CELLS:
            raise ParameterSpaceError(
                f"the grid has {self.size:,} cells (at most {MAX_GRID_CELLS:,}); narrow it or sample it "
                "with the optuna sampler and a number of trials"
            )

    @classmethod
    def parse(cls, specs: Sequence[str]) -> ParameterSpace:
        return cls(tuple(Dimension.parse(s) for s in specs))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(d.values) for d in self.dimensions)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def cells(self) -> Iterator[Cell]:
        """Every cell, the last dimension varying fastest."""
        for index in itertools.product(*(range(n) for n in self.shape)):
            yield Cell(index)

    def values(self, cell: Cell) -> tuple[tuple[ParameterPath, Decimal], ...]:
        """(path, value) of every swept path in this cell."""
        if len(cell.index) != len(self.dimensions):
            raise ParameterSpaceError(f"cell {cell.key} does not belong to a {len(self.dimensions)}-D space")
        return tuple((path, dim.values[i]) for dim, i in zip(self.dimensions, cell.index, strict=True)
                     for path in dim.paths)  # fmt: skip

    def labelled(self, cell: Cell) -> dict[str, str]:
        """{dimension label: value text} of a cell, as tables show it."""
        return {d.label: format(d.values[i], "f") for d, i in zip(self.dimensions, cell.index, strict=True)}

    def to_dict(self) -> list[dict[str, Any]]:
        return [d.to_dict() for d in self.dimensions]

    @classmethod
    def from_dict(cls, data: Sequence[Mapping[str, Any]]) -> ParameterSpace:
        return cls(tuple(Dimension.from_dict(d) for d in data))
