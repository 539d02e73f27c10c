"""The intrabar order (docs/backtest-model.md, rule 4): a candle that holds both a stop level and a profit
level fills the stop first by default and the profit levels first under ``TAKE_PROFIT_FIRST``; gaps at the
open decide either way; the two kernel paths (numba, Python) agree under both orders."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import (
    BacktestInputError,
    BacktestSettings,
    EngineRules,
    FillReason,
    result_hash,
    run_backtest,
)
from upbit_auto_trading.domain.backtest.settings import IntrabarOrder
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

R = FillReason
STOP_FIRST, TP_FIRST = IntrabarOrder.STOP_FIRST, IntrabarOrder.TAKE_PROFIT_FIRST
Row = tuple[float, float, float, float]


def candles(rows: list[Row]) -> CandleArrays:
    a = np.asarray(rows, dtype=np.float64)
    start = np.arange(len(rows), dtype=np.int64) * 3600 + 1_700_000_000
    return CandleArrays("X-Y", "1h", start, a[:, 0], a[:, 1], a[:, 2], a[:, 3], np.ones(len(rows)), a[:, 3])


def settings(order: IntrabarOrder, **kw: object) -> BacktestSettings:
    base: dict[str, object] = {
        "initial_capital": Decimal(1000),
        "fee_rate": Decimal(0),
        "quantity_step": None,
    }
    base.update(kw)
    return BacktestSettings.for_non_krw(intrabar_order=order, **base)  # type: ignore[arg-type]


def run(rows: list[Row], rules: EngineRules, order: IntrabarOrder, compiled: bool = True, **kw: object):  # noqa: ANN201
    n = len(rows)
    entry = np.zeros(n, dtype=bool)
    entry[0] = True
    return run_backtest(candles(rows), entry, None, strategy=rules, settings=settings(order, **kw),
                        compiled=compiled)  # fmt: skip


def fills(res) -> list[tuple[int, int, float]]:  # noqa: ANN001
    f = res.fills
    return [(int(b), int(r), round(float(p), 6)) for b, r, p in zip(f.bar, f.reason, f.price, strict=True)]


BOTH: list[Row] = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 120, 80, 100), (100, 100, 100, 100)]
"""Entry at 100 in candle 1; candle 2 reaches both +20 % and -20 %."""


@pytest.mark.parametrize("compiled", [True, False])
def test_a_candle_with_both_levels_fills_the_stop_or_the_take_profit_as_the_order_says(
    compiled: bool,
) -> None:
    rules = EngineRules(stop_loss=0.05, take_profit=0.10)
    stop = run(BOTH, rules, STOP_FIRST, compiled)
    profit = run(BOTH, rules, TP_FIRST, compiled)
    assert fills(stop) == [(1, R.ENTRY_SIGNAL, 100.0), (2, R.STOP_LOSS, 95.0)]
    assert fills(profit) == [(1, R.ENTRY_SIGNAL, 100.0), (2, R.TAKE_PROFIT, 110.0)]
    assert stop.final_equity == pytest.approx(950) and profit.final_equity == pytest.approx(1100)
    assert stop.ambiguous_candles == profit.ambiguous_candles == 1


def test_the_default_is_stop_first() -> None:
    rules = EngineRules(stop_loss=0.05, take_profit=0.10)
    default = run_backtest(candles(BOTH), np.array([True, False, False, False]), None, strategy=rules,
                           settings=BacktestSettings.for_non_krw(initial_capital=Decimal(1000)))  # fmt: skip
    assert int(default.fills.reason[-1]) == R.STOP_LOSS
    assert BacktestSettings().intrabar_order is STOP_FIRST


@pytest.mark.parametrize("order", [STOP_FIRST, TP_FIRST])
def test_gaps_at_the_open_decide_whatever_the_order(order: IntrabarOrder) -> None:
    rules = EngineRules(stop_loss=0.05, take_profit=0.10)
    above = [(100, 100, 100, 100), (100, 101, 99, 100), (112, 113, 80, 90), (90, 90, 90, 90)]
    assert fills(run(above, rules, order))[-1] == (2, R.TAKE_PROFIT, 112.0)
    below = [(100, 100, 100, 100), (100, 101, 99, 100), (90, 120, 89, 110), (110, 110, 110, 110)]
    assert fills(run(below, rules, order))[-1] == (2, R.STOP_LOSS, 90.0)
    # a gap decides before the candle's range: no candle held both levels "inside"
    assert run(above, rules, order).ambiguous_candles == 0


def test_stop_slippage_applies_when_the_stop_comes_after_a_partial_take_profit() -> None:
    rules = EngineRules(stop_loss=0.05, partial_profit=0.05, partial_sell=0.4)
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 107, 90, 92), (92, 92, 92, 92)]
    stop = run(rows, rules, STOP_FIRST, slippage_rate=Decimal("0.01"))
    profit = run(rows, rules, TP_FIRST, slippage_rate=Decimal("0.01"))
    # bought at 101 (1 % slippage): stop level 95.95, filled 1 % below it; partial level 106.05
    assert fills(stop)[1:] == [(2, R.STOP_LOSS, 94.9905)]
    # take-profit first: 40 % at the partial level (a limit: no slippage), then the rest stopped
    assert fills(profit)[1:] == [(2, R.PARTIAL_TAKE_PROFIT, 106.05), (2, R.STOP_LOSS, 94.9905)]
    q = profit.fills.quantity
    assert q[1] == pytest.approx(0.4 * q[0]) and q[2] == pytest.approx(0.6 * q[0])
    assert profit.final_position == 0.0
    assert profit.trades()[0].exit_reason == "stop_loss"
    assert profit.final_equity > stop.final_equity


def test_take_profit_first_with_partial_take_profit_and_stop_in_one_candle_never_reaches_the_stop() -> None:
    rules = EngineRules(stop_loss=0.05, take_profit=0.10, partial_profit=0.05, partial_sell=0.5)
    stop = run(BOTH, rules, STOP_FIRST)
    profit = run(BOTH, rules, TP_FIRST)
    assert fills(stop)[1:] == [(2, R.STOP_LOSS, 95.0)]
    assert fills(profit)[1:] == [(2, R.PARTIAL_TAKE_PROFIT, 105.0), (2, R.TAKE_PROFIT, 110.0)]
    assert profit.final_equity == pytest.approx(1000 * (0.5 * 1.05 + 0.5 * 1.10))


def test_a_partial_take_profit_taken_at_the_open_leaves_the_candle_to_the_order() -> None:
    # candle 2 opens above the partial level (filled at the open), then holds both the stop and the
    # take-profit: the stop takes the rest under stop-first, the take-profit under take-profit-first
    rules = EngineRules(stop_loss=0.05, take_profit=0.10, partial_profit=0.02, partial_sell=0.5)
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (103, 111, 94, 100), (100, 100, 100, 100)]
    assert fills(run(rows, rules, STOP_FIRST))[1:] == [
        (2, R.PARTIAL_TAKE_PROFIT, 103.0),
        (2, R.STOP_LOSS, 95.0),
    ]
    assert fills(run(rows, rules, TP_FIRST))[1:] == [
        (2, R.PARTIAL_TAKE_PROFIT, 103.0),
        (2, R.TAKE_PROFIT, 110.0),
    ]


TRAIL: list[Row] = [
    (100, 100, 100, 100),
    (100, 101, 99, 100),  # entry at 100
    (100, 110, 100, 109),  # high 110 arms the trail (+5 %): level 110 x 0.97 = 106.7 from the next candle
    (109, 116, 106, 110),  # the take-profit (115) and the trail (106.7) both inside
    (110, 110, 110, 110),
]


@pytest.mark.parametrize("compiled", [True, False])
def test_trailing_stop_and_take_profit_in_one_candle(compiled: bool) -> None:
    rules = EngineRules(trailing_activate=0.05, trailing_distance=0.03, take_profit=0.15)
    assert fills(run(TRAIL, rules, STOP_FIRST, compiled))[-1] == (3, R.TRAILING_STOP, 106.7)
    assert fills(run(TRAIL, rules, TP_FIRST, compiled))[-1] == (3, R.TAKE_PROFIT, 115.0)


def test_trailing_stop_takes_the_rest_after_a_partial_take_profit_under_take_profit_first() -> None:
    rules = EngineRules(
        trailing_activate=0.05, trailing_distance=0.03, partial_profit=0.12, partial_sell=0.25
    )
    assert fills(run(TRAIL, rules, STOP_FIRST))[1:] == [(3, R.TRAILING_STOP, 106.7)]
    profit = run(TRAIL, rules, TP_FIRST)
    assert fills(profit)[1:] == [(3, R.PARTIAL_TAKE_PROFIT, 112.0), (3, R.TRAILING_STOP, 106.7)]
    assert profit.trades()[0].exit_reason == "trailing_stop"


def test_the_higher_of_a_fixed_stop_and_the_trail_still_applies_under_take_profit_first() -> None:
    rules = EngineRules(stop_loss=0.02, trailing_activate=0.05, trailing_distance=0.03, take_profit=0.15)
    assert fills(run(TRAIL, rules, TP_FIRST))[-1] == (3, R.TAKE_PROFIT, 115.0)
    no_tp = EngineRules(stop_loss=0.02, trailing_activate=0.05, trailing_distance=0.03)
    assert fills(run(TRAIL, no_tp, TP_FIRST))[-1] == (3, R.TRAILING_STOP, 106.7)


def test_without_a_candle_holding_both_levels_the_order_changes_nothing() -> None:
    rules = EngineRules(stop_loss=0.05, take_profit=0.10)
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 111, 97, 105), (105, 105, 105, 105)]
    stop, profit = run(rows, rules, STOP_FIRST), run(rows, rules, TP_FIRST)
    assert stop.ambiguous_candles == 0
    assert result_hash(stop.fills, stop.equity) == result_hash(profit.fills, profit.equity)


# ---- The two kernel paths under take-profit-first, on every rule.


def walk(n: int, seed: int) -> CandleArrays:
    """A KRW-BTC-like random walk with wide candles, so that stops, profits, both at once and gaps happen."""
    rng = np.random.default_rng(seed)
    close = np.round(50_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n))))
    open_ = np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.003, n))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, n))
    start = 1_600_000_000 + np.arange(n, dtype=np.int64) * 60
    return CandleArrays("KRW-BTC", "1m", start, np.round(open_), np.round(high), np.round(low), close,
                        np.ones(n), close)  # fmt: skip


def random_rules(rng: np.random.Generator) -> EngineRules:
    def maybe(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi)) if rng.random() < 0.8 else math.nan

    return EngineRules(
        stop_loss=maybe(0.003, 0.02), take_profit=maybe(0.003, 0.03), trailing_activate=maybe(0.001, 0.01),
        trailing_distance=float(rng.uniform(0.001, 0.01)), pyramid_drop=float(rng.uniform(0.001, 0.01)),
        pyramid_max=int(rng.integers(0, 3)), pyramid_size=float(rng.uniform(0.1, 1.0)),
        scale_in_rise=float(rng.uniform(0.001, 0.01)), scale_in_max=int(rng.integers(0, 3)),
        scale_in_size=float(rng.uniform(0.1, 1.0)), partial_profit=maybe(0.001, 0.01),
        partial_sell=float(rng.uniform(0.1, 1.0)), time_exit_candles=int(rng.integers(0, 40)),
        cooldown_candles=int(rng.integers(0, 5)), priority_policy=bool(rng.random() < 0.5),
        sizing_fixed_amount=None if rng.random() < 0.5 else float(rng.uniform(3_000, 3_000_000)),
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
def test_compiled_and_python_kernels_agree_under_take_profit_first(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    c = walk(1200, seed)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = random_rules(rng)
    krw = seed % 2 == 1
    cfg = (BacktestSettings(initial_capital=Decimal("10000000"), slippage_rate=Decimal("0.0005"),
                            intrabar_order=TP_FIRST) if krw
           else BacktestSettings.for_non_krw(initial_capital=Decimal("10000000"), intrabar_order=TP_FIRST))  # fmt: skip
    runs = [run_backtest(c, entry, exit_, strategy=rules, settings=cfg, compiled=compiled, chunk_candles=k)
            for compiled, k in ((True, 65_536), (False, 65_536), (False, 97))]  # fmt: skip
    assert len(runs[0].fills) > 10
    assert len({result_hash(r.fills, r.equity) for r in runs}) == 1
    np.testing.assert_array_equal(runs[0].position, runs[1].position)
    assert runs[0].refused_orders == runs[1].refused_orders
    assert runs[0].ambiguous_candles == runs[1].ambiguous_candles == runs[2].ambiguous_candles


def test_take_profit_first_changes_a_run_with_ambiguous_candles_for_the_better() -> None:
    c = walk(3000, 7)
    rng = np.random.default_rng(7)
    entry = rng.random(len(c)) < 0.05
    rules = EngineRules(stop_loss=0.004, take_profit=0.004)  # narrow levels: many candles hold both
    base = BacktestSettings.for_non_krw(initial_capital=Decimal("10000000"))
    stop = run_backtest(c, entry, None, strategy=rules, settings=base)
    profit = run_backtest(c, entry, None, strategy=rules,
                          settings=BacktestSettings.for_non_krw(initial_capital=Decimal("10000000"),
                                                                intrabar_order=TP_FIRST))  # fmt: skip
    assert stop.ambiguous_candles > 20
    assert profit.final_equity > stop.final_equity
    reasons = [int(r) for r in profit.fills.reason]
    assert reasons.count(R.TAKE_PROFIT) > [int(r) for r in stop.fills.reason].count(R.TAKE_PROFIT)


# ---- The setting as it is stored.


def test_settings_documents_keep_their_old_shape_unless_take_profit_first() -> None:
    assert "intrabar_order" not in BacktestSettings().to_dict()
    doc = BacktestSettings(intrabar_order=TP_FIRST).to_dict()
    assert doc["intrabar_order"] == "take_profit_first"
    assert BacktestSettings.from_dict(doc).intrabar_order is TP_FIRST
    assert BacktestSettings.from_dict(BacktestSettings().to_dict()).intrabar_order is STOP_FIRST


def test_an_unknown_intrabar_order_is_refused() -> None:
    with pytest.raises(BacktestInputError, match="intrabar_order"):
        BacktestSettings.from_dict({"intrabar_order": "high_first"})
    with pytest.raises(BacktestInputError, match="intrabar order"):
        BacktestSettings(intrabar_order="take_profit_first")  # type: ignore[arg-type]
