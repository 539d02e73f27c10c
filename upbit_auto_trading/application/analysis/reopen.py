"""A stored run back as a ``BacktestResult``, without re-running it.

The store keeps the run's record (settings, strategy, fills, trigger snapshot) and its equity and position
curves; the candles come from the candle store. The fills' prices, quantities and fees are the stored
8-decimal values, which is exact enough for analytics (money shown to the user still comes from the record).
When the candles of the run's range are gone or changed (their hash differs from the record's), the times
are synthesised evenly over the run's period and the prices are unknown (NaN): curves, trades and
calendar figures still work, buy-and-hold and exposure do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.candle_window import CandleWindow, load_window
from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.backtest.rerun_backtest import parse_iso
from upbit_auto_trading.application.backtest.signals import conditions_from_snapshot, evaluate_signals
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.backtest import BacktestResult, FillReason, candle_hash, engine_rules
from upbit_auto_trading.domain.backtest.fills import FillArrays
from upbit_auto_trading.domain.backtest.metrics import Metrics
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

EntryGroups = list[tuple[str, np.ndarray]]


@dataclass(frozen=True, eq=False)
class ReopenedRun:
    stored: StoredRun
    result: BacktestResult
    candles_known: bool  # False: synthesised times, NaN prices
    entry_groups: EntryGroups | None  # per entry group: (label, signal over the run's candles)


def missing_run(run_id: int) -> NotFoundError:
    return NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")


def fills_from_record(fills: list[dict[str, Any]]) -> FillArrays:
    if not fills:
        return FillArrays.empty()
    return FillArrays(
        bar=np.array([int(f["bar"]) for f in fills], dtype=np.int64),
        reason=np.array([int(FillReason[str(f["reason"]).upper()]) for f in fills], dtype=np.int64),
        price=np.array([float(f["price"]) for f in fills], dtype=np.float64),
        quantity=np.array([float(f["quantity"]) for f in fills], dtype=np.float64),
        fee=np.array([float(f["fee"]) for f in fills], dtype=np.float64),
        trade_no=np.array([int(f["trade_no"]) for f in fills], dtype=np.int64),
    )


def _blind_candles(stored: StoredRun, n: int) -> CandleArrays:
    rec = stored.record
    first = int(parse_iso(rec.data_start).timestamp())
    last = int(parse_iso(rec.data_end).timestamp())
    start = np.linspace(first, last, n).astype(np.int64) if n else np.empty(0, dtype=np.int64)
    nan = np.full(n, np.nan)
    return CandleArrays(rec.market, rec.timeframe, start, nan, nan, nan, nan, nan, nan)


def _window(candles: CandleReader, stored: StoredRun, n: int) -> CandleWindow | None:
    rec = stored.record
    try:
        window = load_window(
            candles, rec.market, rec.timeframe, parse_iso(rec.data_start), parse_iso(rec.data_end)
        )
    except (ApplicationError, DomainError):
        return None
    tested = window.tested
    if len(tested) != n or candle_hash(tested) != rec.candle_hash:
        return None
    return window


def _entry_groups(stored: StoredRun, window: CandleWindow, candles: CandleReader) -> EntryGroups | None:
    """The strategy's entry groups evaluated from the run's trigger snapshot; None when they cannot be."""
    try:
        strategy = stored.record.strategy_object()
        conditions = conditions_from_snapshot(stored.meta.triggers)
        signals = evaluate_signals(conditions, window.candles, window.other_timeframes(candles))
    except (ApplicationError, DomainError, KeyError, ValueError, TypeError):
        return None
    out: EntryGroups = []
    for group in strategy.entry.groups:
        arrays = [signals.get(ref.key) for ref in group.triggers]
        if not arrays or any(a is None for a in arrays):
            return None
        acc = np.logical_and.reduce([np.asarray(a, dtype=bool) for a in arrays])
        out.append((" & ".join(ref.name for ref in group.triggers), acc[window.first :]))
    return out


def _recorded_metrics(data: dict[str, Any]) -> Metrics | None:
    names = Metrics.__dataclass_fields__.keys()
    if not names <= data.keys():
        return None  # a record from before a metric existed: recompute them all
    try:
        return Metrics(**{k: data[k] for k in names})
    except TypeError:
        return None


def reopen_run(
    runs: BacktestRepository,
    candles: CandleReader | None,
    run_id: int,
    *,
    with_signals: bool = False,
) -> ReopenedRun:
    """The stored run ``run_id`` as a result. ``candles`` None skips the candle store (times synthesised);
    ``with_signals`` also evaluates the entry groups (for the by-entry-trigger breakdown)."""
    stored = runs.get(int(run_id))
    curves = runs.curves(int(run_id))
    if stored is None or curves is None:
        raise missing_run(run_id)
    rec = stored.record
    n = int(curves.equity.shape[0])
    window = _window(candles, stored, n) if candles is not None and n else None
    arrays = window.tested if window is not None else _blind_candles(stored, n)
    try:
        result = BacktestResult(
            arrays,
            rec.settings_object(),
            engine_rules(rec.strategy_object()),
            fills_from_record(rec.fills),
            np.asarray(curves.equity, dtype=np.float64),
            np.asarray(curves.position, dtype=np.float64),
            int(rec.metrics.get("refused_orders") or 0),
        )
    except (DomainError, KeyError, ValueError) as exc:
        raise ApplicationError(f"Stored run {run_id} cannot be reopened for analysis: {exc}") from exc
    recorded = _recorded_metrics(rec.metrics)
    if recorded is not None:
        # The run's metrics as stored (computed from the engine's exact floats): shown figures stay the
        # ones `backtest show` prints, not a re-computation from the 8-decimal fills.
        result.metrics = recorded
    groups = _entry_groups(stored, window, candles) if with_signals and window and candles else None
    return ReopenedRun(stored, result, window is not None, groups)
