"""Compute a catalogue variable as a float array over candles (and a position context if it needs one)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from upbit_auto_trading.domain import indicators as ind
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.errors import NeedsPositionError, UnknownVariableError
from upbit_auto_trading.domain.trigger.position_context import PositionContext, highest_close_since_entry

Params = Mapping[str, Any]


def _p(params: Params, name: str, default: Any) -> Any:
    return params.get(name, default)


def _bollinger(c: CandleArrays, p: Params) -> np.ndarray:
    upper, middle, lower = ind.bbands(c.close, int(_p(p, "period", 20)), float(_p(p, "stddev", 2.0)))
    return {"upper": upper, "middle": middle, "lower": lower}[str(_p(p, "band", "upper"))]


def _stochastic(c: CandleArrays, p: Params) -> np.ndarray:
    k, d = ind.stoch(
        c.high,
        c.low,
        c.close,
        int(_p(p, "k_period", 14)),
        int(_p(p, "k_smoothing", 3)),
        int(_p(p, "d_period", 3)),
    )
    return d if _p(p, "line", "k") == "d" else k


def _macd(c: CandleArrays, p: Params) -> np.ndarray:
    line, signal, hist = ind.macd(
        c.close, int(_p(p, "fast", 12)), int(_p(p, "slow", 26)), int(_p(p, "signal", 9))
    )
    return {"macd": line, "signal": signal, "histogram": hist}[str(_p(p, "line", "macd"))]


CANDLE_VARIABLES: dict[str, Callable[[CandleArrays, Params], np.ndarray]] = {
    "CURRENT_PRICE": lambda c, p: np.asarray(c.close, dtype=np.float64),
    "OPEN_PRICE": lambda c, p: np.asarray(c.open, dtype=np.float64),
    "HIGH_PRICE": lambda c, p: np.asarray(c.high, dtype=np.float64),
    "LOW_PRICE": lambda c, p: np.asarray(c.low, dtype=np.float64),
    "SMA": lambda c, p: ind.sma(c.close, int(_p(p, "period", 20))),
    "EMA": lambda c, p: ind.ema(c.close, int(_p(p, "period", 20))),
    "WMA": lambda c, p: ind.wma(c.close, int(_p(p, "period", 20))),
    "BOLLINGER_BAND": _bollinger,
    "HIGHEST_HIGH": lambda c, p: ind.highest(c.high, int(_p(p, "period", 20))),
    "LOWEST_LOW": lambda c, p: ind.lowest(c.low, int(_p(p, "period", 20))),
    "RSI": lambda c, p: ind.rsi(c.close, int(_p(p, "period", 14))),
    "STOCHASTIC": _stochastic,
    "MFI": lambda c, p: ind.mfi(c.high, c.low, c.close, c.volume, int(_p(p, "period", 14))),
    "WILLIAMS_R": lambda c, p: ind.willr(c.high, c.low, c.close, int(_p(p, "period", 14))),
    "CCI": lambda c, p: ind.cci(c.high, c.low, c.close, int(_p(p, "period", 20))),
    "MACD": _macd,
    "ROC": lambda c, p: ind.roc(c.close, int(_p(p, "period", 10))),
    "ATR": lambda c, p: ind.atr(c.high, c.low, c.close, int(_p(p, "period", 14))),
    "VOLUME": lambda c, p: np.asarray(c.volume, dtype=np.float64),
    "VOLUME_SMA": lambda c, p: ind.volume_sma(c.volume, int(_p(p, "period", 20))),
    "OBV": lambda c, p: ind.obv(c.close, c.volume),
}


def _position_value(variable_id: str, c: CandleArrays, p: Params, pos: PositionContext) -> np.ndarray:
    close = np.asarray(c.close, dtype=np.float64)
    avg = np.asarray(pos.avg_buy_price, dtype=np.float64)
    qty = np.asarray(pos.quantity, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if variable_id == "AVG_BUY_PRICE":
            return avg
        if variable_id == "PROFIT_PERCENT":
            return (close / avg - 1.0) * 100.0
        if variable_id == "PROFIT_AMOUNT":
            return (close - avg) * qty
        if variable_id == "POSITION_SIZE":
            return qty * close
        if variable_id == "CASH_BALANCE":
            return np.asarray(pos.cash, dtype=np.float64)
        if variable_id == "COIN_BALANCE":
            return qty
        if variable_id == "TOTAL_BALANCE":
            return np.asarray(pos.cash, dtype=np.float64) + qty * close
        if variable_id == "META_TRAILING_STOP":
            high = (
                pos.highest_since_entry
                if pos.highest_since_entry is not None
                else highest_close_since_entry(close, avg)
            )
            return np.asarray(high, dtype=np.float64) * (1.0 - float(_p(p, "trail_percent", 5.0)) / 100.0)
        if variable_id == "META_PYRAMID_TARGET":
            base = pos.last_buy_price if pos.last_buy_price is not None else avg
            return np.asarray(base, dtype=np.float64) * (1.0 + float(_p(p, "step_percent", 3.0)) / 100.0)
    raise UnknownVariableError(f"No evaluation defined for {variable_id}")


POSITION_VARIABLES = frozenset(
    {
        "AVG_BUY_PRICE",
        "PROFIT_PERCENT",
        "PROFIT_AMOUNT",
        "POSITION_SIZE",
        "CASH_BALANCE",
        "COIN_BALANCE",
        "TOTAL_BALANCE",
        "META_TRAILING_STOP",
        "META_PYRAMID_TARGET",
    }
)


def compute_variable(
    variable_id: str, params: Params, candles: CandleArrays, position: PositionContext | None = None
) -> np.ndarray:
    """Values of the variable at each candle's close; NaN during warm-up (and where no position is open)."""
    function = CANDLE_VARIABLES.get(variable_id)
    if function is not None:
        return function(candles, params)
    if variable_id in POSITION_VARIABLES:
        if position is None:
            raise NeedsPositionError(
                f"{variable_id} is read from a position or account; it has no value on a chart alone"
            )
        if len(position) != len(candles):
            raise ValueError(f"position context has {len(position)} rows for {len(candles)} candles")
        return _position_value(variable_id, candles, params, position)
    raise UnknownVariableError(f"No evaluation defined for {variable_id}")
