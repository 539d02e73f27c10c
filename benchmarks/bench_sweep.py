"""Parameter sweep benchmark: 1,000 SMA(fast)/SMA(slow) crossover pairs over 1,000,000 synthetic one-minute
bars (a seeded random walk: no one-minute data of that length is bundled), through ``RunSweep`` (triggers
evaluated per cell, engine, every metric, daily returns, result hashes, each cell stored in a SQLite study
store) with 1 and 2 local workers and on a local Ray instance with 2 actors; next to vectorbt computing the
same pairs in the same run (its broadcast, in batches of columns so the arrays fit in memory: moving
averages, crossings, ``Portfolio.from_signals``, total return, Sharpe ratio and maximum drawdown).

    python benchmarks/bench_sweep.py                      # everything (several minutes)
    python benchmarks/bench_sweep.py --bars 200000 --fast 10:18:2 --slow 60:95:5 --skip-ray

Needs the ``bench`` extra (vectorbt) for the vectorbt column and the ``ray`` extra for the Ray row. Prints
a Markdown table; each configuration runs once (a full sweep is minutes, not milliseconds).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from upbit_auto_trading.application.robustness.dto import ExecutorSpec, RunCosts, SweepRequest
from upbit_auto_trading.application.robustness.job import SweepWorker
from upbit_auto_trading.application.robustness.preparation import InputLoader
from upbit_auto_trading.application.robustness.run_sweep import RunSweep
from upbit_auto_trading.application.strategy.ports import StoredStrategy
from upbit_auto_trading.domain.kernels import warm_up_kernels
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.domain.strategy import strategy_from_dict
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.operators import REL_TOL
from upbit_auto_trading.domain.trigger.variables import catalogue_from_dict
from upbit_auto_trading.infrastructure.robustness.executors import SweepExecutors
from upbit_auto_trading.infrastructure.robustness.study_store import SqliteStudyStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

FEE = Decimal("0.0005")
CASH = Decimal("10000000")
MARKET = "BENCH-SYN"  # not KRW-: no tick table or minimum order (as vectorbt)


def synthetic_minutes(n: int, seed: int = 42) -> CandleArrays:
    """As benchmarks/bench_backtest.py: a seeded random walk of one-minute KRW-BTC-like candles."""
    rng = np.random.default_rng(seed)
    close = 50_000_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, n)))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.0005, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.0005, n)))
    start = 1_577_836_800 + np.arange(n, dtype=np.int64) * 60
    vol = rng.uniform(0.1, 5.0, n)
    return CandleArrays(MARKET, "1m", start, open_, high, low, close, vol, vol * close)


# ---------------------------------------------------------------------------------------- the app's side
class _Strategies:
    def __init__(self) -> None:
        self.strategy = strategy_from_dict({
            "schema_version": 1, "name": "SMA cross",
            "entry": {"groups": [{"triggers": ["fast over slow"]}]},
            "management": [{"type": "exit_triggers", "groups": [{"triggers": ["fast under slow"]}]}],
            "sizing": {"mode": "cash_percent", "value": 100},
        })  # fmt: skip

    def get(self, name: str) -> StoredStrategy | None:
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        return StoredStrategy(1, 1, self.strategy, self.strategy.content_hash(), now, now)

    def get_by_id(self, strategy_id: int) -> StoredStrategy | None:
        return self.get("")


class _Triggers:
    def __init__(self, catalogue: Any) -> None:
        def cross(name: str, op: str) -> TradingCondition:
            return TradingCondition.create(catalogue, name=name, variable_id="SMA", params={"period": 10},
                                           operator=op, target_variable_id="SMA", target_params={"period": 60},
                                           timeframe="1m")  # fmt: skip

        self.by_name = {"fast over slow": cross("fast over slow", "crosses_above"),
                        "fast under slow": cross("fast under slow", "crosses_below")}  # fmt: skip

    def get(self, name: str) -> TradingCondition | None:
        return self.by_name.get(name)

    def get_by_id(self, condition_id: int) -> TradingCondition | None:
        return None


class _Catalogue:
    def __init__(self) -> None:
        text = resources.files("upbit_auto_trading.resources.catalogue").joinpath("catalogue.yaml").read_text("utf-8")
        self.catalogue = catalogue_from_dict(yaml.safe_load(text))

    def load(self) -> Any:
        return self.catalogue


class _Reader:
    def __init__(self, candles: CandleArrays) -> None:
        self.candles = candles

    def load_arrays(self, market: str, timeframe: str, start: Any = None, end: Any = None) -> CandleArrays:
        return self.candles if (market, timeframe) == (MARKET, "1m") else CandleArrays.empty(market, timeframe)


def sweep_use_case(candles: CandleArrays, home: Path) -> tuple[RunSweep, SqliteStudyStore, InputLoader]:
    session = DatabaseSession({n: home / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    session.migrate_all()
    store = SqliteStudyStore(session)
    catalogue = _Catalogue()
    loader = InputLoader(_Strategies(), _Triggers(catalogue.catalogue), catalogue)
    return RunSweep(loader, _Reader(candles), store, SweepExecutors()), store, loader


# ---------------------------------------------------------------------------------------- vectorbt's side
def vectorbt_sweep(candles: CandleArrays, pairs: list[tuple[int, int]], batch: int,
                   sample: set[int]) -> tuple[float, dict[int, Any], dict[int, float]]:  # fmt: skip
    """Seconds for all pairs (batches of ``batch`` columns), the closed trades of the ``sample`` pairs, and
    every pair's total return."""
    import pandas as pd
    import vectorbt as vbt

    idx = pd.date_range("2020-01-01", periods=len(candles), freq="min")
    close, open_ = pd.Series(candles.close, index=idx), pd.Series(candles.open, index=idx)
    trades: dict[int, Any] = {}
    returns: dict[int, float] = {}
    started = time.perf_counter()
    for first in range(0, len(pairs), batch):
        chunk = pairs[first : first + batch]
        fast = vbt.MA.run(close, window=[f for f, _ in chunk], short_name="fast")
        slow = vbt.MA.run(close, window=[s for _, s in chunk], short_name="slow")
        entries = fast.ma_crossed_above(slow).shift(1, fill_value=False)  # decided at a close, filled next open
        exits = fast.ma_crossed_below(slow).shift(1, fill_value=False)
        pf = vbt.Portfolio.from_signals(close, entries, exits, price=open_, fees=float(FEE), init_cash=float(CASH),
                                        freq="1min")  # fmt: skip
        total, _sharpe, _mdd = pf.total_return(), pf.sharpe_ratio(), pf.max_drawdown()
        total = np.atleast_1d(np.asarray(total, dtype=np.float64))
        records = pf.trades.values
        for j in range(len(chunk)):
            returns[first + j] = float(total[j])
            if first + j in sample:
                mine = records[(records["col"] == j) & (records["status"] == 1)]
                trades[first + j] = (mine["entry_idx"], mine["exit_idx"], mine["entry_price"], mine["exit_price"])
        del fast, slow, entries, exits, pf
    return time.perf_counter() - started, trades, returns


# ---------------------------------------------------------------------------------------- checks
def our_trades(loader: InputLoader, job_candles: CandleArrays, request: SweepRequest, cell: Cell) -> Any:
    from upbit_auto_trading.application.robustness.job import SweepJob
    from upbit_auto_trading.application.robustness.preparation import load_segment
    from upbit_auto_trading.application.robustness.runner import cell_specs

    inputs = loader.saved("SMA cross")
    segment = load_segment(_Reader(job_candles), MARKET, "1m", None, None, request.costs, inputs.conditions)
    worker = SweepWorker(SweepJob(inputs.strategy, inputs.conditions, inputs.catalogue, {MARKET: segment}))
    spec = cell_specs(request.space, cell, [MARKET])[0]
    strategy, conditions = worker.inputs(spec)
    result, _sig = worker.simulate(MARKET, strategy, conditions)
    tr = result.trade_arrays
    closed = tr.closed
    return (tr.entry_bar[closed], tr.exit_bar[closed], tr.entry_price[closed], tr.exit_price[closed]), result


def _tie_explains(candles: CandleArrays, fast: int, slow: int, bars: list[int]) -> bool:
    """True when at the first differing fill the two moving averages were equal within the trigger
    engine's tolerance (REL_TOL) one candle before: a tie, which the app treats as "not crossed yet"."""
    from upbit_auto_trading.domain.indicators import sma

    a, b = sma(candles.close, fast), sma(candles.close, slow)
    for bar in bars:
        for t in (bar - 1, bar - 2):
            if t >= 0 and abs(a[t] - b[t]) <= REL_TOL * max(abs(a[t]), abs(b[t])):
                return True
    return False


def compare(ours: Any, theirs: Any) -> tuple[bool, list[int]]:
    same = (len(ours[0]) == len(theirs[0]) and np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])
            and np.allclose(ours[2], theirs[2], rtol=1e-12) and np.allclose(ours[3], theirs[3], rtol=1e-12))  # fmt: skip
    if same:
        return True, []
    n = min(len(ours[0]), len(theirs[0]))
    first = next((i for i in range(n) if ours[0][i] != theirs[0][i] or ours[1][i] != theirs[1][i]), n)
    bars = [int(x[first]) for x in (ours[0], theirs[0], ours[1], theirs[1]) if first < len(x)]
    return False, bars


# ---------------------------------------------------------------------------------------- main
def _values(spec: str) -> list[int]:
    start, stop, step = (int(x) for x in spec.split(":"))
    return list(range(start, stop + 1, step))


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bars", type=int, default=1_000_000)
    ap.add_argument("--fast", default="10:58:2", help="START:STOP:STEP of the fast SMA (default 25 values)")
    ap.add_argument("--slow", default="60:255:5", help="START:STOP:STEP of the slow SMA (default 40 values)")
    ap.add_argument("--sample", type=int, default=10, help="pairs whose trades are compared with vectorbt's")
    ap.add_argument("--vbt-batch", type=int, default=25, help="vectorbt columns per batch")
    ap.add_argument("--skip-vectorbt", action="store_true")
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-one", action="store_true", help="skip the one-worker run")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each configuration, alternating (best shown)")
    return ap.parse_args()


def _sweeps(args: argparse.Namespace, run: RunSweep, request: SweepRequest, rows: list[tuple[str, float, str]]
            ) -> dict[str, Any]:  # fmt: skip
    """Runs the sweep once per configuration and round (configurations alternate within a round, so a busy
    machine slows them alike); a row per configuration (its best round) in ``rows``; an outcome each."""
    configs = ([] if args.skip_one else [("local, 1 worker (this process)", ExecutorSpec(workers=1))]) + [
        ("local pool, 2 worker processes", ExecutorSpec(workers=2))]
    if not args.skip_ray:
        configs.append(("Ray, 2 actors (local instance)", ExecutorSpec(workers=2, ray_address="auto")))
    outcomes: dict[str, Any] = {}
    times: dict[str, list[float]] = {name: [] for name, _ in configs}
    for _round in range(args.rounds):
        for name, spec in configs:
            if spec.ray_address and not times[name]:  # started only now: its idle processes would slow the local runs
                import ray

                t = time.perf_counter()
                ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
                rows.append(("(Ray start-up: ray.init, local instance; not in the row below)",
                             time.perf_counter() - t, ""))  # fmt: skip
            t = time.perf_counter()
            outcomes[name] = run.execute(request, spec)
            times[name].append(time.perf_counter() - t)
    for name, _ in configs:
        best, cells = min(times[name]), outcomes[name].evaluated
        spread = "" if len(times[name]) == 1 else f" (best of {len(times[name])}; median {statistics.median(times[name]):.1f} s)"
        rows.append((name, best, f"{cells} cells, {cells / best:.1f} cells/s, {cells * args.bars / best / 1e6:.1f} M "
                                 f"bar-cells/s{spread}"))  # fmt: skip
    if not args.skip_ray:
        import ray

        ray.shutdown()
    return outcomes


def _against_vectorbt(args: argparse.Namespace, candles: CandleArrays, request: SweepRequest, loader: InputLoader,
                      stored: dict[str, str], rows: list[tuple[str, float, str]]
                      ) -> tuple[list[str], dict[int, float]]:  # fmt: skip
    """vectorbt over the same pairs (a row in ``rows``); the trade comparison of a sample of pairs and
    vectorbt's total return of every pair."""
    from upbit_auto_trading.domain.backtest import result_hash

    fast, slow = _values(args.fast), _values(args.slow)
    pairs = [(f, s) for f in fast for s in slow]
    rng = np.random.default_rng(1)
    sample = sorted(int(i) for i in rng.choice(len(pairs), size=min(args.sample, len(pairs)), replace=False))
    t = time.perf_counter()
    import vectorbt

    imported = time.perf_counter() - t
    # numba compiles vectorbt's 1-D and 2-D paths on first use: once here, on a short slice, not timed below
    first, _, _ = vectorbt_sweep(candles.slice(0, 5000), pairs[:2], 2, set())
    seconds, trades, returns = vectorbt_sweep(candles, pairs, args.vbt_batch, set(sample))
    rows.append((f"vectorbt {vectorbt.__version__} (MA.run + crossings + from_signals, batches of "
                 f"{args.vbt_batch} columns)", seconds,
                 f"{len(pairs) / seconds:.1f} pairs/s; import {imported:.1f} s, first call {first:.1f} s"))  # fmt: skip
    agreement: list[str] = []
    for i in sample:
        cell = Cell((fast.index(pairs[i][0]), slow.index(pairs[i][1])))
        ours, result = our_trades(loader, candles, request, cell)
        same_as_sweep = result_hash(result.fills, result.equity) == stored[cell.key]
        same, bars = compare(ours, trades[i])
        tie = "" if same else (" (a tie within the 1e-9 tolerance)" if _tie_explains(candles, *pairs[i], bars)
                               else " (NOT a tie)")  # fmt: skip
        agreement.append(f"SMA({pairs[i][0]})/SMA({pairs[i][1]}): {len(ours[0])} trades, "
                         f"{'identical' if same else 'DIFFERENT'} to vectorbt{tie}; re-run equals the sweep's "
                         f"cell: {'yes' if same_as_sweep else 'NO'}")  # fmt: skip
    return agreement, returns


def _summary(rows: list[tuple[str, float, str]]) -> None:
    one = next((s for n, s, _ in rows if n.startswith("local, 1")), None)
    two = next((s for n, s, _ in rows if n.startswith("local pool")), None)
    ray_s = next((s for n, s, _ in rows if n.startswith("Ray, 2")), None)
    if one and two:
        print(f"\nScaling 1 -> 2 workers: {one / two:.2f}x (efficiency {one / two / 2 * 100:.0f} %)")
    if two and ray_s:
        print(f"Ray against the local pool (2 workers each): {ray_s / two:.2f}x the time "
              f"({(ray_s - two) / two * 100:+.0f} %)")  # fmt: skip


def main() -> None:
    args = _arguments()
    candles = synthetic_minutes(args.bars)
    fast, slow = _values(args.fast), _values(args.slow)
    pairs = [(f, s) for f in fast for s in slow]
    space = ParameterSpace.parse([f"entry.0.params.period,exit.0.params.period={args.fast}",
                                  f"entry.0.target.period,exit.0.target.period={args.slow}"])  # fmt: skip
    request = SweepRequest("SMA cross", (MARKET,), "1m", space, costs=RunCosts(CASH, FEE, Decimal(0), False))
    warm_up_kernels()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    rows: list[tuple[str, float, str]] = []
    agreement: list[str] = []
    vbt_returns: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        run, store, loader = sweep_use_case(candles, Path(tmp))
        outcomes = _sweeps(args, run, request, rows)
        hashes = [{c.key: c.result_hash for c in store.cells(o.study_id)} for o in outcomes.values()]
        if not args.skip_vectorbt:
            agreement, vbt_returns = _against_vectorbt(args, candles, request, loader, hashes[0], rows)

    print(f"## Parameter sweep ({len(pairs):,} SMA pairs x {args.bars:,} one-minute bars, Python "
          f"{platform.python_version()}, {os.cpu_count()} cores, load average {load[0]:.1f} at the start)\n")
    print("| configuration | seconds | throughput |")
    print("|---|---|---|")
    for name, sec, note in rows:
        print(f"| {name} | {sec:.1f} | {note} |")
    _summary(rows)
    print(f"Identical result hashes in every configuration: {'yes' if all(h == hashes[0] for h in hashes) else 'NO'}")
    for line in agreement:
        print(f"- {line}")
    if vbt_returns:
        report = next(iter(outcomes.values())).report
        ours = {r.key: r.metrics[MARKET]["total_return"] for r in report.rows if r.metrics}
        diffs = [abs(ours[Cell((fast.index(f), slow.index(s))).key] - vbt_returns[i]) for i, (f, s) in enumerate(pairs)]
        print(f"- total return, ours against vectorbt's, over all pairs: median difference {np.median(diffs):.2e}, "
              f"largest {max(diffs):.2e} (quantities: ours floored to 1e-8 BTC, vectorbt's fractional)")


if __name__ == "__main__":
    main()
