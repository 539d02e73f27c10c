"""Replay a run's decisions along the path of finer candles (the fill-sensitivity analysis, docs/backtest-model.md
"Fill sensitivity").

A coarse candle says where its high and low were, not which came first; finer candles of the same market do.
The replay keeps every decision of the run where it was (entry and exit signals, pyramid, scale-in, time exit
and cooldown are decided on the coarse closes, from the coarse candles) and walks the finer candles between
two coarse closes for everything that happens inside a candle: the market fill of the last decision (at the
open of the first finer candle, which is the coarse candle's open), the stop, trailing stop, take-profit and
partial take-profit levels, and the trailing stop's highest price.

No rule is written twice: each coarse candle is two calls of the backtest kernel on the same state. First the
finer candles with the close-decided rules switched off (no signals, no adds, no time exit), then the coarse
candle itself with the levels switched off, which makes the decision on its close and marks the equity. The
kernel counts candles in the index of the arrays it is given, so between the calls the entry candle and the
exit candle are moved back into coarse candles (time exit and cooldown count coarse candles, as in the run).

What stays approximate:
- inside one finer candle the order of its high and low is again unknown: the settings' intrabar order
  decides (stop first by default), and ``ambiguous_candles`` counts the finer candles where it had to;
- the trailing stop follows the highest price per finer candle (from the next finer candle on), so it can
  move, and fire, inside a coarse candle where the run's trailing stop could not;
- a coarse candle without finer candles (a gap in the finer series) is replayed as the run saw it, and one
  whose finer candles do not add up to it (another source, a gap) is replayed from its finer candles anyway:
  both are counted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.engine import (
    _bool_array,
    _fill_buffers,
    _joined_fills,
    _kernel_inputs,
    _price_array,
    initial_state,
)
from upbit_auto_trading.domain.backtest.errors import BacktestCancelled, BacktestInputError
from upbit_auto_trading.domain.backtest.kernel import run_chunk, run_chunk_python
from upbit_auto_trading.domain.backtest.result import BacktestResult
from upbit_auto_trading.domain.backtest.rules import EngineRules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.market.calendar import next_start
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

_STEP = 4096
"""Coarse candles between two looks at the cancel token and two progress reports."""


@dataclass(frozen=True, eq=False)
class FinePath:
    """The candles the replay walks: for coarse candle ``k``, path candles ``offsets[k]`` to
    ``offsets[k + 1] - 1`` (its finer candles, or the coarse candle itself when it has none)."""

    timeframe: str
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    offsets: np.ndarray
    covered: np.ndarray  # per coarse candle: True when finer candles were found for it
    mismatched: np.ndarray  # per coarse candle: True when its finer candles do not aggregate to it

    @property
    def candles_covered(self) -> int:
        return int(self.covered.sum())

    @property
    def candles_without_finer(self) -> int:
        return int((~self.covered).sum())

    @property
    def candles_mismatched(self) -> int:
        return int(self.mismatched.sum())


def coarse_ends(coarse: CandleArrays) -> np.ndarray:
    """Where each coarse candle's period ends (the next period's start; months are calendar months)."""
    tf = Timeframe.from_code(coarse.timeframe)
    if tf.seconds is not None:
        return np.asarray(coarse.start, dtype=np.int64) + tf.seconds
    return np.fromiter((next_start(int(t), tf) for t in coarse.start), dtype=np.int64, count=len(coarse))


def fine_path(coarse: CandleArrays, fine: CandleArrays) -> FinePath:
    """Group ``fine`` candles by the ``coarse`` candle whose period holds their start; a coarse candle with
    none keeps itself as its only path candle."""
    if fine.market != coarse.market:
        raise BacktestInputError(f"Finer candles of {fine.market} cannot replay a run on {coarse.market}")
    n = len(coarse)
    owner = np.searchsorted(coarse.start, fine.start, side="right") - 1
    inside = owner >= 0
    inside[inside] &= fine.start[inside] < coarse_ends(coarse)[owner[inside]]
    owner = owner[inside]
    counts = np.bincount(owner, minlength=n).astype(np.int64)
    covered = counts > 0
    lengths = np.where(covered, counts, 1)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    fine_first = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=fine_first[1:])
    slot = offsets[owner] + (np.arange(owner.shape[0]) - fine_first[owner])
    alone = offsets[:-1][~covered]
    prices = []
    for name in ("open", "high", "low", "close"):
        arr = np.empty(int(offsets[-1]), dtype=np.float64)
        arr[slot] = getattr(fine, name)[inside]
        arr[alone] = getattr(coarse, name)[~covered]
        prices.append(arr)
    o, h, lo, c = prices
    mismatched = _mismatched(coarse, prices, offsets, covered)
    return FinePath(fine.timeframe, o, h, lo, c, offsets, covered, mismatched)


def _mismatched(
    coarse: CandleArrays, prices: list[np.ndarray], offsets: np.ndarray, covered: np.ndarray
) -> np.ndarray:
    """Coarse candles whose finer candles' open, high, low and close are not the coarse candle's."""
    o, h, lo, c = prices
    first, last = offsets[:-1], offsets[1:] - 1
    agg = (o[first], np.maximum.reduceat(h, first), np.minimum.reduceat(lo, first), c[last])
    same = np.ones(len(coarse), dtype=bool)
    for mine, theirs in zip(agg, (coarse.open, coarse.high, coarse.low, coarse.close), strict=True):
        same &= np.isclose(mine, theirs, rtol=1e-9, atol=0.0)
    return covered & ~same


@dataclass(frozen=True, eq=False)
class PathReplay:
    """``result`` is on the coarse candles (fills at the coarse candle they happened in, equity at its close);
    its ``ambiguous_candles`` counts the finer candles that still held both a stop and a profit level."""

    result: BacktestResult
    path: FinePath


def _walk_params(p: np.ndarray) -> np.ndarray:
    """The finer candles' parameters: the levels as the run has them, no close-decided rule."""
    q = p.copy()
    q[C.P_PYR_MAX] = 0.0
    q[C.P_SCALE_MAX] = 0.0
    q[C.P_TIME_N] = 0.0
    q[C.P_EXIT_ENABLED] = 0.0
    return q


def _decide_params(p: np.ndarray) -> np.ndarray:
    """The coarse close's parameters: the decisions as the run has them, no level."""
    q = p.copy()
    for level in (C.P_SL, C.P_TP, C.P_TRAIL_ACT, C.P_PART_PROFIT):
        q[level] = math.nan
    return q


class _Replayer:
    """The state of one replay: the kernel's inputs for the coarse candles and for the path, one state."""

    def __init__(
        self,
        coarse: CandleArrays,
        path: FinePath,
        entry: np.ndarray,
        exit_: np.ndarray | None,
        rules: EngineRules,
        settings: BacktestSettings,
        compiled: bool,
    ) -> None:
        *prices, entry_a, exit_a, p, self.tick_lo, self.tick_sz = _kernel_inputs(
            coarse, entry, exit_, rules, settings
        )
        self.coarse = (*prices, entry_a, exit_a)
        self.decide_p = _decide_params(p)
        size = int(path.offsets[-1])
        no_signal = _bool_array("path", None, size)
        names = ("open", "high", "low", "close")
        self.path = (*(_price_array(f"finer {n}", getattr(path, n)) for n in names), no_signal, no_signal)
        self.walk_p = _walk_params(p)
        self.offsets = path.offsets
        self.scratch = (np.empty(size, dtype=np.float64), np.empty(size, dtype=np.float64))
        longest = int(np.diff(path.offsets).max()) if len(coarse) else 1
        self.walk_buffers = _fill_buffers(longest)
        self.decide_buffers = _fill_buffers(1)
        self.state = initial_state(float(settings.initial_capital))
        self.kernel: Callable[..., int] = run_chunk if compiled else run_chunk_python
        self.parts: list[tuple[np.ndarray, ...]] = []

    def candle(self, k: int, equity: np.ndarray, qty: np.ndarray) -> None:
        """Coarse candle ``k``: its finer candles (when an order waits or a position is open), then its close."""
        s = self.state
        if s[C.S_PENDING] != 0.0 or s[C.S_QTY] > 0.0:
            trades, last_exit = s[C.S_TRADE], s[C.S_LAST_EXIT]
            a, b = int(self.offsets[k]), int(self.offsets[k + 1])
            nf = self.kernel(a, b, *self.path, self.walk_p, self.tick_lo, self.tick_sz, s, *self.scratch,
                             *self.walk_buffers)  # fmt: skip
            if nf:
                part = tuple(buf[:nf].copy() for buf in self.walk_buffers)
                part[0][:] = k  # the fill happened in coarse candle k
                self.parts.append(part)
            if s[C.S_TRADE] != trades:  # time exit counts coarse candles from the entry's
                s[C.S_ENTRY_BAR] = k
            if s[C.S_LAST_EXIT] != last_exit:  # cooldown counts coarse candles from the exit's
                s[C.S_LAST_EXIT] = k
        self.kernel(k, k + 1, *self.coarse, self.decide_p, self.tick_lo, self.tick_sz, s, equity, qty,
                    *self.decide_buffers)  # fmt: skip


def replay_path(
    coarse: CandleArrays,
    path: FinePath,
    entry: np.ndarray,
    exit_: np.ndarray | None,
    *,
    rules: EngineRules,
    settings: BacktestSettings,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    compiled: bool = True,
) -> PathReplay:
    """The run of ``coarse`` with ``entry``/``exit_`` (one per coarse candle), its insides walked along
    ``path`` (``fine_path(coarse, fine)``). ``progress`` counts coarse candles; a cancel raises
    ``BacktestCancelled``."""
    n = len(coarse)
    if n == 0:
        raise BacktestInputError("No candles to replay")
    if path.offsets.shape[0] != n + 1:
        raise BacktestInputError(
            f"The finer path was grouped for {path.offsets.shape[0] - 1} candles, not {n}"
        )
    replayer = _Replayer(coarse, path, entry, exit_, rules, settings, compiled)
    equity = np.empty(n, dtype=np.float64)
    qty = np.empty(n, dtype=np.float64)
    for k in range(n):
        if k % _STEP == 0:
            if cancel is not None and cancel.cancelled:
                raise BacktestCancelled(f"Path replay cancelled after {k} of {n} candles")
            if progress is not None and k:
                progress(Progress(k, n, "path replay"))
        replayer.candle(k, equity, qty)
    if progress is not None:
        progress(Progress(n, n, "path replay"))
    s = replayer.state
    result = BacktestResult(
        candles=coarse,
        settings=settings,
        rules=rules,
        fills=_joined_fills(replayer.parts),
        equity=equity,
        position=qty,
        refused_orders=int(s[C.S_REFUSED]),
        ambiguous_candles=int(s[C.S_AMBIGUOUS]),
    )
    return PathReplay(result, path)
