"""Building blocks: sliding-window sums and extremes, exponential and Wilder smoothing.

Window extremes are loop-free numpy (van Herk / Gil-Werman); sums and the recurrences call the numba
kernels of ``_compiled``, imported on first use. Every function takes and returns float64 numpy arrays of
the same length as its input; positions before a full window are NaN. Nothing here looks at a later element than the one it writes.
"""

from __future__ import annotations

import numpy as np


def as_float(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


def _blocked(x: np.ndarray, n: int, fill: float) -> np.ndarray:
    m = -(-x.shape[0] // n)
    padded = np.full(m * n, fill, dtype=np.float64)
    padded[: x.shape[0]] = x
    return padded.reshape(m, n)


def _window_reduce(x: np.ndarray, n: int, accumulate: np.ufunc, fill: float) -> np.ndarray:
    """Reduce each window ``x[t-n+1 .. t]`` with an associative ufunc (van Herk / Gil-Werman scheme).

    The series is cut into blocks of ``n``; a window is the suffix of one block joined with the prefix
    of the next, so each output combines at most ``n`` inputs (used for the window max and min).
    """
    x = as_float(x)
    size = x.shape[0]
    out = np.full(size, np.nan)
    if n < 1 or size < n:
        return out
    if n == 1:
        out[:] = x
        return out
    blocks = _blocked(x, n, fill)
    prefix = accumulate.accumulate(blocks, axis=1)
    suffix = accumulate.accumulate(blocks[:, ::-1], axis=1)[:, ::-1]
    # window ending at (b, j) = prefix[b, j] (+) suffix[b-1, j+1]; for j == n-1 it is prefix[b, n-1].
    shifted = np.full_like(suffix, fill)
    shifted[:, :-1] = suffix[:, 1:]
    combined = prefix.copy()
    combined[1:] = accumulate(prefix[1:], shifted[:-1])
    flat = combined.reshape(-1)[:size]
    out[n - 1 :] = flat[n - 1 :]
    return out


def window_sum(x: np.ndarray, n: int, divisor: float = 1.0) -> np.ndarray:
    """``sum(x[t-n+1 .. t]) / divisor``; a running sum re-summed every ``n`` values (compiled kernel)."""
    x = as_float(x)
    if n < 1 or x.shape[0] < n:
        return np.full(x.shape[0], np.nan)
    return _compiled().rolling_sum(x, int(n), float(divisor), np.empty(x.shape[0]))


def window_max(x: np.ndarray, n: int) -> np.ndarray:
    return _window_reduce(x, n, np.maximum, -np.inf)


def window_min(x: np.ndarray, n: int) -> np.ndarray:
    return _window_reduce(x, n, np.minimum, np.inf)


def _compiled():
    """The numba kernels, imported on first use (keeps numba out of the application's import time)."""
    from upbit_auto_trading.domain.indicators import _compiled as compiled

    return compiled


def seeded_smoothing(x: np.ndarray, alpha: float, seed_index: int, seed: float) -> np.ndarray:
    """Exponential smoothing ``s[t] = (x[t] - s[t-1]) * alpha + s[t-1]`` started with ``s[seed_index] = seed``.

    NaN before ``seed_index`` (all NaN if ``seed_index`` is outside the series). Used for EMA (alpha = 2/(n+1)).
    """
    x = as_float(x)
    if seed_index < 0:
        return np.full(x.shape[0], np.nan)
    return _compiled().exp_smoothing(x, float(alpha), int(seed_index), float(seed), np.empty(x.shape[0]))


def wilder_smoothing(x: np.ndarray, period: int, seed_index: int, seed: float) -> np.ndarray:
    """Wilder smoothing ``s[t] = (s[t-1] * (period - 1) + x[t]) / period`` from ``s[seed_index] = seed``."""
    x = as_float(x)
    if seed_index < 0:
        return np.full(x.shape[0], np.nan)
    return _compiled().wilder_smoothing(x, int(period), int(seed_index), float(seed), np.empty(x.shape[0]))


def wilder_rsi(close: np.ndarray, period: int) -> np.ndarray:
    close = as_float(close)
    return _compiled().wilder_rsi(close, int(period), np.empty(close.shape[0]))


def shift(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` delayed by ``k`` positions (NaN in front)."""
    out = np.full(x.shape[0], np.nan)
    if k < x.shape[0]:
        out[k:] = x[: x.shape[0] - k]
    return out
