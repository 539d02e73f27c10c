"""The bar-by-bar state machine of the fill model, compiled with numba when available.

Written as plain Python over numpy arrays so it runs uncompiled too (``run_chunk_python``); numba turns it
into machine code (``cache=True``: compiled once per machine, then loaded from ``__pycache__``). The rules
are described in docs/backtest-model.md; each function names the rules it implements.

One source, two separate sets of functions. The functions of this module are the Python path: they call
each other by their module names, which are never rebound. ``compiled_run_chunk()`` compiles copies of them
into a namespace of their own (``_compile``), where the same names refer to the compiled copies. So
``run_chunk_python`` runs Python all the way down even after the kernel was compiled, and the parity test
(tests/unit/backtest/test_backtest_kernel_paths.py) really compares numba with the interpreter.

Every function here must stay compilable by numba in nopython mode: numpy arrays, floats, ints, bools and
tuples of them only; fill buffers travel as one tuple of six arrays (``Fills``).
"""

from __future__ import annotations

import math
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from upbit_auto_trading.domain.backtest.codes import (
    P_COOLDOWN,
    P_EXIT_ENABLED,
    P_FEE,
    P_INTRABAR,
    P_MIN_ORDER,
    P_PART_PROFIT,
    P_PART_SELL,
    P_POLICY,
    P_PYR_DROP,
    P_PYR_MAX,
    P_PYR_SIZE,
    P_QTY_STEP,
    P_RANK_EXIT,
    P_RANK_PYR,
    P_RANK_SCALE,
    P_RANK_TIME,
    P_SCALE_MAX,
    P_SCALE_RISE,
    P_SCALE_SIZE,
    P_SIZE_MODE,
    P_SIZE_VALUE,
    P_SL,
    P_SLIP,
    P_TICK,
    P_TIME_N,
    P_TP,
    P_TRAIL,
    P_TRAIL_ACT,
    S_AMBIGUOUS,
    S_AVG,
    S_CASH,
    S_ENTRY_BAR,
    S_ENTRY_COST,
    S_HIGHEST,
    S_LAST_BUY,
    S_LAST_EXIT,
    S_NPYR,
    S_NSCALE,
    S_PART_DONE,
    S_PENDING,
    S_QTY,
    S_REFUSED,
    S_TRADE,
    S_TRAIL_ON,
)

Fills = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""The fill output buffers: bar, reason, price, quantity, fee, trade number."""


# numba is imported, and the kernel compiled (or loaded from numba's cache), on first use only: importing
# numba costs a quarter of a second that no start-up should pay. Without numba the same code runs as Python.
_compile_lock = threading.Lock()
_compiled_run_chunk: Callable[..., int] | None = None


# Reason codes (mirror FillReason; numba wants plain ints).
_ENTRY = 1
_PYR = 2
_SCALE = 3
_STOP = 4
_TP = 5
_TRAIL = 6
_PARTIAL = 7
_EXIT_SIG = 8
_TIME = 9


# ---- Rules 13 and 14: the exchange's grid, minimum and fees.


def round_price(price: float, up: bool, tick_on: bool, lo: np.ndarray, sz: np.ndarray) -> float:
    """Move ``price`` onto the tick grid: up for buys, down for sells (never in the trader's favour)."""
    if not tick_on:
        return price
    tick = sz[sz.shape[0] - 1]
    for k in range(lo.shape[0]):
        if price >= lo[k]:
            tick = sz[k]
            break
    q = price / tick
    if up:
        r = math.ceil(q - 1e-9)
    else:
        r = math.floor(q + 1e-9)
    return r * tick


def _on_tick(price: float, up: bool, p: np.ndarray, tick_lo: np.ndarray, tick_sz: np.ndarray) -> float:
    """``round_price`` when the parameters ask for the tick table."""
    return round_price(price, up, p[P_TICK] > 0.0, tick_lo, tick_sz)


def _floor_step(qty: float, step: float) -> float:
    if step <= 0.0:
        return qty
    return math.floor(qty / step) * step


def _refused(qty: float, total: float, min_order: float) -> bool:
    """Nothing left after rounding the quantity, or an order total below the exchange's minimum."""
    return qty <= 0.0 or (min_order > 0.0 and total < min_order)


# ---- Fills.


def _record_fill(
    fills: Fills, nf: int, bar: int, reason: int, price: float, qty: float, fee_paid: float, trade: int
) -> int:
    """Append one fill to the output buffers; returns the new fill count."""
    f_bar, f_reason, f_price, f_qty, f_fee, f_trade = fills
    f_bar[nf] = bar
    f_reason[nf] = reason
    f_price[nf] = price
    f_qty[nf] = qty
    f_fee[nf] = fee_paid
    f_trade[nf] = trade
    return nf + 1


def _sell_all(s: np.ndarray, i: int, price: float, fee: float, reason: int, fills: Fills, nf: int) -> int:
    """Close the whole position at ``price`` (fee on the proceeds) and record the fill."""
    qty = s[S_QTY]
    f = qty * price * fee
    s[S_CASH] += qty * price - f
    s[S_QTY] = 0.0
    s[S_LAST_EXIT] = i
    return _record_fill(fills, nf, i, reason, price, qty, f, int(s[S_TRADE]))


def _stop_out(
    s: np.ndarray, i: int, base: float, reason: int, p: np.ndarray, tick_lo: np.ndarray, tick_sz: np.ndarray,
    fills: Fills, nf: int,
) -> int:  # fmt: skip
    """Rules 3 and 5: a stop (fixed or trailing) is a stop-market order: ``base`` less the slippage, rounded
    down to the tick, for the whole position."""
    price = _on_tick(base * (1.0 - p[P_SLIP]), False, p, tick_lo, tick_sz)
    return _sell_all(s, i, price, p[P_FEE], reason, fills, nf)


def _open_position(s: np.ndarray, i: int, price: float, p: np.ndarray, fills: Fills, nf: int) -> int:
    """Rule 2, entry: buy a fixed amount or a share of the cash (the fee on top); a new trade starts."""
    fee = p[P_FEE]
    cash = s[S_CASH]
    if p[P_SIZE_MODE] == 0.0:
        total = min(p[P_SIZE_VALUE], cash / (1.0 + fee))
    else:
        total = cash * p[P_SIZE_VALUE] / (1.0 + fee)
    qty = _floor_step(total / price, p[P_QTY_STEP])
    total = qty * price
    if _refused(qty, total, p[P_MIN_ORDER]):
        s[S_REFUSED] += 1.0
        return nf
    f = total * fee
    s[S_CASH] = cash - total - f
    s[S_QTY] = qty
    s[S_AVG] = price
    s[S_LAST_BUY] = price
    s[S_HIGHEST] = price
    s[S_TRAIL_ON] = 0.0
    s[S_NPYR] = 0.0
    s[S_NSCALE] = 0.0
    s[S_PART_DONE] = 0.0
    s[S_ENTRY_BAR] = i
    s[S_ENTRY_COST] = total
    s[S_TRADE] += 1.0
    return _record_fill(fills, nf, i, _ENTRY, price, qty, f, int(s[S_TRADE]))


def _add_to_position(
    s: np.ndarray, i: int, price: float, reason: int, p: np.ndarray, fills: Fills, nf: int
) -> int:
    """Rules 7 and 8: a pyramid or scale-in buy of a share of the entry's cost; a refused one still counts
    towards the maximum number of adds. The trailing stop starts over from this buy."""
    fee = p[P_FEE]
    cash = s[S_CASH]
    frac = p[P_PYR_SIZE] if reason == _PYR else p[P_SCALE_SIZE]
    total = min(s[S_ENTRY_COST] * frac, cash / (1.0 + fee))
    qty = _floor_step(total / price, p[P_QTY_STEP])
    total = qty * price
    if reason == _PYR:
        s[S_NPYR] += 1.0
    else:
        s[S_NSCALE] += 1.0
    if _refused(qty, total, p[P_MIN_ORDER]):
        s[S_REFUSED] += 1.0
        return nf
    f = total * fee
    held = s[S_QTY]
    s[S_CASH] = cash - total - f
    s[S_AVG] = (s[S_AVG] * held + price * qty) / (held + qty)
    s[S_QTY] = held + qty
    s[S_LAST_BUY] = price
    s[S_HIGHEST] = price
    s[S_TRAIL_ON] = 0.0
    return _record_fill(fills, nf, i, reason, price, qty, f, int(s[S_TRADE]))


def _sell_part(s: np.ndarray, i: int, price: float, p: np.ndarray, fills: Fills, nf: int) -> int:
    """Rule 6: sell a share of the holding, once per position (tried once even when refused)."""
    s[S_PART_DONE] = 1.0
    held = s[S_QTY]
    qty = _floor_step(held * p[P_PART_SELL], p[P_QTY_STEP])
    if qty >= held:
        qty = held
    if _refused(qty, qty * price, p[P_MIN_ORDER]):
        s[S_REFUSED] += 1.0
        return nf
    f = qty * price * p[P_FEE]
    s[S_CASH] += qty * price - f
    s[S_QTY] = held - qty
    if s[S_QTY] <= 0.0:
        s[S_QTY] = 0.0
        s[S_LAST_EXIT] = i
    return _record_fill(fills, nf, i, _PARTIAL, price, qty, f, int(s[S_TRADE]))


# ---- One candle, in the order of docs/backtest-model.md.


def _fill_pending(
    s: np.ndarray, i: int, open_: float, p: np.ndarray, tick_lo: np.ndarray, tick_sz: np.ndarray,
    fills: Fills, nf: int,
) -> int:  # fmt: skip
    """Rule 2: an order decided on the previous close fills at this candle's open (+ slippage)."""
    pending = int(s[S_PENDING])
    s[S_PENDING] = 0.0
    if pending == _ENTRY and s[S_QTY] == 0.0:
        price = _on_tick(open_ * (1.0 + p[P_SLIP]), True, p, tick_lo, tick_sz)
        return _open_position(s, i, price, p, fills, nf)
    if (pending == _PYR or pending == _SCALE) and s[S_QTY] > 0.0:
        price = _on_tick(open_ * (1.0 + p[P_SLIP]), True, p, tick_lo, tick_sz)
        return _add_to_position(s, i, price, pending, p, fills, nf)
    if (pending == _EXIT_SIG or pending == _TIME) and s[S_QTY] > 0.0:
        price = _on_tick(open_ * (1.0 - p[P_SLIP]), False, p, tick_lo, tick_sz)
        return _sell_all(s, i, price, p[P_FEE], pending, fills, nf)
    return nf


def run_chunk_python(  # noqa: C901 - the numba kernel: split as far as inlining keeps it fast
    begin: int,
    end: int,
    o: np.ndarray,
    h: np.ndarray,
    lo_: np.ndarray,
    c: np.ndarray,
    entry: np.ndarray,
    exit_: np.ndarray,
    p: np.ndarray,
    tick_lo: np.ndarray,
    tick_sz: np.ndarray,
    s: np.ndarray,
    equity: np.ndarray,
    qty_out: np.ndarray,
    f_bar: np.ndarray,
    f_reason: np.ndarray,
    f_price: np.ndarray,
    f_qty: np.ndarray,
    f_fee: np.ndarray,
    f_trade: np.ndarray,
) -> int:
    """Simulate bars ``begin..end-1``; returns the number of fills written to the ``f_*`` buffers.

    The checks made on every candle stay in this loop; only what they trigger (a fill) is a helper. Compiled
    code increfs and decrefs (atomically) each array it hands to a function, inlined or not, and on every
    candle that costs more than the checks: with the checks in helpers the kernel ran 5-20x slower
    (docs/benchmarks.md, "Backtest engine")."""
    fills = (f_bar, f_reason, f_price, f_qty, f_fee, f_trade)
    fee = p[P_FEE]
    tick_on = p[P_TICK] > 0.0
    sl = p[P_SL]
    tp = p[P_TP]
    trail_act = p[P_TRAIL_ACT]
    trail = p[P_TRAIL]
    part_profit = p[P_PART_PROFIT]
    has_sl = not math.isnan(sl)
    has_tp = not math.isnan(tp)
    has_trail = not math.isnan(trail_act)
    has_part = not math.isnan(part_profit)
    has_levels = has_sl or has_tp or has_trail or has_part
    use_exit = p[P_EXIT_ENABLED] > 0.0
    time_n = p[P_TIME_N]
    priority = p[P_POLICY] > 0.0
    tp_first = p[P_INTRABAR] > 0.0
    nf = 0
    for i in range(begin, end):
        # ---- Rule 2: an order decided on the previous close fills at this candle's open (+ slippage).
        if s[S_PENDING] != 0.0:
            nf = _fill_pending(s, i, o[i], p, tick_lo, tick_sz, fills, nf)

        # ---- Rules 3-6: the position's levels on the tick grid (stops down, profits up; off = never hit).
        if has_levels and s[S_QTY] > 0.0:
            avg = s[S_AVG]
            stop_lvl = -1.0
            stop_reason = 0
            if has_sl:
                stop_lvl = round_price(avg * (1.0 - sl), False, tick_on, tick_lo, tick_sz)
                stop_reason = _STOP
            if has_trail and s[S_TRAIL_ON] > 0.0:  # the higher stop wins
                trail_lvl = round_price(s[S_HIGHEST] * (1.0 - trail), False, tick_on, tick_lo, tick_sz)
                if trail_lvl > stop_lvl:
                    stop_lvl = trail_lvl
                    stop_reason = _TRAIL
            tp_lvl = round_price(avg * (1.0 + tp), True, tick_on, tick_lo, tick_sz) if has_tp else math.inf
            part_lvl = math.inf
            if has_part and s[S_PART_DONE] == 0.0:
                part_lvl = round_price(avg * (1.0 + part_profit), True, tick_on, tick_lo, tick_sz)

            # Touched at the open first (a gap through a level fills at the open), then inside the candle
            # (a level fills at the level). Both a stop and a profit level inside the candle: the intrabar
            # order decides (rule 4; stop first unless the settings say take-profit first).
            for phase in range(2):
                if s[S_QTY] <= 0.0:
                    break
                at_open = phase == 0
                low = o[i] if at_open else lo_[i]
                high = o[i] if at_open else h[i]
                stop_hit = stop_reason != 0 and low <= stop_lvl
                stop_at = o[i] if at_open else stop_lvl
                part_hit = s[S_PART_DONE] == 0.0 and high >= part_lvl
                if stop_hit and not at_open and (part_hit or high >= tp_lvl):
                    s[S_AMBIGUOUS] += 1.0
                if stop_hit and not tp_first:
                    nf = _stop_out(s, i, stop_at, stop_reason, p, tick_lo, tick_sz, fills, nf)
                    break
                if part_hit:
                    nf = _sell_part(s, i, o[i] if at_open else part_lvl, p, fills, nf)
                if s[S_QTY] > 0.0 and high >= tp_lvl:
                    nf = _sell_all(s, i, o[i] if at_open else tp_lvl, fee, _TP, fills, nf)
                if stop_hit and s[S_QTY] > 0.0:  # take-profit first: the stop takes what the profits left
                    nf = _stop_out(s, i, stop_at, stop_reason, p, tick_lo, tick_sz, fills, nf)
                    break

        # ---- Rule 5: the highest price since the last buy arms the trailing stop (from the next candle).
        if has_trail and s[S_QTY] > 0.0:
            if h[i] > s[S_HIGHEST]:
                s[S_HIGHEST] = h[i]
            if s[S_HIGHEST] >= s[S_AVG] * (1.0 + trail_act):
                s[S_TRAIL_ON] = 1.0

        # ---- Rules 1, 7-10, 12: the one order decided on the closed candle, filled at the next open.
        if s[S_QTY] > 0.0:
            exit_reason = 0  # rules 1 and 9: the better-ranked exit (ranks: lower wins)
            exit_rank = 1e18
            if use_exit and exit_[i]:
                exit_reason = _EXIT_SIG
                exit_rank = p[P_RANK_EXIT]
            if time_n > 0.0 and (i - s[S_ENTRY_BAR] + 1.0) >= time_n and p[P_RANK_TIME] < exit_rank:
                exit_reason = _TIME
                exit_rank = p[P_RANK_TIME]
            add_reason = 0  # rules 7 and 8: the better-ranked buy-more
            add_rank = 1e18
            if s[S_NPYR] < p[P_PYR_MAX] and c[i] <= s[S_AVG] * (1.0 - p[P_PYR_DROP]):
                add_reason = _PYR
                add_rank = p[P_RANK_PYR]
            if (
                s[S_NSCALE] < p[P_SCALE_MAX]
                and c[i] >= s[S_LAST_BUY] * (1.0 + p[P_SCALE_RISE])
                and p[P_RANK_SCALE] < add_rank
            ):
                add_reason = _SCALE
                add_rank = p[P_RANK_SCALE]
            # rule 12: the conservative policy lets any exit win, the priority policy the lower rank
            if exit_reason != 0 and (not priority or exit_rank < add_rank):
                s[S_PENDING] = exit_reason
            elif add_reason != 0:
                s[S_PENDING] = add_reason
        elif entry[i] and (i - s[S_LAST_EXIT]) >= p[P_COOLDOWN]:  # rule 10: the cooldown after an exit
            s[S_PENDING] = _ENTRY

        # ---- Rule 11: equity marked at the close (an open position valued at the close, no exit fee).
        equity[i] = s[S_CASH] + s[S_QTY] * c[i]
        qty_out[i] = s[S_QTY]
    return nf


_KERNEL_FUNCTIONS = (
    round_price,
    _on_tick,
    _floor_step,
    _refused,
    _record_fill,
    _sell_all,
    _stop_out,
    _open_position,
    _add_to_position,
    _sell_part,
    _fill_pending,
    run_chunk_python,
)
"""Every function ``run_chunk_python`` reaches: the compiled kernel gets a compiled copy of each."""


def _compile(numba: Any) -> Callable[..., int]:
    """Compiled copies of ``_KERNEL_FUNCTIONS`` in a namespace of their own, where each function's name is
    bound to its compiled copy; this module's names keep the Python functions. A function missing from the
    list stays Python in that namespace, and numba refuses to compile a call to it (a loud error, no
    silent mix). The helpers are inlined into the kernel (``inline="always"``): called, each fill paid for
    its call (the kernel was 1.5x slower on a run with a fill every 25 candles)."""
    jit = numba.njit(cache=True, nogil=True)
    inline = numba.njit(cache=True, nogil=True, inline="always")
    namespace = dict(globals())  # the constants the kernel reads (P_*, S_*, reason codes) and math
    for fn in _KERNEL_FUNCTIONS:
        twin = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
        twin.__qualname__ = fn.__qualname__  # numba's cache files are named after it
        namespace[fn.__name__] = jit(twin) if fn is run_chunk_python else inline(twin)
    compiled: Callable[..., int] = namespace[run_chunk_python.__name__]
    return compiled


def compiled_run_chunk() -> Callable[..., int]:
    """The kernel compiled with numba (``cache=True``, ``nogil=True``), or the Python one without numba."""
    global _compiled_run_chunk
    with _compile_lock:
        if _compiled_run_chunk is None:
            try:
                import numba
            except ImportError:  # pragma: no cover - exercised only where numba is missing
                _compiled_run_chunk = run_chunk_python
            else:
                _compiled_run_chunk = _compile(numba)
        return _compiled_run_chunk


def run_chunk(*args: Any) -> int:
    """``run_chunk_python``'s signature, compiled."""
    return compiled_run_chunk()(*args)
