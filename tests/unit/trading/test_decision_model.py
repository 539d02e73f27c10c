"""The live engine's decisions are the backtest kernel's: stepping one candle at a time gives the same fills,
equity and decisions as ``run_backtest`` over the whole series, for every management rule."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.sample_signals import rsi
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trading.decision_model import DecisionModel

N = 3000


@pytest.fixture(scope="module")
def candles() -> CandleArrays:
    path = resources.files("upbit_auto_trading.resources.candles") / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
    with resources.as_file(path) as p:
        raw = pd.read_csv(p, nrows=N)
    t = pd.to_datetime(raw["candle_date_time_kst"]).dt.tz_localize("Asia/Seoul").dt.tz_convert("UTC")
    f = lambda col: raw[col].astype(float).to_numpy()  # noqa: E731
    return CandleArrays(
        market="KRW-BTC", timeframe="1h", start=(t.astype("int64") // 10**9).to_numpy(),
        open=f("opening_price"), high=f("high_price"), low=f("low_price"), close=f("trade_price"),
        volume=f("candle_acc_trade_volume"), quote_volume=f("candle_acc_trade_price"),
    )  # fmt: skip


RULE_SETS = {
    "stop_take_profit": EngineRules(stop_loss=0.02, take_profit=0.04, uses_exit_signal=False),
    "trailing_partial_pyramid": EngineRules(
        trailing_activate=0.01, trailing_distance=0.015, partial_profit=0.02, partial_sell=0.5,
        pyramid_drop=0.02, pyramid_max=2, pyramid_size=0.5, sizing_cash_fraction=0.5, uses_exit_signal=True,
    ),
    "scale_in_time_exit_cooldown": EngineRules(
        scale_in_rise=0.01, scale_in_max=2, scale_in_size=0.3, time_exit_candles=12, cooldown_candles=5,
        stop_loss=0.05, sizing_fixed_amount=3_000_000.0, priority_policy=True, uses_exit_signal=True,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RULE_SETS))
def test_stepping_one_candle_at_a_time_equals_the_backtest(candles: CandleArrays, name: str) -> None:
    rules = RULE_SETS[name]
    r = rsi(candles.close)
    entry = np.nan_to_num(r, nan=50.0) < 30
    exit_ = np.nan_to_num(r, nan=50.0) > 70
    settings = BacktestSettings(initial_capital=Decimal("10000000"), slippage_rate=Decimal("0.001"))
    expected = run_backtest(candles, entry, exit_, strategy=rules, settings=settings, compiled=False)

    model = DecisionModel(rules, settings)
    got: list[tuple[int, int, float, float]] = []
    equity = []
    decisions = 0
    for i in range(len(candles)):
        step = model.step(candles.open[i], candles.high[i], candles.low[i], candles.close[i], entry[i], exit_[i])
        got += [(i, int(f.reason), f.price, f.quantity) for f in step.fills]
        equity.append(step.equity)
        decisions += step.decision is not None
    fills = expected.fills
    want = [(int(fills.bar[k]), int(fills.reason[k]), float(fills.price[k]), float(fills.quantity[k]))
            for k in range(len(fills))]  # fmt: skip
    assert len(want) > 20, "the rule set must trade enough to mean something"
    assert got == want
    assert np.array_equal(np.asarray(equity), expected.equity)
    assert decisions >= sum(1 for _, reason, _, _ in want if FillReason(reason).is_buy)


def test_levels_are_the_kernels_levels() -> None:
    rules = EngineRules(stop_loss=0.02, take_profit=0.05, trailing_activate=0.01, trailing_distance=0.01,
                        partial_profit=0.03, partial_sell=0.5, uses_exit_signal=False)  # fmt: skip
    model = DecisionModel(rules, BacktestSettings())
    model.step(100_000.0, 100_500.0, 99_500.0, 100_000.0, True, False)  # decides the entry
    step = model.step(100_000.0, 100_200.0, 99_900.0, 100_100.0, False, False)  # fills it at this open
    assert step.fills[0].reason is FillReason.ENTRY_SIGNAL and step.fills[0].price == 100_000.0
    lv = step.levels
    assert lv.stop == 98_000.0 and lv.stop_reason is FillReason.STOP_LOSS
    assert lv.take_profit == 105_000.0 and lv.partial == 103_000.0
    assert not lv.trailing_active
    # a high of +1.5 % arms the trailing stop from the next candle on, above the fixed stop
    step = model.step(100_100.0, 101_500.0, 100_000.0, 101_000.0, False, False)
    assert step.levels.trailing_active and step.levels.stop_reason is FillReason.TRAILING_STOP
    assert step.levels.stop == 100_400.0  # 101,500 x 0.99 = 100,485, down onto the 100-won tick
    # the next candle's low reaches it: the model sells at the level, as the watcher would
    step = model.step(101_000.0, 101_100.0, 100_300.0, 100_600.0, False, False)
    assert [f.reason for f in step.fills] == [FillReason.TRAILING_STOP] and step.quantity == 0.0
    assert step.levels.stop is None


def test_invalid_price_is_refused_before_the_state_changes() -> None:
    model = DecisionModel(EngineRules(), BacktestSettings())
    with pytest.raises(ValueError, match="invalid close"):
        model.step(1.0, 1.0, 1.0, float("nan"), True, False)
    assert model.bars == 0
