"""Every fill rule of docs/backtest-model.md on hand-made candles (numbers chosen to be checked by eye)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, FillReason, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

R = FillReason


def candles(rows: list[tuple[float, float, float, float]]) -> CandleArrays:
    a = np.asarray(rows, dtype=np.float64)
    start = np.arange(len(rows), dtype=np.int64) * 3600 + 1_700_000_000
    return CandleArrays("X-Y", "1h", start, a[:, 0], a[:, 1], a[:, 2], a[:, 3], np.ones(len(rows)), a[:, 3])


def flat(n: int, price: float = 100.0) -> list[tuple[float, float, float, float]]:
    return [(price, price, price, price)] * n


def sig(n: int, *bars: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[list(bars)] = True
    return out


def plain(**kw: object) -> BacktestSettings:
    base: dict[str, object] = {
        "initial_capital": Decimal(1000),
        "fee_rate": Decimal(0),
        "quantity_step": None,
    }
    base.update(kw)
    return BacktestSettings.for_non_krw(**base)  # type: ignore[arg-type]


def run(rows, entry_bars=(), exit_bars=(), rules: EngineRules | None = None, settings=None, exit_=True):
    n = len(rows)
    return run_backtest(
        candles(rows),
        sig(n, *entry_bars),
        sig(n, *exit_bars) if exit_ else None,
        strategy=rules or EngineRules(),
        settings=settings or plain(),
    )


def fills(res) -> list[tuple[int, int, float]]:
    f = res.fills
    return [(int(b), int(r), round(float(p), 6)) for b, r, p in zip(f.bar, f.reason, f.price, strict=True)]


def test_rule1_2_decision_on_close_fills_at_next_open() -> None:
    rows = [(100, 101, 99, 100), (110, 112, 108, 111), (120, 121, 119, 120), (130, 131, 129, 130)]
    res = run(rows, entry_bars=[0], exit_bars=[2])
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 110.0), (3, R.EXIT_SIGNAL, 130.0)]
    assert res.fills.quantity[0] == pytest.approx(1000 / 110)
    assert res.final_equity == pytest.approx(1000 / 110 * 130)
    assert res.equity[0] == 1000 and res.equity[1] == pytest.approx(1000 / 110 * 111)


def test_signal_on_last_candle_never_fills_and_position_stays_open() -> None:
    res = run(flat(3), entry_bars=[2])
    assert len(res.fills) == 0
    res = run(flat(4), entry_bars=[0], exit_bars=[3])
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0)]
    assert res.final_position > 0
    assert res.trade_arrays.closed.tolist() == [False]


def test_entry_signal_while_in_position_does_not_add() -> None:
    res = run(flat(5), entry_bars=[0, 1, 2])
    assert [r for _, r, _ in fills(res)] == [R.ENTRY_SIGNAL]


def test_slippage_moves_market_fills_against_the_trader() -> None:
    res = run(flat(4), entry_bars=[0], exit_bars=[1], settings=plain(slippage_rate=Decimal("0.01")))
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 101.0), (2, R.EXIT_SIGNAL, 99.0)]


def test_fee_is_charged_on_every_fill() -> None:
    res = run(flat(4), entry_bars=[0], exit_bars=[1], settings=plain(fee_rate=Decimal("0.001")))
    qty = 1000 / 1.001 / 100
    assert res.fills.fee.tolist() == pytest.approx([qty * 100 * 0.001, qty * 100 * 0.001])
    assert res.final_equity == pytest.approx(1000 - 2 * qty * 100 * 0.001)
    assert res.metrics.fees == pytest.approx(res.fills.fee.sum())


def test_rule3_stop_loss_inside_candle_fills_at_the_level() -> None:
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 100, 94, 96), (96, 96, 96, 96)]
    res = run(rows, entry_bars=[0], rules=EngineRules(stop_loss=0.05))
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (2, R.STOP_LOSS, 95.0)]


def test_rule3_gap_through_stop_fills_at_the_open() -> None:
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (90, 92, 89, 91), (91, 91, 91, 91)]
    res = run(rows, entry_bars=[0], rules=EngineRules(stop_loss=0.05))
    assert fills(res)[-1] == (2, R.STOP_LOSS, 90.0)


def test_rule4_take_profit_at_level_and_gap_above_fills_at_open() -> None:
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (101, 111, 100, 105), (105, 105, 105, 105)]
    res = run(rows, entry_bars=[0], rules=EngineRules(take_profit=0.10))
    assert fills(res)[-1] == (2, R.TAKE_PROFIT, 110.0)
    rows[2] = (115, 116, 114, 115)
    res = run(rows, entry_bars=[0], rules=EngineRules(take_profit=0.10))
    assert fills(res)[-1] == (2, R.TAKE_PROFIT, 115.0)


def test_rule3_4_stop_and_take_profit_in_one_candle_means_stop() -> None:
    rows = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 120, 80, 100), (100, 100, 100, 100)]
    res = run(rows, entry_bars=[0], rules=EngineRules(stop_loss=0.05, take_profit=0.10))
    assert fills(res)[-1] == (2, R.STOP_LOSS, 95.0)


def test_stop_can_fire_in_the_entry_candle() -> None:
    rows = [(100, 100, 100, 100), (100, 101, 90, 95), (95, 95, 95, 95)]
    res = run(rows, entry_bars=[0], rules=EngineRules(stop_loss=0.05))
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (1, R.STOP_LOSS, 95.0)]


def test_rule5_trailing_stop_activates_and_trails_the_previous_high() -> None:
    rules = EngineRules(trailing_activate=0.05, trailing_distance=0.03)
    rows = [
        (100, 100, 100, 100),
        (100, 104, 99, 103),  # entry at 100; high 104 < 105: not active
        (103, 110, 103, 109),  # high 110 activates (trail 106.7 from next candle on)
        (109, 112, 107, 111),  # low 107 > 106.7: holds; high 112 -> 108.64
        (111, 111, 108, 109),  # low 108 <= 108.64: out at 108.64
        (109, 109, 109, 109),
    ]
    res = run(rows, entry_bars=[0], rules=rules)
    assert fills(res)[-1] == (4, R.TRAILING_STOP, 108.64)


def test_rule5_the_candle_that_makes_the_high_does_not_trail_itself() -> None:
    rules = EngineRules(trailing_activate=0.05, trailing_distance=0.03)
    rows = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 120, 95, 100), (100, 100, 100, 100)]
    res = run(rows, entry_bars=[0], rules=rules)
    # candle 2 reaches +20% and falls back: order unknown, so no exit inside it; candle 3 opens below
    # the trail (116.4) and exits at its open.
    assert fills(res)[-1] == (3, R.TRAILING_STOP, 100.0)


def test_rule7_pyramid_adds_below_average_up_to_n_times() -> None:
    rules = EngineRules(pyramid_drop=0.05, pyramid_max=2, pyramid_size=1.0, sizing_cash_fraction=0.25)
    rows = [(100, 100, 100, 100), (100, 100, 100, 100), (95, 95, 94, 94), (94, 94, 94, 94)]
    rows += [(89, 89, 85, 85), (85, 85, 80, 80), (80, 80, 80, 80), (80, 80, 80, 80)]
    res = run(rows, entry_bars=[0], rules=rules)
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (3, R.PYRAMID, 94.0), (5, R.PYRAMID, 85.0)]
    q = res.fills.quantity
    assert q[1] * 94 == pytest.approx(250) and q[2] * 85 == pytest.approx(250)
    avg = res.trade_arrays.average_entry_price[0]
    assert avg == pytest.approx(750 / q.sum())


def test_rule8_scale_in_adds_on_rises_over_the_last_buy() -> None:
    rules = EngineRules(scale_in_rise=0.05, scale_in_max=2, scale_in_size=0.5, sizing_fixed_amount=200.0)
    rows = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 106, 100, 105), (106, 106, 106, 106)]
    rows += [(106, 110, 106, 110), (111, 117, 111, 117), (118, 130, 118, 130), (130, 130, 130, 130)]
    res = run(rows, entry_bars=[0], rules=rules)
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (3, R.SCALE_IN, 106.0), (6, R.SCALE_IN, 118.0)]
    assert res.fills.quantity[0] * 100 == pytest.approx(200)
    assert res.fills.quantity[1] * 106 == pytest.approx(100)


def test_rule6_partial_take_profit_sells_a_share_once() -> None:
    rules = EngineRules(partial_profit=0.05, partial_sell=0.4, take_profit=0.2)
    rows = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 106, 100, 104), (104, 110, 104, 110)]
    rows += [(110, 121, 110, 120), (120, 120, 120, 120)]
    res = run(rows, entry_bars=[0], rules=rules)
    assert fills(res) == [
        (1, R.ENTRY_SIGNAL, 100.0),
        (2, R.PARTIAL_TAKE_PROFIT, 105.0),
        (4, R.TAKE_PROFIT, 120.0),
    ]
    q = res.fills.quantity
    assert q[1] == pytest.approx(0.4 * q[0]) and q[2] == pytest.approx(0.6 * q[0])
    trade = res.trades()[0]
    assert trade.exit_reason == "take_profit"
    assert float(trade.exit_price) == pytest.approx(0.4 * 105 + 0.6 * 120)
    kinds = [f.kind for f in res.fills_list()]
    assert kinds == ["entry", "partial_exit", "exit"]


def test_rule9_time_exit_after_n_candles() -> None:
    res = run(flat(8), entry_bars=[0], rules=EngineRules(time_exit_candles=3))
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (4, R.TIME_EXIT, 100.0)]


def test_rule10_cooldown_ignores_entries_after_an_exit() -> None:
    n = 10
    res = run(flat(n), entry_bars=[0, 2, 3, 4, 5], exit_bars=[1], rules=EngineRules(cooldown_candles=3))
    # exit fills at candle 2; entries decided on candles 2, 3, 4 are ignored; candle 5's fills at 6
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 100.0), (2, R.EXIT_SIGNAL, 100.0), (6, R.ENTRY_SIGNAL, 100.0)]
    res = run(flat(n), entry_bars=[0, 2], exit_bars=[1], rules=EngineRules(cooldown_candles=0))
    assert [b for b, _, _ in fills(res)] == [1, 2, 3]


def test_rule12_same_candle_policy() -> None:
    rows = [(100, 100, 100, 100), (100, 100, 100, 100), (96, 96, 94, 94), (94, 94, 94, 94), (94, 94, 94, 94)]
    base = {"pyramid_drop": 0.05, "pyramid_max": 1, "sizing_cash_fraction": 0.5}
    conservative = EngineRules(**base, rank_pyramid=0, rank_exit_signal=1)
    res = run(rows, entry_bars=[0], exit_bars=[2], rules=conservative)
    assert [r for _, r, _ in fills(res)] == [R.ENTRY_SIGNAL, R.EXIT_SIGNAL]
    by_priority = EngineRules(**base, rank_pyramid=0, rank_exit_signal=1, priority_policy=True)
    res = run(rows, entry_bars=[0], exit_bars=[2], rules=by_priority)
    assert [r for _, r, _ in fills(res)] == [R.ENTRY_SIGNAL, R.PYRAMID]
    exit_first = EngineRules(**base, rank_pyramid=1, rank_exit_signal=0, priority_policy=True)
    res = run(rows, entry_bars=[0], exit_bars=[2], rules=exit_first)
    assert [r for _, r, _ in fills(res)] == [R.ENTRY_SIGNAL, R.EXIT_SIGNAL]


def test_rule13_krw_ticks_round_against_the_trader_and_small_orders_are_refused() -> None:
    settings = BacktestSettings(
        initial_capital=Decimal(1_000_000), fee_rate=Decimal(0), slippage_rate=Decimal("0.001")
    )
    rows = [(150_000_000.0,) * 4] * 4
    res = run(rows, entry_bars=[0], exit_bars=[1], settings=settings)
    # 150,150,000 and 149,850,000 are on the 1,000 KRW tick; +-0.1% lands between ticks elsewhere
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 150_150_000.0), (2, R.EXIT_SIGNAL, 149_850_000.0)]
    rows = [(12_345.0,) * 4] * 4
    res = run(rows, entry_bars=[0], exit_bars=[1], settings=settings)
    assert fills(res) == [(1, R.ENTRY_SIGNAL, 12_360.0), (2, R.EXIT_SIGNAL, 12_330.0)]
    assert res.fills.quantity[0] == pytest.approx(np.floor(1_000_000 / 12_360 * 1e8) / 1e8)
    tiny = BacktestSettings(initial_capital=Decimal(4_000), fee_rate=Decimal(0))
    res = run(rows, entry_bars=[0], exit_bars=[1], settings=tiny)
    assert len(res.fills) == 0 and res.refused_orders == 1


def test_fixed_amount_sizing_is_capped_by_cash() -> None:
    res = run(flat(4), entry_bars=[0], rules=EngineRules(sizing_fixed_amount=300.0))
    assert res.fills.quantity[0] * 100 == pytest.approx(300)
    res = run(flat(4), entry_bars=[0], rules=EngineRules(sizing_fixed_amount=5000.0))
    assert res.fills.quantity[0] * 100 == pytest.approx(1000)
