"""A trigger saved and deleted in the trigger builder (the real use cases, real SQLite, the container's bus on
the qasync loop) shows up in the event monitor as TriggerSaved / TriggerDeleted rows at MEDIUM_CONFIG."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import qasync

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import event_monitor_services, trigger_builder_services
from upbit_auto_trading.presentation.desktop.event_monitor.screen import build as build_event_monitor
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder


@pytest.fixture
def qloop(qapp):
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def _rows(table) -> list[tuple[str, str, str]]:
    """(priority, event type, summary) of every row shown."""
    return [
        (table.item(r, 1).text(), table.item(r, 2).text(), table.item(r, 5).text())
        for r in range(table.rowCount())
    ]


def test_monitor_shows_a_trigger_saved_and_deleted_in_the_trigger_builder(
    qtbot, qloop, tmp_path: Path
) -> None:
    container = build_container(home=tmp_path, overrides={"market_data": {"seed_bundled": False}})
    container.core.database_session()
    bus = container.event_bus.bus()

    async def scenario() -> None:
        await bus.start()
        dock = build_event_monitor(event_monitor_services(container), None)
        qtbot.addWidget(dock)
        builder = build_trigger_builder(trigger_builder_services(container))
        qtbot.addWidget(builder)
        builder.name_edit.setText("rsi watch")
        assert builder.presenter.save()
        assert builder.selected_saved() == "rsi watch"  # the saved trigger is selected in the list
        builder.confirm = lambda question: True  # the "Delete trigger?" question, answered
        builder.presenter.delete()
        assert container.triggers.list_triggers().execute("rsi watch") == []
        await bus.join()
        rows: list[tuple[str, str, str]] = []
        for _ in range(40):  # the monitor's timer drains its feed every 250 ms
            await asyncio.sleep(0.05)
            rows = _rows(dock.events_table)
            if {"TriggerSaved", "TriggerDeleted"} <= {kind for _, kind, _ in rows}:
                break
        saved = next(row for row in rows if row[1] == "TriggerSaved")
        deleted = next(row for row in rows if row[1] == "TriggerDeleted")
        assert saved[0] == deleted[0] == "MEDIUM_CONFIG"
        assert "name=rsi watch" in saved[2] and "change=created" in saved[2]
        assert "name=rsi watch" in deleted[2]
        dock.timer.stop()
        await bus.stop()

    qloop.run_until_complete(scenario())
    container.core.database_session().close_all()
