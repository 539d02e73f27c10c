"""Regenerate docs/images/analysis.png: three real runs of the 7-rule sample on the bundled KRW-BTC 1h candles
compared in the analysis tab. Two cover 2022 (one with a smaller capital, a higher fee and slippage), the
third starts in June, so its row is flagged and the line above the table says the periods differ.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_analysis_screenshot.py [OUT.png] [--home DIR] [--lang ko|en]
(a fresh home is seeded with the bundled candles and the sample strategy; Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "Basic 7-rule (기본 7규칙)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "images" / "analysis.png"))
    parser.add_argument("--home")
    parser.add_argument("--lang", default="ko")
    args = parser.parse_args()
    app = QApplication([])

    from upbit_auto_trading.application.backtest.request import BacktestRequest
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.startup import startup
    from upbit_auto_trading.presentation.desktop.analysis.view import create_analysis_tab
    from upbit_auto_trading.presentation.desktop.app import _prefer_cjk_font
    from upbit_auto_trading.presentation.desktop.i18n import set_language
    from upbit_auto_trading.presentation.desktop.theme import apply_theme

    set_language(args.lang)
    apply_theme(app, "light")
    _prefer_cjk_font(app)
    container = build_container(home=Path(args.home or tempfile.mkdtemp(prefix="shot-analysis-")))
    startup(container)
    run = container.strategies.run_backtest()
    year = {"start": datetime(2022, 1, 1, tzinfo=UTC), "end": datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC)}
    for extra in ({}, {"initial_capital": Decimal(5_000_000), "fee_rate": Decimal("0.001"),
                       "slippage_rate": Decimal("0.0002")}, {"start": datetime(2022, 6, 1, tzinfo=UTC)}):  # fmt: skip
        run.execute(BacktestRequest(strategy=SAMPLE, market="KRW-BTC", timeframe="1h", **{**year, **extra}))

    widget = create_analysis_tab(container)
    widget.resize(1500, 950)
    widget.show()
    for i in range(widget.runs.count()):
        widget.runs.item(i).setCheckState(Qt.CheckState.Checked)
    for _ in range(30):
        app.processEvents()
    widget.grab().save(args.out)
    print("wrote", args.out, "|", widget.notice.text())


if __name__ == "__main__":
    main()
