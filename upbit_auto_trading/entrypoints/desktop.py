"""Start the desktop app: parse arguments, build the container, run the Qt loop under qasync."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_T0 = time.perf_counter()

log = logging.getLogger("upbit_auto_trading.desktop")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run_desktop_ui.py", description="Upbit auto-trading workstation")
    parser.add_argument("--home", help="application home (data, config, logs, backups)")
    parser.add_argument("--profile", help="database profile to open")
    parser.add_argument("--lang", choices=("auto", "ko", "en"), help="UI language for this run")
    parser.add_argument("--theme", choices=("light", "dark"), help="UI theme for this run")
    parser.add_argument("--tab", help="tab to show first (trigger_builder, strategy_maker, backtest, analysis, ...)")
    parser.add_argument("--screenshot", metavar="FILE", help="render the window once shown, save a PNG and exit")
    parser.add_argument("--exit-after-show", action="store_true", help="exit 0 once the window is shown (timing)")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.logging_setup import configure_logging
    from upbit_auto_trading.container.startup import startup

    try:
        container = build_container(home=args.home, profile=args.profile)
        configure_logging(container)
        startup(container)
    except Exception as exc:  # a broken config or database: one clear message, no traceback
        sys.stderr.write(f"error: {exc}\n")
        return 1

    import qasync
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.presentation.desktop.app import create_main_window, schedule_screenshot
    from upbit_auto_trading.presentation.desktop.exception_hook import ExceptionHook
    from upbit_auto_trading.presentation.desktop.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("upbit-auto-trading")
    app.setOrganizationName("upbit-auto-trading")
    ExceptionHook().install()
    window = create_main_window(app, container, language=args.lang)
    if args.theme:
        apply_theme(app, args.theme)
    if args.tab:
        try:
            window.show_tab(args.tab)
        except StopIteration:
            log.warning("unknown tab %s", args.tab)
    window.show()
    log.info("window shown %.0f ms after start", (time.perf_counter() - _T0) * 1000)
    if args.screenshot:
        schedule_screenshot(window, Path(args.screenshot))

    async def run_until_quit() -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        app.aboutToQuit.connect(lambda: future.done() or future.set_result(None))
        if args.exit_after_show:
            # scheduled from inside the running loop: an exit requested before the loop starts is lost
            QTimer.singleShot(0, app.quit)
        await future

    try:
        qasync.run(run_until_quit())
    except asyncio.CancelledError:
        pass
    finally:
        container.core.database_session().close_all()
    return 0
