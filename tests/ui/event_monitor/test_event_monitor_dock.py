"""The event monitor dock on a real qasync loop: events reach the GUI through the timer, actions work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
import qasync

from upbit_auto_trading.application.event_bus import Event, EventPriority, RetryPolicy
from upbit_auto_trading.application.event_bus.gate import ConfigChangeRequest
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import event_monitor_services
from upbit_auto_trading.domain.trading.events import TradingStarted
from upbit_auto_trading.presentation.desktop.event_monitor.screen import build as build_event_monitor


@dataclass(frozen=True, kw_only=True)
class MonitorPing(Event):
    n: int = 0


@pytest.fixture
def qloop(qapp):
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def test_dock_shows_events_dead_letters_and_held_changes(qtbot, qloop, tmp_path: Path) -> None:
    container = build_container(home=tmp_path)
    container.core.database_session()
    bus = container.event_bus.bus()
    gate = container.event_bus.gate()
    gate.register_applier("profile.switch", lambda payload: None)
    bus.set_retry_policy(MonitorPing, RetryPolicy(max_retries=0))

    def fails_on_seven(event: MonitorPing) -> None:
        if event.n == 7:
            raise RuntimeError("cannot handle seven")

    bus.subscribe(MonitorPing, fails_on_seven, name="tests.fails_on_seven")

    async def scenario() -> None:
        await bus.start()
        dock = build_event_monitor(event_monitor_services(container), None)
        qtbot.addWidget(dock)
        dock.resize(900, 500)
        dock.show()
        root = MonitorPing(n=1, source="candle")
        await bus.publish(root, EventPriority.HIGH_SAFETY)
        await bus.publish(root.caused(MonitorPing(n=2, source="signal")), EventPriority.CRITICAL_TRADING)
        await bus.publish(MonitorPing(n=7, source="bad"), EventPriority.MEDIUM_CONFIG)
        await bus.publish(TradingStarted(strategy_id="rsi", market="KRW-BTC"), EventPriority.CRITICAL_TRADING)
        outcome = await gate.submit(
            ConfigChangeRequest(kind="profile.switch", payload={"to": "x"}, description="to x")
        )
        assert outcome.status == "held"
        await bus.join()
        for _ in range(40):  # the GUI timer drains the feed (250 ms)
            await asyncio.sleep(0.05)
            if dock.events_table.rowCount() >= 4 and dock.dead_table.rowCount() == 1:
                break
        assert dock.events_table.rowCount() >= 4
        assert dock.dead_table.rowCount() == 1
        assert dock.held_table.rowCount() == 1
        assert dock.failures_table.rowCount() == 1
        assert dock.queues_table.rowCount() == 5

        dock.priority_combo.setCurrentIndex(1)  # CRITICAL_TRADING only
        types = {dock.events_table.item(r, 2).text() for r in range(dock.events_table.rowCount())}
        priorities = {dock.events_table.item(r, 1).text() for r in range(dock.events_table.rowCount())}
        assert priorities == {"CRITICAL_TRADING"} and "TradingStarted" in types
        dock.priority_combo.setCurrentIndex(0)

        dock.presenter.follow_event(root.event_id)
        assert dock.chain_tree.topLevelItemCount() == 1
        assert dock.chain_tree.topLevelItem(0).childCount() == 1

        dock.tabs.setCurrentIndex(0)
        dock.grab().save(str(tmp_path / "event_monitor.png"))

        dock.dead_table.selectRow(0)
        await dock.presenter.discard_dead_letter(dock.dead_table.item(0, 0).data(0x0100))
        assert dock.dead_table.rowCount() == 0
        dock.held_table.selectRow(0)
        await dock.presenter.cancel_held(dock.held_table.item(0, 0).data(0x0100))
        assert dock.held_table.rowCount() == 0
        dock.timer.stop()
        await bus.stop()

    qloop.run_until_complete(scenario())
    container.core.database_session().close_all()
