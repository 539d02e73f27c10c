"""Regenerate the analysis tab's screenshots in docs/images/ from real runs on a fresh home seeded with the
bundled Upbit KRW-BTC 1h candles and the 7-rule sample strategy:

- ``analysis.png``: three runs compared; two cover 2022 (one with a smaller capital, a higher fee and
  slippage), the third starts in June, so its row is flagged and the line above the table says so;
- ``analysis-equity.png``, ``analysis-returns.png``, ``analysis-trades.png``, ``analysis-breakdowns.png``:
  the sample over the whole bundled history (2017-09 to 2023-05);
- ``analysis-metrics.png``: the metrics card of the 2022 runs and the June one (its period flagged);
- ``analysis-sensitivity.png``: a 4h run with 2 % stop and take-profit levels, read stop first, take-profit
  first and along the 1h candles (the 4h candles are resampled from them), with its warning;
- ``analysis-monte-carlo.png``: 2,000 paths of the long run's trades;
- ``analysis-returns-ko-dark.png``: the calendar returns and rolling risk in Korean on the dark theme.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_analysis_screenshot.py [--home DIR] [--only NAME...]
(Korean needs a CJK font: fonts-noto-cjk). Every image is 1200 x 800, the smallest window the tab is made for.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from PyQt6.QtCore import Qt
from screenshot_support import IMAGES, SAMPLE, application, save, seeded_container, settle, shown, wait_until

SIZE = (1200, 800)
TIGHT = "Tight 2% levels (4h)"


def _runs(container: Any) -> dict[str, int]:
    """The runs the screenshots show, by name."""
    from upbit_auto_trading.application.backtest.request import BacktestRequest

    run = container.strategies.run_backtest()
    year = {"start": datetime(2022, 1, 1, tzinfo=UTC), "end": datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC)}
    ids: dict[str, int] = {}
    for name, extra in (
        ("year", {}),
        ("costly", {"initial_capital": Decimal(5_000_000), "fee_rate": Decimal("0.001"),
                    "slippage_rate": Decimal("0.0002")}),
        ("june", {"start": datetime(2022, 6, 1, tzinfo=UTC)}),
    ):  # fmt: skip
        ids[name] = run.execute(
            BacktestRequest(strategy=SAMPLE, market="KRW-BTC", timeframe="1h", **{**year, **extra})
        ).run_id
    ids["long"] = run.execute(BacktestRequest(strategy=SAMPLE, market="KRW-BTC", timeframe="1h")).run_id
    # 4h candles from the stored hours: the hours are then the finer candles of the 4h run's path replay
    container.market_data.resample_series().execute("KRW-BTC", "1h", "4h")
    container.strategies.create_strategy().execute({
        "schema_version": 1, "name": TIGHT,
        "entry": {"groups": [{"triggers": ["RSI(14) below 20"]},
                             {"triggers": ["Crash: close 3% below previous close"]}]},
        "management": [{"type": "stop_take_profit", "stop_loss_pct": 2, "take_profit_pct": 2}],
        "sizing": {"mode": "cash_percent", "value": 50},
    })  # fmt: skip
    ids["tight"] = run.execute(
        BacktestRequest(strategy=TIGHT, market="KRW-BTC", timeframe="4h", **year)
    ).run_id
    return ids


def _select(widget: Any, focus: int, checked: list[int]) -> None:
    """Check ``checked``, click ``focus``, and wait until the screen shows it."""
    for i in range(widget.runs.count()):
        item = widget.runs.item(i)
        run_id = int(item.data(Qt.ItemDataRole.UserRole))
        item.setCheckState(Qt.CheckState.Checked if run_id in checked else Qt.CheckState.Unchecked)
        if run_id == focus:
            widget.runs.setCurrentItem(item)
    wait_until(lambda: widget.focus_title.text().startswith(f"#{focus} "), what=f"run #{focus}")
    wait_until(lambda: not widget.busy.progress.isVisible(), what="the analyses")


def _shot(widget: Any, tab: str, name: str) -> None:
    widget.show_tab(tab)
    settle(20, 0.02)
    save(widget, IMAGES / name)


def english(container: Any, ids: dict[str, int], only: set[str]) -> None:
    from upbit_auto_trading.container.screens import analysis_services
    from upbit_auto_trading.presentation.desktop.analysis.screen import build

    widget = shown(build(analysis_services(container), None), *SIZE)
    wait_until(lambda: widget.runs.count() == len(ids), what="the stored runs")

    def wanted(name: str) -> bool:
        return not only or name in only

    if wanted("analysis.png"):
        _select(widget, ids["year"], [ids["year"], ids["costly"], ids["june"]])
        wait_until(lambda: widget.notice.isVisibleTo(widget), what="the periods notice")
        _shot(widget, "compare", "analysis.png")
        print(widget.notice.text())
    if wanted("analysis-metrics.png"):
        _select(widget, ids["year"], [ids["year"], ids["costly"], ids["june"]])
        _shot(widget, "metrics", "analysis-metrics.png")
    _select(widget, ids["long"], [])
    widget.log_scale.setChecked(True)  # six years of bitcoin: buy-and-hold went up tenfold
    for tab, name in (("equity", "analysis-equity.png"), ("returns", "analysis-returns.png"),
                      ("trades", "analysis-trades.png"), ("breakdowns", "analysis-breakdowns.png")):  # fmt: skip
        if wanted(name):
            _shot(widget, tab, name)
    if wanted("analysis-monte-carlo.png"):
        widget.show_tab("monte_carlo")
        widget.monte_carlo.paths.setValue(2000)
        widget.monte_carlo.task.run_button.click()
        wait_until(lambda: widget.monte_carlo.table.rowCount() == 8, what="the Monte Carlo")
        _shot(widget, "monte_carlo", "analysis-monte-carlo.png")
    if wanted("analysis-sensitivity.png"):
        _select(widget, ids["tight"], [])
        widget.show_tab("sensitivity")
        widget.sensitivity.task.run_button.click()
        wait_until(lambda: widget.sensitivity.table.rowCount() > 0, what="the fill sensitivity")
        _shot(widget, "sensitivity", "analysis-sensitivity.png")
        print(widget.sensitivity.warning.text() or widget.sensitivity.summary.text())
    widget.close()


def korean_dark(container: Any, ids: dict[str, int]) -> None:
    from upbit_auto_trading.container.screens import analysis_services
    from upbit_auto_trading.presentation.desktop.analysis.screen import build

    application("ko", "dark")  # the same application: widgets built from now on are Korean and dark
    widget = shown(build(analysis_services(container), None), *SIZE)
    wait_until(lambda: widget.runs.count() == len(ids), what="the stored runs")
    _select(widget, ids["long"], [])
    _shot(widget, "returns", "analysis-returns-ko-dark.png")
    widget.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home")
    parser.add_argument("--only", nargs="*", default=[], help="image file names to make (default: all)")
    args = parser.parse_args()
    application("en", "light")
    container = seeded_container(args.home, "shot-analysis-")
    ids = _runs(container)
    only = set(args.only)
    english(container, ids, only)
    if not only or "analysis-returns-ko-dark.png" in only:
        korean_dark(container, ids)


if __name__ == "__main__":
    main()
