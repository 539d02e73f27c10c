"""Loop-free building blocks: sliding-window sums/extremes and the first-order linear recurrence.

Every function takes and returns float64 numpy arrays of the same length as its input; positions
before a full window are NaN. Nothing here looks at a later element than the one it writes.
"""

from __future__ import annotations

import numpy as np

_BLOCK = 64  # block length of the recurrence (64 measured fastest on 2 cores; see docs/indicators.md)


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
    of the next, so each output combines at most ``n`` inputs (sums keep the accuracy of a direct sum and
    sums of integers stay exact).
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


def window_sum(x: np.ndarray, n: int) -> np.ndarray:
    return _window_reduce(x, n, np.add, 0.0)


def window_max(x: np.ndarray, n: int) -> np.ndarray:
    return _window_reduce(x, n, np.maximum, -np.inf)


def window_min(x: np.ndarray, n: int) -> np.ndarray:
    return _window_reduce(x, n, np.minimum, np.inf)


def linear_recurrence(u: np.ndarray, c: float) -> np.ndarray:
    """``y[t] = c * y[t-1] + u[t]`` with ``y[-1] = 0``, loop-free.

    Blocks of ``_BLOCK`` are solved at once with a triangular matrix product; the carries between
    blocks obey the same recurrence with ``c ** _BLOCK`` and are solved the same way (recursively).
    ``u`` may be 2-D (several series sharing ``c``, one per row).
    """
    u = np.asarray(u, dtype=np.float64)
    if u.ndim == 1:
        return linear_recurrence(u[None, :], c)[0]
    rows, size = u.shape
    block = _BLOCK
    if size <= 2 * block:
        y = np.empty_like(u)
        acc = np.zeros(rows)
        for t in range(size):
            acc = c * acc + u[:, t]
            y[:, t] = acc
        return y
    m = -(-size // block)
    # Each row of `augmented` is one block of u plus, in the last column, the value carried in from the
    # previous block; one matrix product then yields every output: y = [u_block, carry] @ [[T], [c^(j+1)]].
    augmented = np.zeros((rows, m, block + 1))
    view = augmented[:, :, :block]
    tail = m * block - size
    if tail:
        view[:, :-1, :] = u[:, : (m - 1) * block].reshape(rows, m - 1, block)
        view[:, -1, : block - tail] = u[:, (m - 1) * block :]
    else:
        view[:] = u.reshape(rows, m, block)
    j = np.arange(block)
    lag = j[None, :] - j[:, None]
    transfer = np.empty((block + 1, block))
    transfer[:block] = np.where(lag >= 0, c ** np.maximum(lag, 0), 0.0)
    transfer[block] = c ** (j + 1)
    block_ends = view @ transfer[:block, -1]  # each block's last output with nothing carried in
    carry = linear_recurrence(np.ascontiguousarray(block_ends), c**block)
    augmented[:, 1:, block] = carry[:, :-1]
    out = (augmented.reshape(rows * m, block + 1) @ transfer).reshape(rows, m * block)
    return out[:, :size]


def seeded_smoothing(x: np.ndarray, alpha: float, seed_index: int, seed: float) -> np.ndarray:
    """Exponential smoothing ``s[t] = s[t-1] + alpha * (x[t] - s[t-1])`` started with ``s[seed_index] = seed``.

    NaN before ``seed_index``. Used for EMA (alpha = 2/(n+1)) and Wilder smoothing (alpha = 1/n).
    """
    x = as_float(x)
    out = np.full(x.shape[0], np.nan)
    if seed_index >= x.shape[0] or seed_index < 0:
        return out
    c = 1.0 - alpha
    u = alpha * x[seed_index + 1 :]
    if u.shape[0]:
        u[0] += c * seed
        out[seed_index + 1 :] = linear_recurrence(u, c)
    out[seed_index] = seed
    return out


def seeded_smoothing_pair(
    a: np.ndarray, b: np.ndarray, alpha: float, seed_index: int, seed_a: float, seed_b: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`seeded_smoothing` of two series with the same alpha in one pass (RSI gains and losses)."""
    size = a.shape[0]
    out = np.full((2, size), np.nan)
    if seed_index >= size or seed_index < 0:
        return out[0], out[1]
    c = 1.0 - alpha
    u = alpha * np.vstack([a[seed_index + 1 :], b[seed_index + 1 :]])
    if u.shape[1]:
        u[0, 0] += c * seed_a
        u[1, 0] += c * seed_b
        out[:, seed_index + 1 :] = linear_recurrence(u, c)
    out[0, seed_index] = seed_a
    out[1, seed_index] = seed_b
    return out[0], out[1]


def shift(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` delayed by ``k`` positions (NaN in front)."""
    out = np.full(x.shape[0], np.nan)
    if k < x.shape[0]:
        out[k:] = x[: x.shape[0] - k]
    return out
