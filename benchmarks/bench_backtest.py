"""Backtest engine benchmark: SMA(10)/SMA(30) crossover on 1,000,000 synthetic one-minute bars next to
vectorbt and backtesting.py (same data, same signals, next-open fills, 0.05 % fee, all-in), plus the
bundled basic 7-rule strategy on the same bars.

    python benchmarks/bench_backtest.py            # everything (~1-2 min; vectorbt JIT on first run)
    python benchmarks/bench_backtest.py --bars 200000 --skip-backtesting-py

Needs the ``bench`` extra (vectorbt) for the vectorbt column; backtesting.py comes with ``dev``.
Prints a Markdown table; times are medians of ``--repeat`` runs after a warm-up (compile/cache load).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from decimal import Decimal

import numpy as np

from upbit_auto_trading.domain.backtest import (
    BacktestSettings,
    EngineRules,
    backtest_strategy,
    run_backtest,
    warm_up,
)
from upbit_auto_trading.domain.backtest.sample_signals import basic_7_rule_signals
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import load_sample_strategy

FEE = 0.0005
CASH = 1e13  # large enough that ~20k round trips of fees (x0.999 each) leave whole satoshis to trade


def synthetic_minutes(n: int, seed: int = 42) -> CandleArrays:
    rng = np.random.default_rng(seed)
    close = 50_000_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, n)))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.0005, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.0005, n)))
    start = 1_577_836_800 + np.arange(n, dtype=np.int64) * 60
    vol = rng.uniform(0.1, 5.0, n)
    return CandleArrays("KRW-BTC", "1m", start, open_, high, low, close, vol, vol * close)


def sma(x: np.ndarray, k: int) -> np.ndarray:
    out = np.full(x.shape[0], np.nan)
    cs = np.cumsum(np.r_[0.0, x])
    out[k - 1 :] = (cs[k:] - cs[:-k]) / k
    return out


def crossover_signals(close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fast, slow = sma(close, 10), sma(close, 30)
    pf, ps = np.r_[np.nan, fast[:-1]], np.r_[np.nan, slow[:-1]]
    with np.errstate(invalid="ignore"):
        return (pf < ps) & (fast > slow), (pf > ps) & (fast < slow)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bars", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-vectorbt", action="store_true")
    ap.add_argument("--skip-backtesting-py", action="store_true")
    args = ap.parse_args()

    candles = synthetic_minutes(args.bars)
    entry, exit_ = crossover_signals(candles.close)
    settings = BacktestSettings.for_non_krw(
        initial_capital=Decimal(str(CASH)), fee_rate=Decimal(str(FEE)), quantity_step=None
    )
    t = time.perf_counter()
    warm_up()
    warm = time.perf_counter() - t
    rows: list[tuple[str, float, str]] = []

    ours_t, ours = timed(lambda: run_backtest(candles, entry, exit_, strategy=EngineRules(), settings=settings),
                         args.repeat)  # fmt: skip
    full_t, _ = timed(
        lambda: run_backtest(candles, entry, exit_, strategy=EngineRules(), settings=settings).metrics,
        args.repeat,
    )
    tr = ours.trade_arrays
    closed = tr.closed
    ours_trades = (tr.entry_bar[closed], tr.exit_bar[closed], tr.entry_price[closed], tr.exit_price[closed])
    rows.append(
        ("this engine (numba kernel)", ours_t, f"{int(closed.sum())} trades, final {ours.final_equity:,.0f}")
    )
    rows.append(("this engine + all metrics", full_t, ""))

    agree: dict[str, bool] = {}
    if not args.skip_vectorbt:
        import pandas as pd

        t = time.perf_counter()
        import vectorbt as vbt

        imp = time.perf_counter() - t
        idx = pd.date_range("2020-01-01", periods=args.bars, freq="min")
        close = pd.Series(candles.close, index=idx)
        open_ = pd.Series(candles.open, index=idx)
        ent = pd.Series(entry, index=idx).shift(1, fill_value=False)
        ext = pd.Series(exit_, index=idx).shift(1, fill_value=False)

        def vbt_run():
            return vbt.Portfolio.from_signals(
                close, ent, ext, price=open_, fees=FEE, init_cash=CASH, freq="1min"
            )

        t = time.perf_counter()
        vbt_run()
        first = time.perf_counter() - t
        vt, pf = timed(vbt_run, args.repeat)
        rec = pf.trades.values
        rec = rec[rec["status"] == 1]
        agree["vectorbt"] = (
            np.array_equal(rec["entry_idx"], ours_trades[0])
            and np.array_equal(rec["exit_idx"], ours_trades[1])
            and np.allclose(rec["entry_price"], ours_trades[2], rtol=1e-12)
            and np.allclose(rec["exit_price"], ours_trades[3], rtol=1e-12)
        )
        rows.append(
            ("vectorbt 1.2 from_signals", vt, f"import {imp:.1f} s, first call {first:.1f} s, final "
             f"{float(pf.final_value()):,.0f}")
        )  # fmt: skip

    if not args.skip_backtesting_py:
        import pandas as pd
        from backtesting import Strategy as BtStrategy
        from backtesting.lib import FractionalBacktest

        df = pd.DataFrame(
            {"Open": candles.open, "High": candles.high, "Low": candles.low, "Close": candles.close,
             "Volume": candles.volume},
            index=pd.date_range("2020-01-01", periods=args.bars, freq="min"),
        )  # fmt: skip

        class Cross(BtStrategy):
            def init(self) -> None:
                self.e = self.I(lambda: entry.astype(float), plot=False)
                self.x = self.I(lambda: exit_.astype(float), plot=False)

            def next(self) -> None:
                if self.position and self.x[-1]:
                    self.position.close()
                elif not self.position and self.e[-1]:
                    self.buy()

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bt = FractionalBacktest(df, Cross, cash=CASH, commission=FEE, fractional_unit=1e-8)
            t = time.perf_counter()
            stats = bt.run()
            bt_t = time.perf_counter() - t
        ref = stats["_trades"].sort_values("EntryBar")
        agree["backtesting.py"] = (
            np.array_equal(ref["EntryBar"].to_numpy(), ours_trades[0])
            and np.array_equal(ref["ExitBar"].to_numpy(), ours_trades[1])
            and np.allclose(ref["EntryPrice"].to_numpy(), ours_trades[2], rtol=1e-9)
            and np.allclose(ref["ExitPrice"].to_numpy(), ours_trades[3], rtol=1e-9)
        )
        rows.append(("backtesting.py 0.6 FractionalBacktest", bt_t, f"final {float(stats['Equity Final [$]']):,.0f}"
                     " (satoshi sizes)"))  # fmt: skip

    strategy = load_sample_strategy()
    t = time.perf_counter()
    signals = basic_7_rule_signals(candles.close)
    sig_t = time.perf_counter() - t
    seven_t, seven = timed(
        lambda: backtest_strategy(candles, strategy, signals, BacktestSettings()), args.repeat
    )
    seven_full_t, _ = timed(
        lambda: backtest_strategy(candles, strategy, signals, BacktestSettings()).metrics, args.repeat
    )

    print(f"## Backtest engine ({args.bars:,} one-minute bars, {platform.python_version()}, "
          f"{platform.machine()})\n")  # fmt: skip
    print(f"Kernel warm-up (numba cache load or compile): {warm:.2f} s\n")
    print("| SMA(10)/SMA(30) crossover | median s | bars/s | vs this engine | note |")
    print("|---|---|---|---|---|")
    for name, sec, note in rows:
        print(f"| {name} | {sec:.3f} | {args.bars / sec / 1e6:.1f} M | {sec / ours_t:.1f}x | {note} |")
    for name, ok in agree.items():
        print(f"\nIdentical closed trades (entry/exit bar and price) vs {name}: {'yes' if ok else 'NO'}")
    print(f"\n7-rule sample strategy (KRW ticks, 5,000 KRW minimum): engine {seven_t:.3f} s, with metrics "
          f"{seven_full_t:.3f} s, {len(seven.fills)} fills, {seven.metrics.trades} trades "
          f"(signals computed once in {sig_t:.3f} s, not included)")  # fmt: skip


if __name__ == "__main__":
    main()
