"""The Trading tab drives the config-change gate: a paper replay that holds a position is a live trade for the
gate the main window watches (the status bar says so), a profile switch asked meanwhile is held, not applied,
and "Stop and flatten" ends the trade, applies the held switch and leaves the gate idle. The real window, the
real engine on the app's bus, the real loopback exchange and the real profile switch: no mocks."""

from __future__ import annotations

import asyncio

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QLabel
from trading_drills import until  # tests/support: loaded by conftest.py

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import desktop_services
from upbit_auto_trading.domain.trading.session import SessionState
from upbit_auto_trading.presentation.desktop.app import create_main_window
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trading.view import TradingWidget

MARKET = "KRW-BTC"
OTHER_PROFILE = "testing"


def test_a_paper_replay_holding_a_position_is_live_for_the_gate_which_holds_a_profile_switch_until_flattened(
    qtbot, qloop, home, drills, monkeypatch
) -> None:
    set_language("en")
    hooks = drills.FeedHooks()
    hooks.install(monkeypatch)
    # the switched-to profile is opened as is (no bundled candles copied in): the switch stays quick
    container = drills.desk_container(home, market_data={"seed_bundled": False}, strategies={"seed_samples": False})
    strategy = drills.drill_strategy(container, hold=50, cooldown=0)
    pause = hooks.pause_when(lambda m: m.holding())  # the engine idles between two prices, a position open

    async def scenario() -> str:
        bus = container.event_bus.bus()
        await bus.start()
        gate = container.event_bus.gate()
        window = create_main_window(
            QApplication.instance(), desktop_services(container), language="en", bus=bus
        )
        qtbot.addWidget(window)
        window.watch_trading_state(gate, interval_ms=100)  # as entrypoints/desktop.py does, ticking faster
        window.show()
        label = window.findChild(QLabel, "tradingStateLabel")
        assert label is not None and "idle" in label.text()
        widget = window.show_tab("trading")
        assert isinstance(widget, TradingWidget)
        desk = widget.presenter._s.desk
        hooks.engines.append(desk.engine)
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            widget.strategy_combo.setCurrentText(strategy)
            widget.markets_edit.setCurrentText(MARKET)
            widget.timeframe_combo.setCurrentText("1h")
            widget.mode_combo.setCurrentIndex(widget.mode_combo.findData("replay"))
            widget.from_edit.setText("2021-01-01")
            widget.to_edit.setText("2021-01-10")
            widget.speed_edit.setText("20")
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: pause.moment is not None, 60, "a position held")
            moment = pause.moment
            sid = moment.sid
            assert moment.desk.position(sid, MARKET).is_open

            # the gate the window watches knows the trade is live, and the status bar says so
            assert not gate.state.is_idle, "the engine's TradingStarted did not reach the window's gate"
            assert {(k.strategy_id, k.market) for k in gate.state.live} == {(sid, MARKET)}
            await until(lambda: "1 live trade" in label.text(), 5, "the status bar's live trade")
            assert label.text() == "Paper: 1 live trade(s)"

            # a profile switch asked now is held, not applied, for as long as the trade is live
            before = str(container.core.active_profile_id())
            asked = await container.profiles.switch_profile().execute(OTHER_PROFILE)
            assert asked.status == "held", asked
            assert [h.request.payload for h in gate.held_requests()] == [{"profile_id": OTHER_PROFILE}]
            await asyncio.sleep(0.5)
            assert str(container.core.active_profile_id()) == before != OTHER_PROFILE
            assert gate.held_requests() and not gate.state.is_idle

            # "Stop and flatten": the position is sold, the trade completes, the held switch is applied
            await until(lambda: widget.sessions_table.rowCount() == 1, what="the session row")
            widget.sessions_table.selectRow(0)
            assert widget.selected_session() == sid
            qtbot.mouseClick(widget.flatten_button, Qt.MouseButton.LeftButton)
            await until(lambda: "stopped" in widget.status.text(), 30, "the stop")
            await until(lambda: gate.state.is_idle and not gate.held_requests(), 30, "the gate idle")
            await until(lambda: str(container.core.active_profile_id()) == OTHER_PROFILE, 30, "the switch")
            assert gate.pending_decisions() == []
            assert not moment.desk.position(sid, MARKET).is_open
            await until(lambda: "idle" in label.text(), 5, "the status bar idle")
            assert label.text() == "Paper trading: idle"
        finally:
            pause.release()
            await desk.close()
            window.close()
            await bus.stop()
        return sid

    try:
        sid = qloop.run_until_complete(asyncio.wait_for(scenario(), 150))
    finally:
        container.core.database_session().close_all()
    # the stop was recorded on the profile the session ran on, before the switch closed its databases
    before = build_container(home=home, profile="development")
    after = build_container(home=home, profile=OTHER_PROFILE)
    try:
        stored = before.trading.sessions().get(sid)
        assert stored is not None and stored.state is SessionState.STOPPED, stored
        assert after.trading.sessions().get(sid) is None
    finally:
        before.core.database_session().close_all()
        after.core.database_session().close_all()
