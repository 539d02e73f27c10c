"""Plateau ranking: a broad plateau ranks above an isolated peak; cliffs and gaps."""

from __future__ import annotations

import pytest

from upbit_auto_trading.domain.robustness.plateau import combined, objective_value, plateau_scores, ranked


def _grid(rows: list[list[float | None]]) -> dict[tuple[int, ...], float | None]:
    return {(i, j): v for i, row in enumerate(rows) for j, v in enumerate(row)}


def test_a_broad_plateau_ranks_above_a_higher_isolated_peak():
    values = _grid([
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 3.0, 0.0, 0.0, 1.8, 1.9],
        [0.0, 0.0, 0.0, 0.0, 1.9, 2.0],
        [0.0, 0.0, 0.0, 0.0, 1.8, 1.9],
    ])  # fmt: skip
    order = ranked(plateau_scores((4, 6), values))
    plateau = {(i, j) for i in (1, 2, 3) for j in (4, 5)}
    assert {c.index for c in order[:2]} <= plateau  # the plateau first, though 3.0 is the best single cell
    peak = next(c for c in order if c.index == (1, 1))
    assert peak.value == 3.0 and peak.score == pytest.approx(3.0 / 9)
    assert all(c.score > peak.score for c in order if c.index in plateau)
    middle = next(c for c in order if c.index == (2, 5))  # on the edge: 5 neighbours
    assert middle.score == pytest.approx((1.8 + 1.9 + 1.9 + 2.0 + 1.8 + 1.9) / 6) and middle.neighbours == 5
    corner = next(c for c in order if c.index == (3, 5))
    assert corner.score == pytest.approx((1.9 + 2.0 + 1.8 + 1.9) / 4) and corner.neighbours == 3


def test_an_undefined_neighbour_counts_as_the_worst_value_and_an_unevaluated_one_as_the_median():
    values = {(0,): 1.0, (1,): 2.0, (2,): None, (4,): 4.0, (6,): 3.0}  # (3,), (5,) never evaluated
    cells = plateau_scores((7,), values)
    assert cells[(1,)].score == pytest.approx((1.0 + 2.0 + 1.0) / 3)  # None -> the worst defined value, 1.0
    assert cells[(2,)].score is None and cells[(2,)].value is None  # not rankable itself
    # (4,) alone among unexplored cells: they count as the median 2.5, not as 4.0 again
    assert cells[(4,)].score == pytest.approx((2.5 + 4.0 + 2.5) / 3) and cells[(4,)].neighbours == 0
    assert cells[(6,)].score == pytest.approx((2.5 + 3.0) / 2)
    order = ranked(cells)
    assert [c.index for c in order] == [(4,), (6,), (0,), (1,), (2,)]


def test_three_dimensions_count_diagonal_neighbours():
    values = {(i, j, k): 1.0 for i in range(3) for j in range(3) for k in range(3)}
    cells = plateau_scores((3, 3, 3), values)
    assert cells[(1, 1, 1)].neighbours == 26 and cells[(0, 0, 0)].neighbours == 7


def test_objective_values_and_markets_combined():
    assert objective_value({"sharpe": 1.5}, "sharpe") == 1.5
    assert objective_value({"sharpe": None}, "sharpe") is None
    assert objective_value({"sharpe": float("inf")}, "sharpe") is None
    assert objective_value({"trades": True}, "trades") is None
    assert combined([1.0, 3.0]) == 2.0 and combined([1.0, None]) is None and combined([]) is None
