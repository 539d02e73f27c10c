"""What a backtest run produces: fills, curves and, on demand, trades and metrics."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from upbit_auto_trading.domain.backtest.fills import (
    Fill,
    FillArrays,
    Trade,
    TradeArrays,
    fills_list,
    trade_arrays,
    trades_list,
)
from upbit_auto_trading.domain.backtest.metrics import Metrics, compute_metrics, drawdown_curve
from upbit_auto_trading.domain.backtest.rules import EngineRules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


@dataclass(eq=False)
class BacktestResult:
    """Arrays are aligned with ``candles``: ``equity[i]`` and ``position[i]`` hold after candle i's close."""

    candles: CandleArrays
    settings: BacktestSettings
    rules: EngineRules
    fills: FillArrays
    equity: np.ndarray
    position: np.ndarray
    refused_orders: int
    ambiguous_candles: int = 0
    """Candles in which a stop level and a profit level were both inside the high-low range while a position
    was held: the intrabar order (``settings.intrabar_order``) decided them."""

    @property
    def start_equity(self) -> float:
        return float(self.settings.initial_capital)

    @property
    def final_equity(self) -> float:
        return float(self.equity[-1]) if self.equity.shape[0] else self.start_equity

    @property
    def final_position(self) -> float:
        return float(self.position[-1]) if self.position.shape[0] else 0.0

    @cached_property
    def drawdown(self) -> np.ndarray:
        """equity / running peak - 1, per candle (<= 0)."""
        return drawdown_curve(self.equity)

    @cached_property
    def buy_and_hold(self) -> np.ndarray:
        """The starting capital held in the asset from the first close, no fees."""
        c = self.candles.close
        if c.shape[0] == 0:
            return c.copy()
        return self.start_equity * c / c[0]

    @cached_property
    def trade_arrays(self) -> TradeArrays:
        return trade_arrays(self.fills, self.final_position)

    def fills_list(self) -> list[Fill]:
        return fills_list(self.fills, self.candles.start, self.final_position)

    def trades(self) -> list[Trade]:
        return trades_list(self.trade_arrays, self.candles.start)

    @cached_property
    def metrics(self) -> Metrics:
        return compute_metrics(
            start_equity=self.start_equity,
            equity=self.equity,
            position=self.position,
            fill_bars=self.fills.bar,
            fees_total=float(self.fills.fee.sum()),
            trades=self.trade_arrays,
            close=self.candles.close,
            start=self.candles.start,
            timeframe=self.candles.timeframe,
            refused_orders=self.refused_orders,
        )
