"""Signals for the bundled sample strategy's triggers, computed with numpy.

A stop-gap so the sample (``basic_7_rule``) runs in tests and benchmarks before the trigger engine can
evaluate saved triggers; the trigger names match the sample JSON. RSI is Wilder's (TA-Lib compatible:
smoothing 1/n, seeded with the simple mean of the first n changes).
"""

from __future__ import annotations

import numpy as np

RSI_TRIGGER = "RSI(14) below 20"
CRASH_TRIGGER = "Crash: close 3% below previous close"
SURGE_TRIGGER = "Surge: close 5% above previous close"


def rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder RSI; NaN for the first ``period`` candles."""
    n = close.shape[0]
    out = np.full(n, np.nan)
    if n <= period:
        return out
    diff = np.diff(close)
    gain = np.where(diff > 0, diff, 0.0)
    loss = np.where(diff < 0, -diff, 0.0)
    alpha = 1.0 / period
    # Wilder smoothing as a linear recurrence avg[k] = (1-a) avg[k-1] + a x[k], solved in closed form in
    # blocks to stay loop-free and numerically stable.
    avg_g = _wilder(gain, period, alpha)
    avg_l = _wilder(loss, period, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        rs = avg_g / avg_l
        val = np.where(avg_l == 0, 100.0, 100.0 - 100.0 / (1.0 + rs))
        val = np.where((avg_l == 0) & (avg_g == 0), 0.0, val)
    out[period:] = val
    return out


def _wilder(x: np.ndarray, period: int, alpha: float, block: int = 256) -> np.ndarray:
    """Smoothed values for changes period-1.. (seeded by the mean of the first ``period`` changes)."""
    seed = x[:period].mean()
    rest = x[period:]
    out = np.empty(rest.shape[0] + 1)
    out[0] = seed
    decay = 1.0 - alpha
    powers = decay ** np.arange(1, block + 1)
    prev = seed
    pos = 1
    for b in range(0, rest.shape[0], block):
        chunk = rest[b : b + block]
        m = chunk.shape[0]
        # y_k = decay^k * prev + alpha * sum_{j<=k} decay^(k-j) x_j, computed as a scaled cumsum.
        p = powers[:m]
        scaled = np.cumsum(chunk / p) * p
        y = p * prev + alpha * scaled
        out[pos : pos + m] = y
        prev = y[-1]
        pos += m
    return out


def basic_7_rule_signals(close: np.ndarray) -> dict[str, np.ndarray]:
    """Per-trigger arrays (keyed by trigger name) for ``basic_7_rule.json``."""
    r = rsi(close, 14)
    prev = np.r_[np.nan, close[:-1]]
    with np.errstate(invalid="ignore"):
        crash = close <= prev * 0.97
        surge = close >= prev * 1.05
    return {RSI_TRIGGER: r < 20.0, CRASH_TRIGGER: crash, SURGE_TRIGGER: surge}
