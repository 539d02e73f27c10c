"""The sequential indicator kernels (recurrences and running window sums), compiled with numba.

Imported lazily by ``_kernels`` on the first indicator computation, so importing the application (or the
indicator package) never imports numba; see docs/decisions/0008-indicators-numba.md.

Each kernel is plain Python over numpy arrays: without numba the same code runs uncompiled (slow, same
results; tests compare the two bit for bit through ``kernel.py_func``). The recurrences are written in the
order TA-Lib evaluates them, so the results agree with TA-Lib to the last bits or nearly so.
``cache=True``: compiled once per machine and then loaded from ``__pycache__``; ``nogil=True``: a worker
thread computing a preview does not hold the GIL while a kernel runs. Every kernel writes into an ``out``
array the caller allocates with numpy: numpy's allocator asks for huge pages for large arrays, numba's does
not, and the page faults of a fresh 8 MB array cost more than the kernel itself (measured: 1.4 vs 4-6 ms).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is a runtime dependency; without it the kernels run as Python (slow, same results)
    import numba

    _jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    NUMBA_AVAILABLE = True
except ImportError:  # pragma: no cover - exercised only where numba is missing
    NUMBA_AVAILABLE = False

    def _jit(func):
        return func


@_jit
def rolling_sum(x, n, divisor, out):  # pragma: no cover - compiled; tested through py_func
    """``sum(x[t-n+1 .. t]) / divisor`` at each t >= n-1, NaN before.

    Outputs come in blocks of ``n``: the first window of a block is summed directly, the others by a
    running sum (add the newest, drop the oldest), so each value carries the rounding of at most ``2n``
    additions and sums of integers stay exact. A block whose running sum ends non-finite (a NaN or inf
    entered it) is redone with direct sums, so a NaN or inf leaves the sum as soon as it leaves the window.
    """
    size = x.shape[0]
    for t in range(min(n - 1, size)):
        out[t] = np.nan
    for first in range(n - 1, size, n):
        last = min(first + n, size)
        s = 0.0
        for j in range(first - n + 1, first + 1):
            s += x[j]
        out[first] = s / divisor
        # Views with non-negative indices let the compiler drop negative-index checks (~25% faster).
        newest = x[first + 1 : last]
        oldest = x[first + 1 - n : last - n]
        dest = out[first + 1 : last]
        for k in range(last - first - 1):
            s += newest[k] - oldest[k]
            dest[k] = s / divisor
        if not math.isfinite(s):
            for t in range(first + 1, last):
                d = 0.0
                for j in range(t - n + 1, t + 1):
                    d += x[j]
                out[t] = d / divisor
    return out


@_jit
def exp_smoothing(x, alpha, seed_index, seed, out):  # pragma: no cover - compiled; tested through py_func
    """``s[t] = (x[t] - s[t-1]) * alpha + s[t-1]`` from ``s[seed_index] = seed`` (TA-Lib's EMA step)."""
    size = x.shape[0]
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
def wilder_smoothing(x, period, seed_index, seed, out):  # pragma: no cover - compiled; tested through py_func
    """``s[t] = (s[t-1] * (period - 1) + x[t]) / period`` from ``s[seed_index] = seed`` (TA-Lib's ATR step)."""
    size = x.shape[0]
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
def wilder_rsi(close, period, out):  # pragma: no cover - compiled; tested through py_func
    """Wilder RSI; first value at ``period``; 0 when both averages are ~0 (TA-Lib: |sum| < 1e-8).

    Wilder's averages are ``avg[t] = avg[t-1] * (n-1)/n + x[t]/n``. The factor 1/n scales gains and losses
    alike and cancels in the ratio, so the recurrence runs on ``z[t] = z[t-1] * (1 - 1/n) + x[t]`` (z = n *
    avg): one multiply and one add per step instead of TA-Lib's multiply, add and divide, which keeps the
    loop-carried chain short. Agrees with TA-Lib to ~1e-13 relative; the ~0 test is scaled by n.
    """
    size = close.shape[0]
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
    zero = 1e-8 * period
    total = gain + loss
    out[period] = 100.0 * (gain / total) if not (-zero < total < zero) else 0.0
    c = 1.0 - 1.0 / period
    for t in range(period + 1, size):
        change = close[t] - close[t - 1]
        up = change if change > 0.0 else 0.0
        down = -change if change < 0.0 else 0.0
        gain = gain * c + up
        loss = loss * c + down
        total = gain + loss
        out[t] = 100.0 * (gain / total) if not (-zero < total < zero) else 0.0
    return out


KERNELS = (rolling_sum, exp_smoothing, wilder_smoothing, wilder_rsi)


def warm_up() -> None:
    """Compile (or load from the numba cache) every kernel on a tiny input."""
    x = np.arange(8, dtype=np.float64) + 1.0
    rolling_sum(x, 3, 3.0, np.empty(8))
    exp_smoothing(x, 0.5, 2, 1.0, np.empty(8))
    wilder_smoothing(x, 3, 2, 1.0, np.empty(8))
    wilder_rsi(x, 3, np.empty(8))
