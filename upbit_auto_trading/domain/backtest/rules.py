"""The strategy's management rules, sizing and policy as the numbers the kernel reads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.settings import BacktestSettings, IntrabarOrder
from upbit_auto_trading.domain.strategy import (
    ExitTriggers,
    PartialTakeProfit,
    PyramidBuying,
    SameCandlePolicy,
    ScaleIn,
    SizingMode,
    StopTakeProfit,
    Strategy,
    TimeExit,
    TrailingStop,
)

_OFF = math.nan


@dataclass(frozen=True)
class EngineRules:
    """Fractions, not percent (0.05 = 5 %). NaN / 0 switch a rule off. Ranks order close-decided actions
    (lower wins under the priority policy; under the conservative policy exits beat adds first)."""

    stop_loss: float = _OFF
    take_profit: float = _OFF
    trailing_activate: float = _OFF
    trailing_distance: float = 0.0
    pyramid_drop: float = 0.0
    pyramid_max: int = 0
    pyramid_size: float = 1.0
    scale_in_rise: float = 0.0
    scale_in_max: int = 0
    scale_in_size: float = 1.0
    partial_profit: float = _OFF
    partial_sell: float = 0.0
    time_exit_candles: int = 0
    sizing_fixed_amount: float | None = None
    sizing_cash_fraction: float = 1.0
    cooldown_candles: int = 0
    priority_policy: bool = False
    uses_exit_signal: bool = True
    rank_exit_signal: int = 0
    rank_time_exit: int = 1
    rank_pyramid: int = 2
    rank_scale_in: int = 3

    def to_params(self, settings: BacktestSettings) -> np.ndarray:
        p = np.zeros(C.N_PARAMS, dtype=np.float64)
        p[C.P_SL] = self.stop_loss
        p[C.P_TP] = self.take_profit
        p[C.P_TRAIL_ACT] = self.trailing_activate
        p[C.P_TRAIL] = self.trailing_distance
        p[C.P_PYR_DROP] = self.pyramid_drop
        p[C.P_PYR_MAX] = self.pyramid_max
        p[C.P_PYR_SIZE] = self.pyramid_size
        p[C.P_SCALE_RISE] = self.scale_in_rise
        p[C.P_SCALE_MAX] = self.scale_in_max
        p[C.P_SCALE_SIZE] = self.scale_in_size
        p[C.P_PART_PROFIT] = self.partial_profit
        p[C.P_PART_SELL] = self.partial_sell
        p[C.P_TIME_N] = self.time_exit_candles
        if self.sizing_fixed_amount is not None:
            p[C.P_SIZE_MODE] = 0.0
            p[C.P_SIZE_VALUE] = self.sizing_fixed_amount
        else:
            p[C.P_SIZE_MODE] = 1.0
            p[C.P_SIZE_VALUE] = self.sizing_cash_fraction
        p[C.P_COOLDOWN] = self.cooldown_candles
        p[C.P_POLICY] = 1.0 if self.priority_policy else 0.0
        p[C.P_FEE] = float(settings.fee_rate)
        p[C.P_SLIP] = float(settings.slippage_rate)
        p[C.P_TICK] = 1.0 if settings.tick_rounding else 0.0
        p[C.P_MIN_ORDER] = float(settings.min_order_total) if settings.min_order_total is not None else 0.0
        p[C.P_QTY_STEP] = float(settings.quantity_step) if settings.quantity_step is not None else 0.0
        p[C.P_RANK_EXIT] = self.rank_exit_signal
        p[C.P_RANK_TIME] = self.rank_time_exit
        p[C.P_RANK_PYR] = self.rank_pyramid
        p[C.P_RANK_SCALE] = self.rank_scale_in
        p[C.P_EXIT_ENABLED] = 1.0 if self.uses_exit_signal else 0.0
        p[C.P_INTRABAR] = 1.0 if settings.intrabar_order is IntrabarOrder.TAKE_PROFIT_FIRST else 0.0
        return p


def _frac(pct: object) -> float:
    return float(pct) / 100.0  # type: ignore[arg-type]


def engine_rules(strategy: Strategy) -> EngineRules:
    """Translate a validated Strategy (percent, Decimal) into kernel numbers (fractions, float)."""
    kw: dict[str, object] = {}
    for rank, rule in enumerate(strategy.management):
        if isinstance(rule, StopTakeProfit):
            if rule.stop_loss_pct is not None:
                kw["stop_loss"] = _frac(rule.stop_loss_pct)
            if rule.take_profit_pct is not None:
                kw["take_profit"] = _frac(rule.take_profit_pct)
        elif isinstance(rule, TrailingStop):
            kw["trailing_activate"] = _frac(rule.activate_pct)
            kw["trailing_distance"] = _frac(rule.trail_pct)
        elif isinstance(rule, PyramidBuying):
            kw.update(
                pyramid_drop=_frac(rule.drop_pct),
                pyramid_max=rule.max_times,
                pyramid_size=_frac(rule.size_pct_of_entry),
                rank_pyramid=rank,
            )
        elif isinstance(rule, ScaleIn):
            kw.update(
                scale_in_rise=_frac(rule.rise_pct),
                scale_in_max=rule.max_times,
                scale_in_size=_frac(rule.size_pct_of_entry),
                rank_scale_in=rank,
            )
        elif isinstance(rule, PartialTakeProfit):
            kw.update(partial_profit=_frac(rule.profit_pct), partial_sell=_frac(rule.sell_pct))
        elif isinstance(rule, TimeExit):
            kw.update(time_exit_candles=rule.candles, rank_time_exit=rank)
        elif isinstance(rule, ExitTriggers):
            kw.update(uses_exit_signal=True, rank_exit_signal=rank)
    if strategy.sizing.mode is SizingMode.FIXED_AMOUNT:
        kw["sizing_fixed_amount"] = float(strategy.sizing.value)
    else:
        kw["sizing_cash_fraction"] = _frac(strategy.sizing.value)
    kw.setdefault("uses_exit_signal", False)
    kw["cooldown_candles"] = strategy.cooldown_candles
    kw["priority_policy"] = strategy.same_candle_policy is SameCandlePolicy.PRIORITY
    return EngineRules(**kw)  # type: ignore[arg-type]
