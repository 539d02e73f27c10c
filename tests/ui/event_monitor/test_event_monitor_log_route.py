"""Log lines reach the lead's log dock through the bus (LogLineEvent at LOW_LOGGING)."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import qasync

from upbit_auto_trading.application.event_bus import LogLineEvent
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.infrastructure.logging.bus_handler import remove_bus_log_handler
from upbit_auto_trading.presentation.desktop.log_viewer.dock import LogDock

log = logging.getLogger("tests.log_route")


def test_log_dock_fed_by_the_bus(qtbot, qapp, tmp_path: Path) -> None:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    container = build_container(home=tmp_path)
    container.core.database_session()
    bus = container.event_bus.bus()
    dock = LogDock(None)
    qtbot.addWidget(dock)
    old_level = log.level
    log.setLevel(logging.INFO)

    async def scenario() -> None:
        await bus.start()
        handler = container.event_bus.log_handler()
        bus.subscribe(LogLineEvent, dock.enqueue)
        try:
            log.info("line from the GUI thread")
            worker = threading.Thread(target=lambda: log.warning("line from a worker thread"))
            worker.start()
            await asyncio.to_thread(worker.join)
            await asyncio.sleep(0.05)
            await bus.join()
            dock.drain()
        finally:
            remove_bus_log_handler(handler)
            await bus.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        log.setLevel(old_level)
        asyncio.set_event_loop(None)
        loop.close()
        container.core.database_session().close_all()
    text = dock.text.toPlainText()
    assert "tests.log_route: line from the GUI thread" in text
    assert "tests.log_route: line from a worker thread" in text
