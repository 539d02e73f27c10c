"""Regenerate docs/images/backtest.png: a real run of the 7-rule sample on the bundled KRW-BTC 1h candles,
then two more runs held in the queue (one running at 40 %, one waiting) so the run queue shows.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_backtest_screenshot.py [OUT.png] [--home DIR]
(a fresh home is seeded with the bundled candles and the sample strategy; Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
import dataclasses
import threading

from screenshot_support import IMAGES, SAMPLE, application, save, seeded_container, settle, shown, wait_until


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(IMAGES / "backtest.png"))
    parser.add_argument("--home")
    args = parser.parse_args()
    application("ko")

    from upbit_auto_trading.application.backtest.queue import BacktestQueue
    from upbit_auto_trading.container.screens import backtest_services
    from upbit_auto_trading.domain.backtest import BacktestCancelled
    from upbit_auto_trading.domain.work import Progress
    from upbit_auto_trading.infrastructure.backtest.thread_pool import ThreadWorkerPool
    from upbit_auto_trading.presentation.desktop.backtest.screen import build

    container = seeded_container(args.home, "shot-backtest-")
    real = container.strategies.run_backtest()
    hold = threading.Event()  # set: the runs after the first stop at 40 % until the picture is taken
    release = threading.Event()

    def run(request, progress, cancel):  # noqa: ANN001, ANN202 - the real run, held once ``hold`` is set
        if hold.is_set():
            progress(Progress(0.4, 1, "engine"))
            while not release.wait(0.01):
                if cancel.cancelled:
                    raise BacktestCancelled("cancelled")
        return real.execute(request, progress, cancel)

    queue = BacktestQueue(run, ThreadWorkerPool(workers=1))
    widget = shown(build(dataclasses.replace(backtest_services(container), queue=queue), None))

    wait_until(lambda: widget.strategy.findText(SAMPLE) >= 0, what="the strategies")
    widget.strategy.setCurrentText(SAMPLE)
    widget.market.setCurrentText("KRW-BTC")
    widget.timeframe.setCurrentText("1h")
    widget.run_button.click()
    wait_until(lambda: widget.runs.rowCount() >= 1, what="the first run")
    print("result:", widget.status.text())

    hold.set()
    widget.start.setText("2022-01-01")
    widget.run_button.click()
    widget.market.setCurrentText("USD-BTC")
    widget.run_button.click()
    wait_until(
        lambda: widget.queue.row(3) is not None and "40%" in (widget.queue.row(2).state.text() or ""),
        30,
        "the held runs in the queue",
    )
    settle(20, 0.01)
    save(widget, args.out)
    release.set()
    queue.shutdown(wait=False)


if __name__ == "__main__":
    main()
