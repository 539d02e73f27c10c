"""Regenerate docs/images/trading-tab.png (English, light) and trading-tab-ko-dark.png (Korean, dark): the main
window on the Trading tab during a real paper replay of the 7-rule sample on the bundled KRW-BTC 1h candles,
grabbed while a position is open, with the session's entries and exits on the chart.

Usage: QT_QPA_PLATFORM=offscreen python docs/make_trading_screenshot.py [--lang en|ko] [--theme light|dark]
       [--out FILE] [--home DIR]
(a fresh home is seeded with the bundled candles and the sample strategy; Korean needs a CJK font such as
fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import asyncio

from screenshot_support import IMAGES, SAMPLE, seeded_container


async def shoot(app: object, args: argparse.Namespace) -> None:
    from upbit_auto_trading.container.screens import close_trading, desktop_services
    from upbit_auto_trading.presentation.desktop.app import create_main_window
    from upbit_auto_trading.presentation.desktop.theme import apply_theme

    container = seeded_container(args.home, "shot-trading-")
    bus = container.event_bus.bus()
    await bus.start()
    window = create_main_window(app, desktop_services(container), language=args.lang, bus=bus)  # type: ignore[arg-type]
    apply_theme(app, args.theme)  # type: ignore[arg-type]
    gate = container.event_bus.gate()
    window.watch_trading_state(gate)  # as the app does: the status bar reads the gate every second
    window.resize(1500, 950)
    window.show()
    tab = window.show_tab("trading")
    window.log_dock.hide()

    async def until(condition, seconds: float = 120) -> None:  # noqa: ANN001
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while not condition():
            if loop.time() > end:
                raise SystemExit("timed out")
            await asyncio.sleep(0.05)

    await until(lambda: tab.strategy_combo.findText(SAMPLE) >= 0)
    tab.strategy_combo.setCurrentText(SAMPLE)
    tab.markets_edit.setCurrentText("KRW-BTC")
    tab.timeframe_combo.setCurrentText("1h")
    tab.mode_combo.setCurrentIndex(tab.mode_combo.findData("replay"))
    tab.from_edit.setText("2021-01-01")
    tab.to_edit.setText("2021-04-30")
    tab.speed_edit.setText("30")
    idle = window.trading_label.text()
    tab.start_button.click()
    # a few trades behind it and one open now, which the gate counts and the status bar's last tick showed
    await until(
        lambda: tab.fills_table.rowCount() >= 5 and tab.positions_table.rowCount() == 1
        and not gate.state.is_idle and window.trading_label.text() != idle,
        300,
    )
    tab.sessions_table.selectRow(0)
    tab.details.setCurrentIndex(0)
    window.log_dock.drain()
    ok = window.grab().save(args.out)
    print("saved", args.out, ok, "fills:", tab.fills_table.rowCount(), "|", window.trading_label.text())
    await container.trading.engine().emergency_stop(reason="screenshot done")
    await close_trading(container)
    window.close()
    await bus.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--out")
    parser.add_argument("--home")
    args = parser.parse_args()
    if not args.out:
        name = "trading-tab.png" if args.lang == "en" else f"trading-tab-{args.lang}-{args.theme}.png"
        args.out = str(IMAGES / name)
    import qasync
    from PyQt6.QtWidgets import QApplication

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(shoot(app, args))


if __name__ == "__main__":
    main()
