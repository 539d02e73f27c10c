"""Regenerate docs/images/analysis.png: three real runs of the 7-rule sample on the bundled KRW-BTC 1h candles
compared in the analysis tab. Two cover 2022 (one with a smaller capital, a higher fee and slippage), the
third starts in June, so its row is flagged and the line above the table says the periods differ.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_analysis_screenshot.py [OUT.png] [--home DIR] [--lang ko|en]
(a fresh home is seeded with the bundled candles and the sample strategy; Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from decimal import Decimal

from PyQt6.QtCore import Qt
from screenshot_support import IMAGES, SAMPLE, application, save, seeded_container, settle, shown, wait_until


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(IMAGES / "analysis.png"))
    parser.add_argument("--home")
    parser.add_argument("--lang", default="ko", choices=("ko", "en"))
    args = parser.parse_args()
    application(args.lang)

    from upbit_auto_trading.application.backtest.request import BacktestRequest
    from upbit_auto_trading.container.screens import analysis_services
    from upbit_auto_trading.presentation.desktop.analysis.screen import build

    container = seeded_container(args.home, "shot-analysis-")
    run = container.strategies.run_backtest()
    year = {"start": datetime(2022, 1, 1, tzinfo=UTC), "end": datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC)}
    for extra in ({}, {"initial_capital": Decimal(5_000_000), "fee_rate": Decimal("0.001"),
                       "slippage_rate": Decimal("0.0002")}, {"start": datetime(2022, 6, 1, tzinfo=UTC)}):  # fmt: skip
        run.execute(BacktestRequest(strategy=SAMPLE, market="KRW-BTC", timeframe="1h", **{**year, **extra}))

    widget = shown(build(analysis_services(container), None))
    wait_until(lambda: widget.runs.count() == 3, what="the stored runs")
    for i in range(widget.runs.count()):
        widget.runs.item(i).setCheckState(Qt.CheckState.Checked)
    wait_until(lambda: widget.notice.isVisibleTo(widget), what="the periods notice")
    settle(30, 0.01)
    save(widget, args.out)
    print(widget.notice.text())


if __name__ == "__main__":
    main()
