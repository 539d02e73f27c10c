"""Run a backtest: validate inputs, drive the kernel chunk by chunk (progress, cancel), collect results."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import numpy as np

from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.errors import BacktestCancelled, BacktestInputError
from upbit_auto_trading.domain.backtest.fills import FillArrays
from upbit_auto_trading.domain.backtest.kernel import run_chunk, run_chunk_python
from upbit_auto_trading.domain.backtest.result import BacktestResult
from upbit_auto_trading.domain.backtest.rules import EngineRules, engine_rules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.backtest.signals import strategy_signals
from upbit_auto_trading.domain.backtest.ticks import krw_tick_arrays
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

logger = logging.getLogger(__name__)

DEFAULT_CHUNK = 65_536


def _bool_array(name: str, arr: np.ndarray | None, n: int) -> np.ndarray:
    if arr is None:
        return np.zeros(n, dtype=bool)
    a = np.asarray(arr)
    if a.shape != (n,):
        raise BacktestInputError(f"The {name} signal has {a.shape} values; the candles have {n}")
    return np.ascontiguousarray(a, dtype=bool)


def _price_array(name: str, arr: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(a).all() or (a <= 0).any():
        bad = int(np.flatnonzero(~np.isfinite(a) | (a <= 0))[0])
        raise BacktestInputError(
            f"Candle {bad} has an invalid {name} price ({a[bad]}); prices must be positive"
        )
    return a


def initial_state(capital: float) -> np.ndarray:
    s = np.zeros(C.N_STATE, dtype=np.float64)
    s[C.S_CASH] = capital
    s[C.S_LAST_EXIT] = -1e18
    return s


def run_backtest(
    candles: CandleArrays,
    entry: np.ndarray,
    exit: np.ndarray | None = None,  # noqa: A002 - mirrors the domain word
    *,
    strategy: Strategy | EngineRules,
    settings: BacktestSettings | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    chunk_candles: int = DEFAULT_CHUNK,
    compiled: bool = True,
) -> BacktestResult:
    """Backtest one market, long only. ``entry``/``exit`` are booleans per closed candle (True = the
    condition holds at that candle's close); orders they cause fill at the next candle's open.

    ``progress`` (candles done of candles total) and ``cancel`` are looked at every ``chunk_candles``
    candles; a cancelled run raises ``BacktestCancelled``. ``compiled=False`` runs the same kernel as plain Python (tests, no numba).
    """
    settings = settings or BacktestSettings()
    rules = engine_rules(strategy) if isinstance(strategy, Strategy) else strategy
    n = len(candles)
    if n == 0:
        raise BacktestInputError("No candles to backtest: pick a period that has data")
    if isinstance(strategy, Strategy) and rules.uses_exit_signal and exit is None:
        raise BacktestInputError(f"Strategy {strategy.name!r} has exit triggers but no exit signal was given")
    inputs = _kernel_inputs(candles, entry, exit, rules, settings)
    state = initial_state(float(settings.initial_capital))
    equity = np.empty(n, dtype=np.float64)
    qty = np.empty(n, dtype=np.float64)
    kernel: Callable[..., int] = run_chunk if compiled else run_chunk_python
    chunk = max(1, int(chunk_candles))

    parts: list[tuple[np.ndarray, ...]] = []
    for begin in range(0, n, chunk):
        if cancel is not None and cancel.cancelled:
            raise BacktestCancelled(f"Backtest cancelled after {begin} of {n} candles")
        end = min(n, begin + chunk)
        buffers = _fill_buffers(end - begin)
        nf = kernel(begin, end, *inputs, state, equity, qty, *buffers)
        if nf:
            parts.append(tuple(b[:nf] for b in buffers))
        if progress is not None:
            progress(Progress(end, n, "engine"))
    if cancel is not None and cancel.cancelled:
        raise BacktestCancelled(f"Backtest cancelled after {n} of {n} candles")
    return BacktestResult(
        candles=candles,
        settings=settings,
        rules=rules,
        fills=_joined_fills(parts),
        equity=equity,
        position=qty,
        refused_orders=int(state[C.S_REFUSED]),
        ambiguous_candles=int(state[C.S_AMBIGUOUS]),
    )


def _kernel_inputs(
    candles: CandleArrays,
    entry: np.ndarray,
    exit: np.ndarray | None,  # noqa: A002
    rules: EngineRules,
    settings: BacktestSettings,
) -> tuple[np.ndarray, ...]:
    """The kernel's read-only arguments, checked: open, high, low, close, entry, exit, parameters, tick
    table (lower bounds, sizes)."""
    n = len(candles)
    prices = [_price_array(name, getattr(candles, name)) for name in ("open", "high", "low", "close")]
    tick_lo, tick_sz = krw_tick_arrays()
    return (*prices, _bool_array("entry", entry, n), _bool_array("exit", exit, n), rules.to_params(settings),
            tick_lo, tick_sz)  # fmt: skip


def _fill_buffers(candles: int) -> tuple[np.ndarray, ...]:
    """Room for the fills of ``candles`` candles (at most three each: a market fill, a partial sell and a
    level exit; plus slack): bar, reason, price, quantity, fee, trade number."""
    cap = 3 * candles + 3
    ints, floats = np.int64, np.float64
    return tuple(np.empty(cap, dtype=dt) for dt in (ints, ints, floats, floats, floats, ints))


def _joined_fills(parts: list[tuple[np.ndarray, ...]]) -> FillArrays:
    if not parts:
        return FillArrays.empty()
    return FillArrays(*(np.concatenate([part[k] for part in parts]) for k in range(6)))


def backtest_strategy(
    candles: CandleArrays,
    strategy: Strategy,
    trigger_signals: Mapping[str, np.ndarray],
    settings: BacktestSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> BacktestResult:
    """Combine per-trigger arrays (keyed by ``TriggerRef.key``) into the strategy's signals, then run."""
    sig = strategy_signals(strategy, trigger_signals, len(candles))
    return run_backtest(
        candles, sig.entry, sig.exit, strategy=strategy, settings=settings, progress=progress, cancel=cancel
    )


def warm_up() -> None:
    """Compile (or load from the numba cache) the kernel on a tiny input. Call it off the GUI thread at
    start-up so the first real run does not pay the compile time."""
    n = 4
    start = np.arange(n, dtype=np.int64) * 60
    price = np.full(n, 100.0)
    candles = CandleArrays("X-WARM", "1m", start, price, price, price, price, price, price)
    sig = np.array([True, False, False, False])
    run_backtest(candles, sig, ~sig, strategy=EngineRules(), settings=BacktestSettings.for_non_krw())
