"""The sequential indicator kernels (recurrences and running window sums), compiled with numba.

Imported lazily by ``_kernels`` on the first indicator computation, so importing the application (or the
indicator package) never imports numba; see docs/decisions/0008-indicators-numba.md.

Each kernel is plain Python over numpy arrays: without numba the same code runs uncompiled (slow, same
results; tests compare the two bit for bit through ``kernel.py_func``). The recurrences are written in the
order TA-Lib evaluates them, so the results agree with TA-Lib to the last bits or nearly so.
``cache=True``: compiled once per machine and then loaded from ``__pycache__``; ``nogil=True``: a worker
thread computing a preview does not hold the GIL while a kernel runs.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is a runtime dependency; without it the kernels run as Python (slow, same results)
    import numba

    _jit = numba.njit(cache=True, nogil=True)
    NUMBA_AVAILABLE = True
except ImportError:  # pragma: no cover - exercised only where numba is missing
    NUMBA_AVAILABLE = False

    def _jit(func):  # type: ignore[no-redef]
        return func


@_jit
def rolling_sum(x, n, divisor):  # pragma: no cover - compiled; tested through py_func
    """``sum(x[t-n+1 .. t]) / divisor`` at each t >= n-1, NaN before.

    A running sum (add the newest, drop the oldest) re-summed directly every ``n`` outputs, so each value
    carries the rounding of at most ``2n`` additions (sums of integers stay exact), and directly after any
    non-finite value so a NaN or inf leaves the sum as soon as it leaves the window.
    """
    size = x.shape[0]
    out = np.empty(size)
    for t in range(min(n - 1, size)):
        out[t] = np.nan
    s = 0.0
    since = n  # outputs since the last direct sum; n forces one at the first output
    for t in range(n - 1, size):
        if since >= n or not math.isfinite(s):
            s = 0.0
            for j in range(t - n + 1, t + 1):
                s += x[j]
            since = 0
        else:
            s += x[t] - x[t - n]
        since += 1
        out[t] = s / divisor
    return out


@_jit
def exp_smoothing(x, alpha, seed_index, seed):  # pragma: no cover - compiled; tested through py_func
    """``s[t] = (x[t] - s[t-1]) * alpha + s[t-1]`` from ``s[seed_index] = seed`` (TA-Lib's EMA step)."""
    size = x.shape[0]
    out = np.empty(size)
    for t in range(min(seed_index, size)):
        out[t] = np.nan
    if seed_index >= size:
        return out
    s = seed
    out[seed_index] = s
    for t in range(seed_index + 1, size):
        s = (x[t] - s) * alpha + s
        out[t] = s
    return out


@_jit
def wilder_smoothing(x, period, seed_index, seed):  # pragma: no cover - compiled; tested through py_func
    """``s[t] = (s[t-1] * (period - 1) + x[t]) / period`` from ``s[seed_index] = seed`` (TA-Lib's ATR step)."""
    size = x.shape[0]
    out = np.empty(size)
    for t in range(min(seed_index, size)):
        out[t] = np.nan
    if seed_index >= size:
        return out
    s = seed
    out[seed_index] = s
    for t in range(seed_index + 1, size):
        s = (s * (period - 1) + x[t]) / period
        out[t] = s
    return out


@_jit
def wilder_rsi(close, period):  # pragma: no cover - compiled; tested through py_func
    """Wilder RSI in TA-Lib's order of operations; first value at ``period``; 0 when both averages ~0."""
    size = close.shape[0]
    out = np.empty(size)
    for t in range(min(period, size)):
        out[t] = np.nan
    if size <= period:
        return out
    gain = 0.0
    loss = 0.0
    for t in range(1, period + 1):
        change = close[t] - close[t - 1]
        if change < 0:
            loss -= change
        else:
            gain += change
    gain /= period
    loss /= period
    total = gain + loss
    out[period] = 100.0 * (gain / total) if not (-1e-8 < total < 1e-8) else 0.0
    for t in range(period + 1, size):
        gain *= period - 1
        loss *= period - 1
        change = close[t] - close[t - 1]
        if change < 0:
            loss -= change
        else:
            gain += change
        gain /= period
        loss /= period
        total = gain + loss
        out[t] = 100.0 * (gain / total) if not (-1e-8 < total < 1e-8) else 0.0
    return out


KERNELS = (rolling_sum, exp_smoothing, wilder_smoothing, wilder_rsi)


def warm_up() -> None:
    """Compile (or load from the numba cache) every kernel on a tiny input."""
    x = np.arange(8, dtype=np.float64) + 1.0
    rolling_sum(x, 3, 3.0)
    exp_smoothing(x, 0.5, 2, 1.0)
    wilder_smoothing(x, 3, 2, 1.0)
    wilder_rsi(x, 3)
