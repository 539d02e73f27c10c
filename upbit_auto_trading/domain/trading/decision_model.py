"""The backtest's own state machine, advanced one closed candle at a time: the live engine's decisions.

The trading engine does not re-implement the strategy's rules. It feeds each closed candle, with the entry
and exit signals the trigger engine computed for it, into the very kernel the backtest runs
(``domain/backtest/kernel.py``), one candle per call. The kernel carries its state from call to call, so a
session's decisions are, by construction, the decisions of a backtest over the same candles with the same
settings (the kernel gives bit-identical results for any chunk size). The engine then turns those decisions
into real orders; see docs/trading-engine.md for where real orders may differ from the model's fills.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.engine import initial_state
from upbit_auto_trading.domain.backtest.kernel import round_price, run_chunk, run_chunk_python
from upbit_auto_trading.domain.backtest.rules import EngineRules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.backtest.ticks import krw_tick_arrays

_CLOSE_DECIDED = frozenset(
    {FillReason.ENTRY_SIGNAL, FillReason.PYRAMID, FillReason.SCALE_IN, FillReason.EXIT_SIGNAL, FillReason.TIME_EXIT}
)


@dataclass(frozen=True)
class ModelFill:
    """A fill of the model inside the candle just processed (same meaning as a backtest fill)."""

    reason: FillReason
    price: float
    quantity: float
    fee: float
    trade_no: int

    @property
    def is_buy(self) -> bool:
        return self.reason.is_buy

    @property
    def close_decided(self) -> bool:
        """Decided on the previous close and filled at this open (entry, add, exit signal, time exit)."""
        return self.reason in _CLOSE_DECIDED


@dataclass(frozen=True)
class Levels:
    """The intrabar levels armed on the model's position after a close (None: off or not armed).
    ``stop_reason`` tells whether ``stop`` is the fixed stop-loss or the trailing stop (higher wins)."""

    stop: float | None
    stop_reason: FillReason | None
    take_profit: float | None
    partial: float | None
    trailing_high: float | None
    trailing_active: bool


@dataclass(frozen=True)
class ModelStep:
    bar: int
    fills: tuple[ModelFill, ...]
    decision: FillReason | None  # an order decided on this close, to fill at the next open
    quantity: float
    average: float
    cash: float
    equity: float
    levels: Levels
    refused: int  # orders the model's broker rules refused so far (under the minimum, rounds to nothing)


class DecisionModel:
    """One market of one session. ``step`` takes candles in order; a candle may be fed only once."""

    def __init__(self, rules: EngineRules, settings: BacktestSettings, *, compiled: bool = False) -> None:
        self.rules = rules
        self.settings = settings
        self._params = rules.to_params(settings)
        self._tick_lo, self._tick_sz = krw_tick_arrays()
        self._state = initial_state(float(settings.initial_capital))
        self._kernel = run_chunk if compiled else run_chunk_python
        self._cap = 0
        self._n = 0
        self._o = self._h = self._l = self._c = np.empty(0)
        self._entry = self._exit = np.empty(0, dtype=bool)
        self._grow(256)

    @property
    def bars(self) -> int:
        return self._n

    @property
    def state(self) -> np.ndarray:
        return self._state.copy()

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        cap = max(need, self._cap * 2)

        def bigger(a: np.ndarray, dtype: type) -> np.ndarray:
            out: np.ndarray = np.zeros(cap, dtype=dtype)
            out[: self._n] = a[: self._n]
            return out

        self._o, self._h = bigger(self._o, np.float64), bigger(self._h, np.float64)
        self._l, self._c = bigger(self._l, np.float64), bigger(self._c, np.float64)
        self._entry, self._exit = bigger(self._entry, np.bool_), bigger(self._exit, np.bool_)
        self._cap = cap

    def step(self, o: float, h: float, lo: float, c: float, entry: bool, exit_: bool) -> ModelStep:
        """Process one closed candle: fills inside it (the previous decision at its open, then the levels),
        then the decision on its close."""
        for name, v in (("open", o), ("high", h), ("low", lo), ("close", c)):
            if not math.isfinite(v) or v <= 0:
                raise ValueError(f"candle {self._n} has an invalid {name} price ({v})")
        i = self._n
        self._grow(i + 1)
        self._o[i], self._h[i], self._l[i], self._c[i] = o, h, lo, c
        self._entry[i], self._exit[i] = entry, exit_
        self._n = i + 1
        equity = np.empty(self._n, dtype=np.float64)
        qty = np.empty(self._n, dtype=np.float64)
        fb, fr = np.empty(4, dtype=np.int64), np.empty(4, dtype=np.int64)
        fp, fq, ff = np.empty(4), np.empty(4), np.empty(4)
        ft = np.empty(4, dtype=np.int64)
        nf = self._kernel(i, i + 1, self._o, self._h, self._l, self._c, self._entry, self._exit, self._params,
                          self._tick_lo, self._tick_sz, self._state, equity, qty, fb, fr, fp, fq, ff, ft)  # fmt: skip
        fills = tuple(
            ModelFill(FillReason(int(fr[k])), float(fp[k]), float(fq[k]), float(ff[k]), int(ft[k]))
            for k in range(nf)
        )
        s = self._state
        pending = int(s[C.S_PENDING])
        return ModelStep(
            bar=i,
            fills=fills,
            decision=FillReason(pending) if pending else None,
            quantity=float(s[C.S_QTY]),
            average=float(s[C.S_AVG]),
            cash=float(s[C.S_CASH]),
            equity=float(equity[i]),
            levels=self.levels(),
            refused=int(s[C.S_REFUSED]),
        )

    def levels_after_buy(self, average: float, last_buy: float, *, entry: bool) -> Levels:
        """The levels once a buy decided on the last close has filled at ``last_buy`` (average ``average``):
        what the kernel will test for the rest of that candle. An entry starts a fresh position (no trailing,
        no partial taken); an add moves the average and restarts the trailing high from its price, exactly as
        the kernel does at the fill. Lets the watcher guard the fill candle itself (a stop can fire there)."""
        s = self._state.copy()
        if entry:
            s[C.S_PART_DONE] = 0.0
        s[C.S_QTY] = max(s[C.S_QTY], 1.0)
        s[C.S_AVG] = average
        s[C.S_HIGHEST] = last_buy
        s[C.S_TRAIL_ON] = 0.0
        return self._levels_of(s)

    def levels(self) -> Levels:
        """The levels the kernel will test inside the next candle (rules 3-6), computed the kernel's way."""
        return self._levels_of(self._state)

    def _levels_of(self, s: np.ndarray) -> Levels:
        p = self._params
        if s[C.S_QTY] <= 0.0:
            return Levels(None, None, None, None, None, False)
        tick_on = p[C.P_TICK] > 0.0
        avg = s[C.S_AVG]

        def rnd(price: float, up: bool) -> float:
            return float(round_price(price, up, tick_on, self._tick_lo, self._tick_sz))

        stop: float | None = None
        reason: FillReason | None = None
        if not math.isnan(p[C.P_SL]):
            stop, reason = rnd(avg * (1.0 - p[C.P_SL]), False), FillReason.STOP_LOSS
        trailing_on = not math.isnan(p[C.P_TRAIL_ACT]) and s[C.S_TRAIL_ON] > 0.0
        if trailing_on:
            trail = rnd(s[C.S_HIGHEST] * (1.0 - p[C.P_TRAIL]), False)
            if stop is None or trail > stop:
                stop, reason = trail, FillReason.TRAILING_STOP
        tp = None if math.isnan(p[C.P_TP]) else rnd(avg * (1.0 + p[C.P_TP]), True)
        part = None
        if not math.isnan(p[C.P_PART_PROFIT]) and s[C.S_PART_DONE] == 0.0:
            part = rnd(avg * (1.0 + p[C.P_PART_PROFIT]), True)
        high = float(s[C.S_HIGHEST]) if not math.isnan(p[C.P_TRAIL_ACT]) else None
        return Levels(stop, reason, tp, part, high, bool(trailing_on))
