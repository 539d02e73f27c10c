"""Trigger evaluation over 1,000,000 candles next to TA-Lib, and the trigger builder preview redraw.

Run: python benchmarks/bench_triggers.py   (needs TA-Lib; the preview part needs PyQt6, offscreen is fine)
Prints medians (evaluation: 15 rounds, ours and TA-Lib alternating, both warm; preview: 15 runs), all
measured in the same process, plus the first evaluation in a new process with and without the numba cache.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def median_ms(function, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def paired_ms(ours, theirs, rounds: int = 15) -> tuple[float, float, float]:
    """Median ms of each and the median of the per-round ratios; the two alternate within each round so a
    busy machine (2 shared cores) slows both alike."""
    a, b, ratios = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        ours()
        middle = time.perf_counter()
        theirs()
        end = time.perf_counter()
        a.append(middle - start)
        b.append(end - middle)
        ratios.append((middle - start) / (end - middle))
    return statistics.median(a) * 1e3, statistics.median(b) * 1e3, statistics.median(ratios)


_FIRST_CALL = """
import time, numpy as np
start = time.perf_counter()
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.evaluation import evaluate_condition
from upbit_auto_trading.domain.trigger.operators import Operator
close = np.linspace(100.0, 200.0, 500)
candles = CandleArrays("X", "1m", np.arange(500, dtype=np.int64) * 60, close, close, close, close, close, close)
imported = time.perf_counter()
evaluate_condition(TradingCondition("r", VariableRef("RSI", {"period": 14}), Operator.CROSSES_ABOVE, FixedValue(30)), candles)
evaluate_condition(TradingCondition("s", VariableRef("SMA", {"period": 20}), Operator.CROSSES_ABOVE, VariableRef("SMA", {"period": 60})), candles)
print(f"{(time.perf_counter() - imported) * 1e3:.0f}")
"""


def first_call_ms(cache_dir: str | None) -> str:
    """Time of the first two evaluations in a new process (numba import + compile, or load from cache)."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_CALL], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def bench_evaluation() -> None:
    import talib

    from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
    from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
    from upbit_auto_trading.domain.trigger.evaluation import evaluate_condition
    from upbit_auto_trading.domain.trigger.operators import Operator

    with tempfile.TemporaryDirectory() as empty_cache:
        compile_ms = first_call_ms(empty_cache)
    cached_ms = first_call_ms(None)
    print(
        f"First RSI + SMA evaluation in a new process (after imports): {compile_ms} ms with an empty numba cache "
        f"(compile), {cached_ms} ms with the cache (numba import + load)"
    )

    size = 1_000_000
    rng = np.random.default_rng(1)
    close = np.round(5e7 + np.cumsum(rng.normal(0, 5e4, size)), -3)
    start = np.arange(size, dtype=np.int64) * 60
    candles = CandleArrays("KRW-BTC", "1m", start, close, close, close, close, np.ones(size), close)
    rsi = TradingCondition("rsi", VariableRef("RSI", {"period": 14}), Operator.CROSSES_ABOVE, FixedValue(30))
    golden = TradingCondition(
        "golden",
        VariableRef("SMA", {"period": 20}),
        Operator.CROSSES_ABOVE,
        VariableRef("SMA", {"period": 60}),
    )
    evaluate_condition(rsi, candles)  # warm-up: numba kernels compiled or loaded from the cache
    evaluate_condition(golden, candles)

    ours_rsi, talib_rsi, ratio_rsi = paired_ms(
        lambda: evaluate_condition(rsi, candles), lambda: talib.RSI(close, 14)
    )
    ours_sma, talib_sma, ratio_sma = paired_ms(
        lambda: evaluate_condition(golden, candles), lambda: (talib.SMA(close, 20), talib.SMA(close, 60))
    )
    print(
        f"RSI(14) crosses_above 30 over 1M candles: ours {ours_rsi:.1f} ms, TA-Lib RSI alone {talib_rsi:.1f} ms "
        f"({ratio_rsi:.2f}x, median of paired rounds)"
    )
    print(
        f"SMA(20) crosses_above SMA(60) over 1M candles: ours {ours_sma:.1f} ms, TA-Lib 2x SMA {talib_sma:.1f} ms "
        f"({ratio_sma:.2f}x, median of paired rounds)"
    )


def bench_preview() -> None:
    from dependency_injector import providers
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.screens import trigger_builder_services
    from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
    from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
    from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder

    app = QApplication.instance() or QApplication(sys.argv)
    rng = np.random.default_rng(2)
    close = np.round(4e7 + np.cumsum(rng.normal(0, 2e5, 2600)), -3)
    start = 1_650_000_000 // 3600 * 3600 + 3600 * np.arange(close.size, dtype=np.int64)
    arrays = CandleArrays(
        "KRW-BTC", "1h", start, close, close * 1.01, close * 0.99, close, np.ones_like(close), close
    )

    class Reader:
        def load_arrays(self, market, timeframe, start=None, end=None):
            return arrays

    from datetime import UTC, datetime

    from upbit_auto_trading.application.market_data.dto import SeriesSummary

    class Series:
        def execute(self, with_gaps=True):
            first, last = (datetime.fromtimestamp(int(t), UTC) for t in (start[0], start[-1]))
            return [SeriesSummary("KRW-BTC", "1h", first, last, int(close.size))]

    container = build_container(home=tempfile.mkdtemp())
    container.core.database_session()
    container.market_data.candle_reader.override(providers.Object(Reader()))
    container.market_data.list_series.override(providers.Object(Series()))
    widget = build_trigger_builder(trigger_builder_services(container))
    widget.presenter._runner = ImmediateBackgroundWork()  # measure compute + redraw in one call
    widget.resize(1400, 850)
    widget.show()
    deadline = time.perf_counter() + 20
    while widget.presenter._busy and time.perf_counter() < deadline:  # the first preview runs on a worker
        app.processEvents()
        time.sleep(0.01)
    periods = iter(range(5, 500))

    def change() -> None:
        widget.params.set_value("period", str(next(periods)))
        widget.presenter.form_changed()
        widget.chart.graphics.repaint()
        app.processEvents()

    change()
    # a benchmark that draws nothing measures nothing: the preview must have been computed and shown
    if widget.presenter.preview_count is None:
        raise SystemExit("the preview was not computed (no candles reached it): benchmark invalid")
    print(
        f"Preview of 2,000 candles after a parameter change (RSI period, evaluate + redraw): {median_ms(change, 15):.1f} ms"
    )
    widget.presenter.variable_changed("SMA")
    widget.variable_radio.setChecked(True)
    widget.presenter.target_variable_changed("SMA")
    widget.target_params.set_value("period", "60")
    print(f"Preview of 2,000 candles, SMA(n) vs SMA(60) overlay: {median_ms(change, 15):.1f} ms")


if __name__ == "__main__":
    bench_evaluation()
    bench_preview()
