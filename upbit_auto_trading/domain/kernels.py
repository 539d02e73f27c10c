"""Load every numba kernel of the domain (compiling it on a machine's first run) in one call.

The desktop calls this once in the background after the window is shown, so the first trigger preview or
backtest does not pay numba's load (about a second) or first compile (a few seconds) while the user waits.
"""

from __future__ import annotations


def warm_up_kernels() -> None:
    from upbit_auto_trading.domain.backtest.engine import warm_up as warm_up_backtest
    from upbit_auto_trading.domain.indicators._compiled import warm_up as warm_up_indicators
    from upbit_auto_trading.domain.trigger._compare_kernels import warm_up as warm_up_comparisons

    warm_up_indicators()
    warm_up_comparisons()
    warm_up_backtest()
