"""Content hashes that let a stored run prove it re-ran on the same inputs and gave the same output."""

from __future__ import annotations

import hashlib

import numpy as np

from upbit_auto_trading.domain.backtest.fills import FillArrays
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


def _update(h: hashlib._Hash, arr: np.ndarray, dtype: str) -> None:
    h.update(np.ascontiguousarray(arr, dtype=dtype).tobytes())


def candle_hash(candles: CandleArrays) -> str:
    """sha256 over market, timeframe, start times and OHLCV (little-endian int64 / float64)."""
    h = hashlib.sha256(f"{candles.market}|{candles.timeframe}|{len(candles)}|".encode())
    _update(h, candles.start, "<i8")
    for arr in (candles.open, candles.high, candles.low, candles.close, candles.volume):
        _update(h, arr, "<f8")
    return h.hexdigest()


def signals_hash(entry: np.ndarray, exit_: np.ndarray | None) -> str:
    h = hashlib.sha256(b"entry|")
    _update(h, entry, "|b1")
    h.update(b"|exit|")
    if exit_ is not None:
        _update(h, exit_, "|b1")
    return h.hexdigest()


def result_hash(fills: FillArrays, equity: np.ndarray) -> str:
    """sha256 over every fill and the equity curve: equal hashes mean bit-identical results."""
    h = hashlib.sha256(f"fills|{len(fills)}|".encode())
    _update(h, fills.bar, "<i8")
    _update(h, fills.reason, "<i8")
    _update(h, fills.trade_no, "<i8")
    for arr in (fills.price, fills.quantity, fills.fee, equity):
        _update(h, arr, "<f8")
    return h.hexdigest()
