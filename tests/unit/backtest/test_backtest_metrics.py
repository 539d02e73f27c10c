from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, periods_per_year, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


def _candles(closes: list[float], timeframe: str = "1d") -> CandleArrays:
    c = np.asarray(closes, dtype=np.float64)
    start = 1_600_000_000 + np.arange(c.shape[0], dtype=np.int64) * 86400
    return CandleArrays("X-Y", timeframe, start, c, c, c, c, np.ones(c.shape[0]), c)


def _run(closes: list[float], entries: list[int], exits: list[int], fee: str = "0"):
    n = len(closes)
    e = np.zeros(n, bool)
    x = np.zeros(n, bool)
    e[entries] = True
    x[exits] = True
    settings = BacktestSettings.for_non_krw(
        initial_capital=Decimal(1000), fee_rate=Decimal(fee), quantity_step=None
    )
    return run_backtest(_candles(closes), e, x, strategy=EngineRules(), settings=settings)


def test_trade_statistics_by_hand() -> None:
    #          0    1    2    3    4    5    6    7    8    9
    closes = [100, 100, 110, 110, 100, 100, 90, 90, 100, 100]
    # trade 1: buy 100 (bar 1), sell 110 (bar 3) = +10 %; trade 2: buy 100 (bar 5), sell 90 (bar 7) = -10 %
    res = _run(closes, [0, 4], [2, 6])
    m = res.metrics
    assert m.trades == 2 and m.open_trades == 0
    assert m.win_rate == 0.5
    assert m.average_win == pytest.approx(0.10) and m.average_loss == pytest.approx(-0.10)
    assert m.final_equity == pytest.approx(1000 * 1.1 * 0.9)
    assert m.total_return == pytest.approx(0.99 - 1)
    assert m.profit_factor == pytest.approx(100 / 110)  # +100 KRW vs -110 KRW
    assert m.expectancy == pytest.approx(0.0)
    assert m.sqn == pytest.approx(math.sqrt(2) * (-5) / np.std([100, -110], ddof=1))
    assert m.average_holding_bars == 2 and m.average_holding_seconds == 2 * 86400
    assert m.buy_and_hold_return == pytest.approx(0.0)
    # equity is 1100 on bars 2-5, then 990 on bars 6-9: drawdown -10 %, not recovered for 4 candles
    assert m.max_drawdown == pytest.approx(990 / 1100 - 1)
    assert m.max_drawdown_duration_bars == 4
    assert res.drawdown.min() == pytest.approx(990 / 1100 - 1)
    assert res.buy_and_hold[-1] == pytest.approx(1000)
    # exposure: candles 1-3 and 5-7 hold a position at some moment
    assert m.exposure == pytest.approx(6 / 10)


def test_annualisation_uses_the_timeframe() -> None:
    assert periods_per_year("1d") == pytest.approx(365.25)
    assert periods_per_year("1h") == pytest.approx(365.25 * 24)
    assert periods_per_year("1M") == pytest.approx(12, rel=1e-6)
    closes = list(100 * 1.001 ** np.arange(366))
    res = _run(closes, [0], [])
    m = res.metrics
    years = 366 / 365.25
    assert m.cagr == pytest.approx((res.final_equity / 1000) ** (1 / years) - 1)
    rets = np.diff(np.r_[1000, res.equity]) / np.r_[1000, res.equity][:-1]
    assert m.volatility == pytest.approx(np.std(rets, ddof=1) * math.sqrt(365.25))
    assert m.sharpe == pytest.approx(rets.mean() / np.std(rets, ddof=1) * math.sqrt(365.25))
    assert m.sortino is None  # no losing candle: no downside deviation
    assert m.calmar is None and m.max_drawdown == 0.0
    assert m.open_trades == 1 and m.trades == 0 and m.win_rate is None


def test_no_losing_trade_gives_no_profit_factor_and_json_safe_dict() -> None:
    res = _run([100, 100, 110, 110], [0], [2], fee="0.001")
    d = res.metrics.to_dict()
    assert d["profit_factor"] is None and d["trades"] == 1
    assert d["fees"] == pytest.approx(float(res.fills.fee.sum())) and d["fees"] > 0
    assert all(not isinstance(v, float) or math.isfinite(v) for v in d.values())
