"""Regenerate docs/images/robustness-sweep.png and docs/images/robustness-walkforward.png: the Robustness page of
the analysis tab on a fresh home (bundled KRW-BTC 1h candles, the 7-rule sample strategy).

The sweep varies the entry trigger's RSI period and threshold over 2021-2022 (a 7 x 6 grid) and shows the Sharpe
heatmap, the ranked table and the overfitting card; the walk-forward runs the same grid over 2021-2022 with
120-day train and 30-day test windows and shows the stitched out-of-sample equity and the parameters chosen per
window. Both are run from the form, as a user would.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_robustness_screenshots.py [--out-dir DIR] [--home DIR]
[--lang ko|en] [--theme light|dark] [--workers N] (Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from screenshot_support import IMAGES, SAMPLE, application, save, seeded_container, settle, shown, wait_until

PARAMETERS = (("entry.0.params.period", "8", "20", "2"), ("entry.0.value", "15", "40", "5"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", default=str(IMAGES))
    parser.add_argument("--home")
    parser.add_argument("--lang", default="en", choices=("ko", "en"))
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--workers", type=int, default=0, help="0: one per core")
    parser.add_argument("--suffix", default="", help="appended to the file names, e.g. -ko-dark")
    args = parser.parse_args()
    application(args.lang, args.theme)

    from upbit_auto_trading.container.screens import robustness_services
    from upbit_auto_trading.presentation.desktop.robustness.screen import build

    container = seeded_container(args.home, "shot-robustness-")
    widget = shown(build(robustness_services(container), None), 1500, 980)
    wait_until(lambda: widget.strategy.findText(SAMPLE) >= 0, what="the strategies")
    widget.strategy.setCurrentText(SAMPLE)
    wait_until(lambda: widget.parameters.rowCount() > 0, what="the parameters")
    widget.market.setCurrentText("KRW-BTC")
    widget.timeframe.setCurrentText("1h")
    widget.start.setText("2021-01-01")
    widget.end.setText("2022-12-31")
    widget.workers.setValue(args.workers)
    for path, start, stop, step in PARAMETERS:
        widget.parameters.set_swept(path, start, stop, step)
    out = Path(args.out_dir)

    widget.mode.setCurrentIndex(0)
    widget.run_button.click()
    wait_until(
        lambda: widget.run_button.isEnabled() and widget.sweep_page.table.rowCount() > 0, 900, "the sweep"
    )
    settle(30, 0.01)
    save(widget, out / f"robustness-sweep{args.suffix}.png")
    print(widget.status.text())

    widget.mode.setCurrentIndex(1)
    widget.train.setText("120d")
    widget.test.setText("30d")
    widget.run_button.click()
    wait_until(lambda: widget.run_button.isEnabled() and widget.walk_forward_page.table.rowCount() > 0, 900,
               "the walk-forward")  # fmt: skip
    settle(30, 0.01)
    save(widget, out / f"robustness-walkforward{args.suffix}.png")
    print(widget.status.text())


if __name__ == "__main__":
    main()
