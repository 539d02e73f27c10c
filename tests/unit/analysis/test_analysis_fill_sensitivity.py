"""The fill-sensitivity verdict (domain/analysis/fill_sensitivity.py) on runs whose numbers are checked by eye."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.fill_sensitivity import (
    OPTIMISM_THRESHOLD,
    FillVariant,
    assess,
    optimism_gap,
)
from upbit_auto_trading.domain.backtest import BacktestResult, BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.backtest.path_replay import fine_path, replay_path
from upbit_auto_trading.domain.backtest.settings import IntrabarOrder
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

Row = tuple[float, float, float, float]
DAY = 86_400


def days(rows: list[Row]) -> CandleArrays:
    """One candle a day (labelled 1h: the replay test splits them into four 15-minute candles)."""
    a = np.asarray(rows, dtype=np.float64)
    start = np.arange(len(rows), dtype=np.int64) * DAY + 1_700_006_400
    return CandleArrays("X-Y", "1h", start, a[:, 0], a[:, 1], a[:, 2], a[:, 3], np.ones(len(rows)), a[:, 3])


def run(
    rows: list[Row], rules: EngineRules, order: IntrabarOrder, entries: tuple[int, ...] = (0,)
) -> BacktestResult:
    c = days(rows)
    entry = np.zeros(len(c), dtype=bool)
    entry[list(entries)] = True
    cfg = BacktestSettings.for_non_krw(initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None,
                                       intrabar_order=order)  # fmt: skip
    return run_backtest(c, entry, None, strategy=rules, settings=cfg)


def both_ways(
    rows: list[Row], rules: EngineRules, entries: tuple[int, ...] = (0,)
) -> tuple[BacktestResult, BacktestResult]:
    return (run(rows, rules, IntrabarOrder.STOP_FIRST, entries),
            run(rows, rules, IntrabarOrder.TAKE_PROFIT_FIRST, entries))  # fmt: skip


SL_TP = EngineRules(stop_loss=0.05, take_profit=0.10)
# entry at 100 on day 1; day 2 reaches both -20 % and +20 %
BOTH: list[Row] = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 120, 80, 100), (100, 100, 100, 100)]


def test_no_candle_with_both_levels_no_warning() -> None:
    rows: list[Row] = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 111, 99, 105), (105, 105, 105, 105)]
    a = assess(*both_ways(rows, SL_TP))
    assert not a.depends_on_optimism and a.warning is None
    assert a.ambiguous_candles == 0
    assert a.summary.startswith("No candle held both a stop and a profit level")
    assert a.spread.total_return == 0 and a.spread.final_equity == 0
    assert [o.variant for o in a.outcomes] == [FillVariant.STOP_FIRST, FillVariant.TAKE_PROFIT_FIRST]
    assert a.replay is None and a.notes == ()


def test_profit_only_if_the_take_profit_came_first_is_flagged() -> None:
    a = assess(*both_ways(BOTH, SL_TP), replay_unavailable="No path replay: none stored.")
    stop, tp = a.outcome(FillVariant.STOP_FIRST), a.outcome(FillVariant.TAKE_PROFIT_FIRST)
    assert stop is not None and tp is not None
    assert stop.total_return == pytest.approx(-0.05) and tp.total_return == pytest.approx(0.10)
    assert stop.final_equity == Decimal(950) and tp.final_equity == Decimal(1100)
    assert stop.level_exits["stop_loss"] == 1 and tp.level_exits["take_profit"] == 1
    assert stop.trades == tp.trades == 1
    assert a.depends_on_optimism
    assert a.warning is not None and "profitable only if the take-profit came first" in a.warning
    assert "+10.00 %" in a.warning and "-5.00 %" in a.warning
    assert "do not trust it before finer candles" in a.warning
    assert a.spread.total_return == pytest.approx(0.15) and a.spread.final_equity == Decimal(150)
    assert a.ambiguous_candles == 1
    assert a.notes == ("No path replay: none stored.",)


def test_a_gap_above_the_threshold_is_flagged_and_one_below_is_not() -> None:
    # two trades: the first day-2 candle holds both levels (stop -5 % or take-profit +10 %), then a clean +10 %
    rows: list[Row] = BOTH + [(100, 100, 100, 100), (100, 111, 99, 110), (110, 110, 110, 110)]
    big = assess(*both_ways(rows, SL_TP, entries=(0, 3)))
    # stop first: 0.95 x 1.10 = 1.045; take-profit first: 1.10 x 1.10 = 1.21 -> +15.8 % final equity
    assert optimism_gap(big.outcomes[1], big.outcomes[0]) == pytest.approx(1.21 / 1.045 - 1)
    assert big.depends_on_optimism and big.warning is not None
    assert "adds 15.8 % to the final equity" in big.warning
    assert assess(*both_ways(rows, SL_TP, entries=(0, 3)), threshold=0.2).depends_on_optimism is False
    # narrower levels: stop first 0.985 x 1.02, take-profit first 1.02 x 1.02: both profitable, +3.6 %
    narrow = EngineRules(stop_loss=0.015, take_profit=0.02)
    small = assess(*both_ways(rows, narrow, entries=(0, 3)))
    assert [round(o.total_return, 6) for o in small.outcomes] == [round(0.985 * 1.02 - 1, 6), 0.0404]
    assert small.ambiguous_candles == 1 and not small.depends_on_optimism and small.warning is None
    assert "warning threshold is 5 %" in small.summary and OPTIMISM_THRESHOLD == 0.05


def test_the_path_replay_is_a_third_reading_with_its_notes() -> None:
    stop, tp = both_ways(BOTH, SL_TP)
    c = stop.candles
    # the 15-minute path of day 2 went down first: the stop, as the stop-first reading says
    o, h, lo, cl = c.open, c.high, c.low, c.close
    rows = []
    for k in range(len(c)):
        x1, x2 = (lo[k], h[k]) if k == 2 else (h[k], lo[k])
        pts = [o[k], x1, x2, cl[k], cl[k]]
        rows += [(pts[j], max(pts[j], pts[j + 1]), min(pts[j], pts[j + 1]), pts[j + 1]) for j in range(4)]
    a_ = np.asarray(rows)
    start = (c.start[:, None] + np.arange(4)[None, :] * 900).ravel()
    fine = CandleArrays(
        "X-Y", "15m", start, a_[:, 0], a_[:, 1], a_[:, 2], a_[:, 3], np.ones(len(rows)), a_[:, 3]
    )
    entry = np.array([True, False, False, False])
    replay = replay_path(c, fine_path(c, fine), entry, None, rules=SL_TP, settings=stop.settings)
    a = assess(stop, tp, replay)
    path = a.outcome(FillVariant.PATH_REPLAY)
    assert path is not None and path.label == "15m path replay"
    assert path.total_return == pytest.approx(-0.05)
    assert a.depends_on_optimism and "15m path replay -5.00 %" in (a.warning or "")
    assert "Along the finer candles' path it loses too" in (a.warning or "")
    assert "0 % of the way from the stop-first to the take-profit-first result" in a.summary
    assert a.replay is not None and (a.replay.timeframe, a.replay.covered, a.replay.mismatched) == (
        "15m",
        4,
        0,
    )
    assert any("stay on the 1h closes" in n for n in a.notes)
    doc = a.to_dict()
    assert [o["variant"] for o in doc["outcomes"]] == ["stop_first", "take_profit_first", "path_replay"]
    assert doc["outcomes"][0]["final_equity"] == "950" and doc["depends_on_optimism"] is True


def test_a_losing_run_is_not_flagged_for_optimism_when_every_reading_loses() -> None:
    rows: list[Row] = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 103, 80, 100), (100, 100, 100, 100)]
    rules = EngineRules(stop_loss=0.05, partial_profit=0.02, partial_sell=0.5)
    a = assess(*both_ways(rows, rules))
    # stop first -5 %; partial first: half at +2 %, half at -5 % -> -1.5 %; gap 0.985 / 0.95 - 1 = 3.7 %
    assert [round(o.total_return, 4) for o in a.outcomes] == [-0.05, -0.015]
    assert not a.depends_on_optimism and a.ambiguous_candles == 1
