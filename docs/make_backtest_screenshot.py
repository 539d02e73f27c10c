"""Regenerate docs/images/backtest.png: a real run of the 7-rule sample on the bundled KRW-BTC 1h candles,
then two more runs held in the queue (one running at 40 %, one waiting) so the run queue shows.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_backtest_screenshot.py [OUT.png] [--home DIR]
(a fresh home is seeded with the bundled candles and the sample strategy; Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import threading
import time
from pathlib import Path

from PyQt6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "Basic 7-rule (기본 7규칙)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "images" / "backtest.png"))
    parser.add_argument("--home")
    args = parser.parse_args()
    app = QApplication([])

    from upbit_auto_trading.application.backtest.queue import BacktestQueue
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.startup import startup
    from upbit_auto_trading.domain.backtest import BacktestCancelled
    from upbit_auto_trading.presentation.desktop.backtest.view import create_backtest_tab

    container = build_container(home=Path(args.home or tempfile.mkdtemp(prefix="shot-backtest-")))
    startup(container)
    widget = create_backtest_tab(container)
    widget.resize(1500, 950)
    widget.show()

    def wait(condition, seconds: float = 120) -> None:  # noqa: ANN001
        deadline = time.monotonic() + seconds
        while not condition():
            app.processEvents()
            time.sleep(0.02)
            if time.monotonic() > deadline:
                raise SystemExit("timed out")

    widget.strategy.setCurrentText(SAMPLE)
    widget.market.setCurrentText("KRW-BTC")
    widget.timeframe.setCurrentText("1h")
    widget.run_button.click()
    wait(lambda: widget.runs.rowCount() >= 1)
    print("result:", widget.status.text())

    real = container.strategies.run_backtest()
    gate = threading.Event()

    def held(request, progress, cancel):  # noqa: ANN001, ANN202 - a real run, held at 40 % until the picture
        progress(0.4, "engine")
        while not gate.wait(0.01):
            if cancel.cancelled:
                raise BacktestCancelled("cancelled")
        return real.execute(request, progress, cancel)

    queue = BacktestQueue(held)
    queue._ids = itertools.count(2)  # after the real run's job 1
    widget.presenter.services.queue = queue
    widget.start.setText("2022-01-01")
    widget.run_button.click()
    widget.market.setCurrentText("USD-BTC")
    widget.run_button.click()
    wait(lambda: widget.queue.row(3) is not None and "40%" in (widget.queue.row(2).state.text() or ""), 30)
    for _ in range(20):
        app.processEvents()
    widget.grab().save(args.out)
    print("wrote", args.out)
    gate.set()
    queue.shutdown(wait=False)
    container.strategies.backtest_queue().shutdown(wait=False)


if __name__ == "__main__":
    main()
