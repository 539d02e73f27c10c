"""A stored sweep as the table, heatmaps and overfitting card a person reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.robustness.dto import (
    OK,
    CellResult,
    StudyDefinition,
    StudySummary,
    utc_iso,
)
from upbit_auto_trading.application.robustness.runner import cell_objective
from upbit_auto_trading.domain.analysis.returns import SECONDS_PER_DAY
from upbit_auto_trading.domain.robustness.plateau import (
    RankedCell,
    combined,
    objective_value,
    plateau_scores,
    ranked,
)
from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.domain.robustness.verdict import OverfittingCard, overfitting_card


@dataclass(frozen=True)
class SweepRow:
    """One cell: ``rank`` 1 is the best plateau (None: objective undefined or invalid cell); ``metrics`` and
    ``final_equity`` per segment (market)."""

    rank: int | None
    key: str
    index: tuple[int, ...]
    values: dict[str, str]
    value: float | None
    score: float | None
    neighbours: int
    status: str
    error: str
    metrics: dict[str, dict[str, Any]]
    final_equity: dict[str, str]

    def metric(self, name: str) -> float | None:
        """The metric over the cell's markets (their mean; None when undefined in any)."""
        if self.status != OK:
            return None
        return combined([objective_value(m, name) for m in self.metrics.values()])

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["index"] = list(self.index)
        return d


@dataclass(frozen=True)
class Heatmap:
    """``z[j][i]`` is the metric at ``x_values[i]``, ``y_values[j]``, the other dimensions held at
    ``fixed`` (None where the cell was not evaluated or the metric is undefined)."""

    metric: str
    x_label: str
    y_label: str
    x_values: list[str]
    y_values: list[str]
    z: list[list[float | None]]
    fixed: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SweepReport:
    summary: StudySummary
    definition: StudyDefinition
    rows: tuple[SweepRow, ...]  # ranked: best plateau first, undefined and invalid last
    card: OverfittingCard

    @property
    def space(self) -> ParameterSpace:
        return self.definition.space

    def best(self) -> SweepRow | None:
        return self.rows[0] if self.rows and self.rows[0].rank is not None else None

    def heatmap(self, x: str, y: str, metric: str | None = None, fixed: Mapping[str, str] | None = None) -> Heatmap:
        """The metric (default: the objective) over dimensions ``x`` and ``y`` (their labels), the other
        dimensions at ``fixed`` (label -> value text) or else at the best cell's values."""
        labels = [d.label for d in self.space.dimensions]
        for label in (x, y):
            if label not in labels:
                raise ApplicationError(f"{label!r} is not a swept parameter of this sweep; these are: {', '.join(labels)}")
        if x == y:
            raise ApplicationError("a heatmap needs two different parameters")
        name = metric or self.definition.objective
        held = self._held(fixed or {})
        by_key = {r.key: r for r in self.rows}
        dims = self.space.dimensions
        xi, yi = labels.index(x), labels.index(y)
        z: list[list[float | None]] = []
        for j in range(len(dims[yi].values)):
            line: list[float | None] = []
            for i in range(len(dims[xi].values)):
                index = list(held)
                index[xi], index[yi] = i, j
                row = by_key.get(Cell(tuple(index)).key)
                line.append(None if row is None else row.metric(name))
            z.append(line)
        shown = {labels[d]: format(dims[d].values[held[d]], "f") for d in range(len(dims)) if d not in (xi, yi)}
        return Heatmap(name, x, y, [format(v, "f") for v in dims[xi].values],
                       [format(v, "f") for v in dims[yi].values], z, shown)  # fmt: skip

    def _held(self, fixed: Mapping[str, str]) -> list[int]:
        best = self.best()
        held = list(best.index) if best is not None else [0] * len(self.space.dimensions)
        for d, dim in enumerate(self.space.dimensions):
            if dim.label in fixed:
                texts = [format(v, "f") for v in dim.values]
                wanted = fixed[dim.label]
                matches = [i for i, v in enumerate(dim.values) if format(v, "f") == wanted or str(v) == wanted]
                if not matches:
                    raise ApplicationError(f"{dim.label} takes {', '.join(texts)} in this sweep; not {wanted}")
                held[d] = matches[0]
        return held

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        rows = self.rows if top is None else self.rows[:top]
        return {
            "study": self.summary.to_dict(),
            "objective": self.definition.objective,
            "space": self.space.to_dict(),
            "lineage": lineage_dict(self.definition),
            "rows": [r.to_dict() for r in rows],
            "overfitting": self.card.to_dict(),
        }


def lineage_dict(d: StudyDefinition) -> dict[str, Any]:
    return {
        "strategy_name": d.strategy_name, "strategy_id": d.strategy_id, "strategy_version": d.strategy_version,
        "strategy_hash": d.strategy_hash, "markets": list(d.markets), "timeframe": d.timeframe,
        "start": utc_iso(d.start), "end": utc_iso(d.end), "costs": d.costs.to_dict(), "sampler": d.sampler,
        "trials": d.trials, "seed": d.seed, "engine_version": d.engine_version, "data_hashes": dict(d.data_hashes),
        "options": dict(d.options),
    }  # fmt: skip


def group_cells(results: Sequence[CellResult], segments: Sequence[str]) -> dict[str, list[CellResult]]:
    """Stored results by cell key, only cells with every segment, each in segment order."""
    grouped: dict[str, dict[str, CellResult]] = {}
    for r in results:
        if r.segment in segments:
            grouped.setdefault(r.key, {})[r.segment] = r
    return {k: [by[s] for s in segments] for k, by in grouped.items() if len(by) == len(segments)}


def returns_matrix(cells: Sequence[Sequence[CellResult]]) -> np.ndarray:
    """Days x cells: each cell's daily returns, averaged over its segments (markets) day by day; a day a
    market has no candles counts as a 0 return there."""
    if not cells:
        return np.zeros((0, 0))
    first = min(r.first_day for rs in cells for r in rs)
    days = max((r.first_day - first) // SECONDS_PER_DAY + r.daily_returns.shape[0] for rs in cells for r in rs)
    out = np.zeros((int(days), len(cells)))
    for c, results in enumerate(cells):
        for r in results:
            offset = (r.first_day - first) // SECONDS_PER_DAY
            out[offset : offset + r.daily_returns.shape[0], c] += r.daily_returns / len(results)
    return out


def build_report(summary: StudySummary, definition: StudyDefinition, results: Sequence[CellResult],
                 segments: Sequence[str] | None = None, *, with_card: bool = True) -> SweepReport:  # fmt: skip
    """Rank the cells of ``segments`` (default: the study's markets) and make the overfitting card (left
    empty without ``with_card``: a walk-forward ranks each train window and needs no card for them)."""
    segs = list(segments if segments is not None else definition.markets)
    grouped = group_cells(results, segs)
    space = definition.space
    values = {Cell.from_key(k).index: cell_objective(rs, definition.objective) for k, rs in grouped.items()}
    scores = plateau_scores(space.shape, values)
    order = {c.index: n for n, c in enumerate(ranked(scores), start=1) if c.score is not None}
    rows = [_row(space, key, rs, scores[Cell.from_key(key).index], order) for key, rs in grouped.items()]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.status != OK, r.index))
    ok_rows = [r for r in rows if r.status == OK] if with_card else []
    card = overfitting_card(returns_matrix([grouped[r.key] for r in ok_rows]) if ok_rows else np.zeros((0, 0)), 0)
    return SweepReport(summary, definition, tuple(rows), card)


def _row(space: ParameterSpace, key: str, results: Sequence[CellResult], ranked_cell: RankedCell,
         order: Mapping[tuple[int, ...], int]) -> SweepRow:  # fmt: skip
    cell = Cell.from_key(key)
    status = OK if all(r.ok for r in results) else "invalid"
    error = next((r.error for r in results if r.error), "")
    return SweepRow(
        rank=order.get(cell.index), key=key, index=cell.index, values=space.labelled(cell), value=ranked_cell.value,
        score=ranked_cell.score, neighbours=ranked_cell.neighbours, status=status, error=error,
        metrics={r.segment: dict(r.metrics) for r in results if r.ok},
        final_equity={r.segment: r.final_equity for r in results if r.ok},
    )  # fmt: skip
