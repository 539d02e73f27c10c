"""The desktop's trading engine runs on a thread and event loop of its own (``EngineHost``): its decisions and
journal writes happen off the GUI thread, the GUI keeps processing its events while the engine is held in a
long step, and an emergency stop issued while the engine is busy completes. The real tab on a real qasync
loop, the real engine, the real loopback Upbit server and SQLite: no mocks.

No timed assertions: a long engine step is a feed rule that holds the engine's thread until the GUI has
ticked (a QTimer on the GUI thread) or the test has acted. Were the engine on the GUI thread, the GUI could
not tick while it is held, and the test would fail on its 30 s safety bound instead.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from trading_drills import trading_tab, until  # tests/support: loaded by conftest.py

from upbit_auto_trading.application.trading.engine_host import ENGINE_THREAD
from upbit_auto_trading.container.screens import trading_services
from upbit_auto_trading.domain.trading.session import SessionState
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trading.dialogs import EmergencyDialog
from upbit_auto_trading.presentation.desktop.trading.view import TradingWidget

MARKET = "KRW-BTC"
HELD_STEPS = 5  # candles at which the engine's thread is held until the GUI has ticked
TICKS_WHILE_HELD = 3


def _start_replay(widget: TradingWidget, strategy: str, *, end: str, speed: str) -> None:
    widget.strategy_combo.setCurrentText(strategy)
    widget.markets_edit.setCurrentText(MARKET)
    widget.timeframe_combo.setCurrentText("1h")
    widget.mode_combo.setCurrentIndex(widget.mode_combo.findData("replay"))
    widget.budget_edit.setText("1,000,000")
    widget.from_edit.setText("2021-01-01")
    widget.to_edit.setText(end)
    widget.speed_edit.setText(speed)


class GuiTicks:
    """A QTimer on the GUI thread counting its ticks; other threads wait for it to tick."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()
        self._timer = QTimer()
        self._timer.setInterval(0)  # whenever the GUI's event loop gets to it
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def hold_until_ticked(self, times: int, bound: float = 30.0) -> tuple[int, int]:
        """Block the calling thread until the GUI has ticked ``times`` more; (count before, count after)."""
        with self._changed:
            before = self.count
            self._changed.wait_for(lambda: self.count >= before + times, timeout=bound)
            return before, self.count


def test_the_engine_decides_and_journals_off_the_gui_thread_and_the_gui_runs_during_its_long_steps(
    qtbot, qloop, home, drills, monkeypatch
) -> None:
    set_language("en")
    hooks = drills.FeedHooks()
    hooks.install(monkeypatch)
    container = drills.desk_container(home)
    strategy = drills.drill_strategy(container)
    gui_thread = threading.get_ident()
    ticks = GuiTicks()

    # every journal write of the engine, with the thread that made it (the real journal does the write)
    journal = container.trading.journal()
    writers: list[tuple[str, int]] = []
    for name in ("record_intent", "update", "add_fill"):

        def spy(*args: Any, _real: Any = getattr(journal, name), **kwargs: Any) -> Any:
            writers.append((threading.current_thread().name, threading.get_ident()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(journal, name, spy)

    # the engine's step between two candles (the feed hands the runner its next event): held there until
    # the GUI has ticked a few times, at the first candles
    held: list[tuple[str, int, int, int]] = []  # thread name, thread id, GUI ticks before, after

    def long_step(moment: Any) -> None:
        if moment.event.closed is None or len(held) >= HELD_STEPS:
            return
        before, after = ticks.hold_until_ticked(TICKS_WHILE_HELD)
        held.append((threading.current_thread().name, threading.get_ident(), before, after))

    hooks.every(long_step)

    async def scenario() -> None:
        bus = container.event_bus.bus()
        await bus.start()
        services = trading_services(container)
        hooks.engines.append(services.desk.engine)
        widget = trading_tab(qtbot, services)
        ticks.start()
        sessions = container.trading.sessions()
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            _start_replay(widget, strategy, end="2021-01-03T12:00", speed="0")  # as fast as it can
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: len(sessions.all()) == 1, 30, "the session")
            sid = sessions.all()[0].session_id
            await until(lambda: sessions.get(sid).state is SessionState.FINISHED, 90, "the end of the replay")
            await until(lambda: widget.sessions_table.rowCount() == 1
                        and widget.sessions_table.item(0, 4).text() == "finished", what="the tab")  # fmt: skip
            assert container.trading.journal().fills(sid), "the replay traded nothing"
        finally:
            ticks.stop()
            await services.desk.close()
            widget.close()
            await bus.stop()

    try:
        qloop.run_until_complete(asyncio.wait_for(scenario(), 150))
    finally:
        container.core.database_session().close_all()

    # the decisions: on the engine's thread, never the GUI's; the GUI ticked while each step held it
    assert len(held) == HELD_STEPS
    for name, ident, before, after in held:
        assert name == ENGINE_THREAD and ident != gui_thread
        assert after >= before + TICKS_WHILE_HELD, "the GUI did not run while the engine was in a long step"
    # the journal writes: on the same thread
    assert writers, "no journal write seen"
    assert {w[1] for w in writers} == {held[0][1]} and {w[0] for w in writers} == {ENGINE_THREAD}


def test_an_emergency_stop_issued_while_the_engine_is_busy_completes(
    qtbot, qloop, home, drills, monkeypatch
) -> None:
    set_language("en")
    hooks = drills.FeedHooks()
    hooks.install(monkeypatch)
    container = drills.desk_container(home)
    strategy = drills.drill_strategy(container, hold=50, cooldown=0)  # a position held for long
    busy, go_on = threading.Event(), threading.Event()
    asked_after: list[int] = []  # feed events the engine asked for once its long step was over

    def long_step(moment: Any) -> None:
        if busy.is_set():
            asked_after.append(1)
        elif moment.event.closed is not None and moment.holding():
            busy.set()  # a long step of the engine, a position open: its thread is held until the test says
            go_on.wait(60)

    hooks.every(long_step)

    async def scenario() -> None:
        bus = container.event_bus.bus()
        await bus.start()
        services = trading_services(container)
        desk = services.desk
        hooks.engines.append(desk.engine)
        widget = trading_tab(qtbot, services)
        sessions = container.trading.sessions()
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            _start_replay(widget, strategy, end="2021-01-10", speed="0")
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(busy.is_set, 60, "the engine busy with a position open")
            (session,) = sessions.all()
            running = desk.engine.running[session.session_id]
            server = running.adapters.server
            assert drills.coin_total(server) > 0 and desk.host is not None and desk.host.pending == 0

            # the engine's thread is held: the tab still asks, and takes the answer
            qtbot.mouseClick(widget.emergency_button, Qt.MouseButton.LeftButton)
            await until(lambda: isinstance(widget.dialog, EmergencyDialog), what="the emergency question")
            widget.dialog.flatten.setChecked(True)
            qtbot.mouseClick(widget.dialog.stop_button, Qt.MouseButton.LeftButton)
            await until(lambda: desk.host.pending == 1, what="the emergency stop handed to the engine")
            assert not go_on.is_set() and session.session_id in desk.engine.running

            go_on.set()  # the long step ends; the emergency stop is next, whatever the session was doing
            await until(lambda: sessions.get(session.session_id).state is SessionState.HALTED, 30, "the halt")
            await until(lambda: "Emergency stop done" in widget.status.text(), what="the tab's answer")
            assert "every position sold" in widget.status.text()
            assert not [o for o in drills.server_orders(server) if o.state == "wait"]
            assert drills.coin_total(server) == 0
            assert container.trading.journal().orders(session.session_id, unfinished_only=True) == []
            assert desk.host.pending == 0 and desk.engine.running == {}
            assert len(asked_after) <= 1, "the session went on deciding after the emergency stop"
        finally:
            go_on.set()
            await desk.close()
            widget.close()
            await bus.stop()

    try:
        qloop.run_until_complete(asyncio.wait_for(scenario(), 150))
    finally:
        go_on.set()
        container.core.database_session().close_all()
