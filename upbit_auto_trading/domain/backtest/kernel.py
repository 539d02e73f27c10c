"""The bar-by-bar state machine of the fill model, compiled with numba when available.

Written as plain Python over numpy arrays so it runs uncompiled too (``run_chunk_python``); numba turns it
into machine code (``cache=True``: compiled once per machine, then loaded from ``__pycache__``). The rules
are described in docs/backtest-model.md; each block below names the rule it implements.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from upbit_auto_trading.domain.backtest.codes import (
    P_COOLDOWN,
    P_EXIT_ENABLED,
    P_FEE,
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

# numba is imported, and the kernel compiled (or loaded from numba's cache), on first use only: importing
# numba costs a quarter of a second that no start-up should pay. Without numba the same code runs as Python.
_compile_lock = threading.Lock()
_compiled_run_chunk = None


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


def _round_price_py(price: float, up: bool, tick_on: bool, lo: np.ndarray, sz: np.ndarray) -> float:
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


def _floor_step_py(qty: float, step: float) -> float:
    if step <= 0.0:
        return qty
    return math.floor(qty / step) * step


# The kernel calls these through module globals; compiled_run_chunk() swaps in the compiled versions.
_round_price = _round_price_py
_floor_step = _floor_step_py


def _record_fill_py(
    f_bar: np.ndarray,
    f_reason: np.ndarray,
    f_price: np.ndarray,
    f_qty: np.ndarray,
    f_fee: np.ndarray,
    f_trade: np.ndarray,
    nf: int,
    bar: int,
    reason: int,
    price: float,
    qty: float,
    fee_paid: float,
    trade: int,
) -> int:
    """Append one fill to the output arrays; returns the new fill count."""
    f_bar[nf] = bar
    f_reason[nf] = reason
    f_price[nf] = price
    f_qty[nf] = qty
    f_fee[nf] = fee_paid
    f_trade[nf] = trade
    return nf + 1


def _sell_all_py(
    s: np.ndarray,
    i: int,
    price: float,
    fee: float,
    reason: int,
    nf: int,
    f_bar: np.ndarray,
    f_reason: np.ndarray,
    f_price: np.ndarray,
    f_qty: np.ndarray,
    f_fee: np.ndarray,
    f_trade: np.ndarray,
) -> int:
    """Close the whole position at ``price`` (fee on the proceeds) and record the fill."""
    qty = s[S_QTY]
    f = qty * price * fee
    s[S_CASH] += qty * price - f
    s[S_QTY] = 0.0
    s[S_LAST_EXIT] = i
    return _record_fill(
        f_bar, f_reason, f_price, f_qty, f_fee, f_trade, nf, i, reason, price, qty, f, int(s[S_TRADE])
    )


_record_fill = _record_fill_py
_sell_all = _sell_all_py


def run_chunk_python(
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
    """Simulate bars ``begin..end-1``; returns the number of fills written to the ``f_*`` buffers."""
    nf = 0
    fee = p[P_FEE]
    slip = p[P_SLIP]
    tick_on = p[P_TICK] > 0.0
    min_order = p[P_MIN_ORDER]
    step = p[P_QTY_STEP]
    sl = p[P_SL]
    tp = p[P_TP]
    trail_act = p[P_TRAIL_ACT]
    trail = p[P_TRAIL]
    part_profit = p[P_PART_PROFIT]
    part_sell = p[P_PART_SELL]
    pyr_max = p[P_PYR_MAX]
    scale_max = p[P_SCALE_MAX]
    time_n = p[P_TIME_N]
    use_exit = p[P_EXIT_ENABLED] > 0.0
    priority = p[P_POLICY] > 0.0
    has_sl = not math.isnan(sl)
    has_tp = not math.isnan(tp)
    has_trail = not math.isnan(trail_act)
    has_part = not math.isnan(part_profit)

    for i in range(begin, end):
        # ---- Rule 2: an order decided on the previous close fills at this candle's open (+ slippage).
        pending = int(s[S_PENDING])
        s[S_PENDING] = 0.0
        if pending == _ENTRY and s[S_QTY] == 0.0:
            price = _round_price(o[i] * (1.0 + slip), True, tick_on, tick_lo, tick_sz)
            cash = s[S_CASH]
            if p[P_SIZE_MODE] == 0.0:
                total = min(p[P_SIZE_VALUE], cash / (1.0 + fee))
            else:
                total = cash * p[P_SIZE_VALUE] / (1.0 + fee)
            qty = _floor_step(total / price, step)
            total = qty * price
            if qty <= 0.0 or (min_order > 0.0 and total < min_order):
                s[S_REFUSED] += 1.0
            else:
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
                nf = _record_fill(
                    f_bar,
                    f_reason,
                    f_price,
                    f_qty,
                    f_fee,
                    f_trade,
                    nf,
                    i,
                    _ENTRY,
                    price,
                    qty,
                    f,
                    int(s[S_TRADE]),
                )
        elif (pending == _PYR or pending == _SCALE) and s[S_QTY] > 0.0:
            price = _round_price(o[i] * (1.0 + slip), True, tick_on, tick_lo, tick_sz)
            cash = s[S_CASH]
            frac = p[P_PYR_SIZE] if pending == _PYR else p[P_SCALE_SIZE]
            total = min(s[S_ENTRY_COST] * frac, cash / (1.0 + fee))
            qty = _floor_step(total / price, step)
            total = qty * price
            if pending == _PYR:
                s[S_NPYR] += 1.0
            else:
                s[S_NSCALE] += 1.0
            if qty <= 0.0 or (min_order > 0.0 and total < min_order):
                s[S_REFUSED] += 1.0
            else:
                f = total * fee
                held = s[S_QTY]
                s[S_CASH] = cash - total - f
                s[S_AVG] = (s[S_AVG] * held + price * qty) / (held + qty)
                s[S_QTY] = held + qty
                s[S_LAST_BUY] = price
                s[S_HIGHEST] = price
                s[S_TRAIL_ON] = 0.0
                nf = _record_fill(
                    f_bar,
                    f_reason,
                    f_price,
                    f_qty,
                    f_fee,
                    f_trade,
                    nf,
                    i,
                    pending,
                    price,
                    qty,
                    f,
                    int(s[S_TRADE]),
                )
        elif (pending == _EXIT_SIG or pending == _TIME) and s[S_QTY] > 0.0:
            price = _round_price(o[i] * (1.0 - slip), False, tick_on, tick_lo, tick_sz)
            nf = _sell_all(s, i, price, fee, pending, nf, f_bar, f_reason, f_price, f_qty, f_fee, f_trade)

        # ---- Rules 3-6: price levels inside the candle (stop first, gaps fill at the open).
        if s[S_QTY] > 0.0:
            avg = s[S_AVG]
            stop_lvl = -1.0
            stop_reason = 0
            if has_sl:
                stop_lvl = _round_price(avg * (1.0 - sl), False, tick_on, tick_lo, tick_sz)
                stop_reason = _STOP
            if has_trail and s[S_TRAIL_ON] > 0.0:
                tl = _round_price(s[S_HIGHEST] * (1.0 - trail), False, tick_on, tick_lo, tick_sz)
                if tl > stop_lvl:
                    stop_lvl = tl
                    stop_reason = _TRAIL
            tp_lvl = math.inf
            if has_tp:
                tp_lvl = _round_price(avg * (1.0 + tp), True, tick_on, tick_lo, tick_sz)
            part_lvl = math.inf
            if has_part and s[S_PART_DONE] == 0.0:
                part_lvl = _round_price(avg * (1.0 + part_profit), True, tick_on, tick_lo, tick_sz)

            for phase in range(2):
                # phase 0: the open (a gap through a level fills at the open); phase 1: inside the candle.
                if s[S_QTY] <= 0.0:
                    break
                down_hit = o[i] <= stop_lvl if phase == 0 else lo_[i] <= stop_lvl
                if stop_reason != 0 and down_hit:
                    if phase == 0:
                        price = _round_price(o[i] * (1.0 - slip), False, tick_on, tick_lo, tick_sz)
                    else:
                        price = _round_price(stop_lvl * (1.0 - slip), False, tick_on, tick_lo, tick_sz)
                    nf = _sell_all(
                        s, i, price, fee, stop_reason, nf, f_bar, f_reason, f_price, f_qty, f_fee, f_trade
                    )
                    break
                top = o[i] if phase == 0 else h[i]
                if s[S_PART_DONE] == 0.0 and top >= part_lvl:
                    price = o[i] if phase == 0 else part_lvl
                    s[S_PART_DONE] = 1.0
                    held = s[S_QTY]
                    qty = _floor_step(held * part_sell, step)
                    if qty >= held:
                        qty = held
                    if qty <= 0.0 or (min_order > 0.0 and qty * price < min_order):
                        s[S_REFUSED] += 1.0
                    else:
                        f = qty * price * fee
                        s[S_CASH] += qty * price - f
                        s[S_QTY] = held - qty
                        if s[S_QTY] <= 0.0:
                            s[S_QTY] = 0.0
                            s[S_LAST_EXIT] = i
                        nf = _record_fill(
                            f_bar,
                            f_reason,
                            f_price,
                            f_qty,
                            f_fee,
                            f_trade,
                            nf,
                            i,
                            _PARTIAL,
                            price,
                            qty,
                            f,
                            int(s[S_TRADE]),
                        )
                if s[S_QTY] > 0.0 and top >= tp_lvl:
                    price = o[i] if phase == 0 else tp_lvl
                    nf = _sell_all(s, i, price, fee, _TP, nf, f_bar, f_reason, f_price, f_qty, f_fee, f_trade)

        # ---- Rule 5: the highest price since the last buy (used from the next candle on).
        if s[S_QTY] > 0.0 and has_trail:
            if h[i] > s[S_HIGHEST]:
                s[S_HIGHEST] = h[i]
            if s[S_HIGHEST] >= s[S_AVG] * (1.0 + trail_act):
                s[S_TRAIL_ON] = 1.0

        # ---- Rules 1, 7-10: decisions on the closed candle, filled at the next open.
        if s[S_QTY] > 0.0:
            best_exit = 0
            best_exit_rank = 1e18
            best_add = 0
            best_add_rank = 1e18
            if use_exit and exit_[i]:
                best_exit = _EXIT_SIG
                best_exit_rank = p[P_RANK_EXIT]
            if time_n > 0.0 and (i - s[S_ENTRY_BAR] + 1.0) >= time_n and p[P_RANK_TIME] < best_exit_rank:
                best_exit = _TIME
                best_exit_rank = p[P_RANK_TIME]
            if s[S_NPYR] < pyr_max and c[i] <= s[S_AVG] * (1.0 - p[P_PYR_DROP]):
                best_add = _PYR
                best_add_rank = p[P_RANK_PYR]
            if (
                s[S_NSCALE] < scale_max
                and c[i] >= s[S_LAST_BUY] * (1.0 + p[P_SCALE_RISE])
                and p[P_RANK_SCALE] < best_add_rank
            ):
                best_add = _SCALE
                best_add_rank = p[P_RANK_SCALE]
            if best_exit != 0 and (not priority or best_exit_rank < best_add_rank):
                s[S_PENDING] = best_exit
            elif best_add != 0:
                s[S_PENDING] = best_add
        elif entry[i] and (i - s[S_LAST_EXIT]) >= p[P_COOLDOWN]:
            s[S_PENDING] = _ENTRY

        # ---- Rule 11: equity marked at the close (open position valued at the close, no exit fee).
        equity[i] = s[S_CASH] + s[S_QTY] * c[i]
        qty_out[i] = s[S_QTY]
    return nf


def compiled_run_chunk():  # noqa: ANN201 - a numba dispatcher or the Python function
    """The kernel compiled with numba (``cache=True``, ``nogil=True``), or the Python one without numba."""
    global _compiled_run_chunk, _round_price, _floor_step, _record_fill, _sell_all
    with _compile_lock:
        if _compiled_run_chunk is None:
            try:
                import numba
            except ImportError:  # pragma: no cover - exercised only where numba is missing
                _compiled_run_chunk = run_chunk_python
            else:
                jit = numba.njit(cache=True, nogil=True)
                _round_price = jit(_round_price_py)
                _floor_step = jit(_floor_step_py)
                _record_fill = jit(_record_fill_py)
                _sell_all = jit(_sell_all_py)
                _compiled_run_chunk = jit(run_chunk_python)
        return _compiled_run_chunk


def run_chunk(*args):  # noqa: ANN002, ANN201 - same signature as run_chunk_python
    return compiled_run_chunk()(*args)
