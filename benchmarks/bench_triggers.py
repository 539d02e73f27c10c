"""Trigger evaluation over 1,000,000 candles next to TA-Lib, and the trigger builder preview redraw.

Run: python benchmarks/bench_triggers.py   (needs TA-Lib; the preview part needs PyQt6, offscreen is fine)
Prints medians of 7 runs, all measured in the same process.
"""

from __future__ import annotations

import os
import statistics
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


def bench_evaluation() -> None:
    import talib

    from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
    from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
    from upbit_auto_trading.domain.trigger.evaluation import evaluate_condition
    from upbit_auto_trading.domain.trigger.operators import Operator

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
    evaluate_condition(rsi, candles)  # warm BLAS threads up

    ours_rsi = median_ms(lambda: evaluate_condition(rsi, candles))
    talib_rsi = median_ms(lambda: talib.RSI(close, 14))
    ours_sma = median_ms(lambda: evaluate_condition(golden, candles))
    talib_sma = median_ms(lambda: (talib.SMA(close, 20), talib.SMA(close, 60)))
    print(
        f"RSI(14) crosses_above 30 over 1M candles: ours {ours_rsi:.1f} ms, TA-Lib RSI alone {talib_rsi:.1f} ms "
        f"({ours_rsi / talib_rsi:.1f}x)"
    )
    print(
        f"SMA(20) crosses_above SMA(60) over 1M candles: ours {ours_sma:.1f} ms, TA-Lib 2x SMA {talib_sma:.1f} ms "
        f"({ours_sma / talib_sma:.1f}x)"
    )


def bench_preview() -> None:
    from dependency_injector import providers
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
    from upbit_auto_trading.presentation.desktop.trigger_builder.model import ImmediateRunner
    from upbit_auto_trading.presentation.desktop.trigger_builder.view import create_trigger_builder

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

    container = build_container(home=tempfile.mkdtemp())
    container.core.database_session()
    container.market_data.candle_reader.override(providers.Object(Reader()))
    widget = create_trigger_builder(container)
    widget.presenter._runner = ImmediateRunner()  # measure compute + redraw in one call
    widget.resize(1400, 850)
    widget.show()
    app.processEvents()
    periods = iter(range(5, 500))

    def change() -> None:
        widget.params.set_value("period", str(next(periods)))
        widget.presenter.form_changed()
        widget.chart.graphics.repaint()
        app.processEvents()

    change()
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
