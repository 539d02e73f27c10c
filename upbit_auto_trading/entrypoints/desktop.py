"""Start the desktop app: parse arguments, build the container, run the Qt loop under qasync."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.container import ApplicationContainer
    from upbit_auto_trading.presentation.desktop.main_window import MainWindow

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
    parser.add_argument("--screenshot-delay", type=int, default=600, metavar="MS",
                        help="wait this long after showing before the screenshot (default 600)")
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
    except Exception as exc:  # a broken config, registry or database: one clear line, no traceback
        sys.stderr.write("error: " + " ".join(str(exc).split()) + "\n")
        return 1

    import qasync
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.presentation.desktop.app import configure_application

    existing = QApplication.instance()  # a QCoreApplication as far as the type says
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("upbit-auto-trading")
    app.setOrganizationName("upbit-auto-trading")
    configure_application(app)  # app-wide input rules (the wheel needs focus) before any widget exists
    # The window's close ends run_app(), which stops the bus (persisting what is undelivered) before the
    # loop ends; Qt must not quit on its own first.
    app.setQuitOnLastWindowClosed(False)
    try:
        code = qasync.run(run_app(app, container, args))
    except asyncio.CancelledError:
        code = 0
    finally:
        container.core.database_session().close_all()
    return int(code or 0)


async def run_app(app: QApplication, container: ApplicationContainer, args: argparse.Namespace) -> int:
    """The desktop session on the running qasync loop: bus up, window shown, wait for close, bus down."""
    from PyQt6.QtCore import QTimer

    from upbit_auto_trading.container.screens import close_trading, desktop_services, event_monitor_services
    from upbit_auto_trading.presentation.desktop.app import create_main_window, schedule_screenshot
    from upbit_auto_trading.presentation.desktop.event_monitor.screen import build as build_event_monitor
    from upbit_auto_trading.presentation.desktop.exception_hook import ExceptionHook

    ExceptionHook().install()
    bus = container.event_bus.bus()
    await bus.start()
    exit_code = 0
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    try:
        window = create_main_window(app, desktop_services(container), language=args.lang, bus=bus)
        container.event_bus.log_handler()  # from here on, log lines reach the log dock through the bus

        def close_once() -> None:  # closed twice (a second close event) is one close
            if not closed.done():
                closed.set_result(None)

        window.closed.connect(close_once)
        window.add_dock(build_event_monitor(event_monitor_services(container), window), shortcut="Ctrl+Shift+E")
        window.watch_trading_state(container.event_bus.gate())
        window.follow_data_changes(bus)
        _show_window(app, window, container, args)

        def finish(code: int) -> None:
            nonlocal exit_code
            exit_code = code
            window.close()

        daily = asyncio.get_running_loop().create_task(_automatic_backup(container, "daily"))
        asyncio.get_running_loop().create_task(_warm_up_kernels())
        if args.screenshot:
            schedule_screenshot(window, Path(args.screenshot), finish, delay_ms=args.screenshot_delay)
        elif args.exit_after_show:
            QTimer.singleShot(0, lambda: finish(0))
        await closed
        await close_trading(container)  # the sessions stay running, detached: the next start resumes them
        await daily
        await _automatic_backup(container, "exit")
    finally:
        await bus.stop(timeout=5)
    return exit_code


def _show_window(
    app: QApplication, window: MainWindow, container: ApplicationContainer, args: argparse.Namespace
) -> None:
    """Theme and tab as asked, the window shown, then the trading tab built when sessions are running."""
    from upbit_auto_trading.container.screens import has_running_sessions
    from upbit_auto_trading.presentation.desktop.theme import apply_theme

    if args.theme:
        apply_theme(app, args.theme)
    if args.tab:
        try:
            window.show_tab(args.tab)
        except StopIteration:
            log.warning("unknown tab %s", args.tab)
    window.show()
    log.info("window shown %.0f ms after start (epoch %.3f)", (time.perf_counter() - _T0) * 1000, time.time())
    if has_running_sessions(container):  # resume them now, reconciled, whichever tab is shown
        shown = window.tabs.currentIndex()
        window.tab_widget("trading")
        window.tabs.setCurrentIndex(shown)


async def _warm_up_kernels() -> None:
    """Load (or compile) the numba kernels in the background so the first preview or backtest starts at once."""
    try:
        from upbit_auto_trading.domain.kernels import warm_up_kernels

        await asyncio.to_thread(warm_up_kernels)
    except Exception:
        log.exception("warming up the numba kernels failed; the first use will compile them")


async def _automatic_backup(container: ApplicationContainer, occasion: str) -> None:
    """Daily / on-exit backups when the settings enable them; off the GUI thread, never fatal."""
    try:
        await asyncio.to_thread(container.profiles.automatic_backup().execute, occasion)
    except Exception:
        log.exception("the automatic %s backup failed", occasion)
