"""The Trading tab as a user drives it: a paper replay started from the form against the loopback Upbit server,
its positions, open orders, fills and chart markers shown while it runs, an order's chain on a click, the
emergency stop (asked once) leaving no open order at the server; the LIVE confirmation refusing a wrong
profile name; sessions resumed, reconciled, by a restarted app."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from trading_drills import trading_tab, until  # tests/support: loaded by conftest.py

from upbit_auto_trading.container.screens import desktop_services, trading_services
from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.domain.trading.session import SessionState
from upbit_auto_trading.presentation.desktop.app import create_main_window
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trading.dialogs import (
    ChainDialog,
    DriftDialog,
    EmergencyDialog,
    LiveConfirmDialog,
)
from upbit_auto_trading.presentation.desktop.trading.view import TradingWidget

MARKET = "KRW-BTC"


def _fill_form(widget: TradingWidget, strategy: str, mode: str, **fields: str) -> None:
    widget.strategy_combo.setCurrentText(strategy)
    widget.markets_edit.setCurrentText(fields.get("markets", MARKET))
    widget.timeframe_combo.setCurrentText(fields.get("timeframe", "1h"))
    widget.mode_combo.setCurrentIndex(widget.mode_combo.findData(mode))
    widget.budget_edit.setText(fields.get("budget", "1,000,000"))
    widget.from_edit.setText(fields.get("start", ""))
    widget.to_edit.setText(fields.get("end", ""))
    widget.speed_edit.setText(fields.get("speed", ""))


def _cells(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _click_row(qtbot: Any, table: Any, row: int) -> None:
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_paper_replay_shows_what_happens_and_the_emergency_stop_leaves_no_open_order(
    qtbot, qloop, home, drills, monkeypatch, tmp_path
) -> None:
    set_language("en")
    hooks = drills.FeedHooks()
    hooks.install(monkeypatch)
    container = drills.desk_container(home)
    strategy = drills.drill_strategy(container)
    pause = hooks.pause_when(lambda m: m.holding() and len(m.orders()) >= 3)  # the second trade is on

    async def scenario() -> None:
        bus = container.event_bus.bus()
        await bus.start()
        services = trading_services(container)
        hooks.engines.append(services.desk.engine)
        widget = trading_tab(qtbot, services)
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            _fill_form(widget, strategy, "replay", start="2021-01-01", end="2021-01-03T12:00", speed="20")
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: pause.moment is not None, 60, "the second trade")
            moment = pause.moment
            sid, server = moment.sid, moment.server

            # while it runs: the session, its open position, the fills so far and their markers on the chart
            await until(lambda: widget.positions_table.rowCount() == 1 and widget.fills_table.rowCount() >= 3
                        and widget.chart.marker_count >= 3, what="the position and the fills")  # fmt: skip
            (session,) = _cells(widget.sessions_table)
            assert session[0] == sid and session[4] == "running" and "Paper replay" in session[2]
            position = _cells(widget.positions_table)[0]
            held = moment.desk.position(sid, MARKET).quantity
            assert position[0] == MARKET and Decimal(position[1]) == held
            assert widget.chart.candle_item is not None

            # an order resting on the book appears in the open orders as it is placed
            price = moment.event.tick.price if moment.event.tick else moment.event.closed.candle.close
            limit = (price / 2 // krw_tick_size(price / 2)) * krw_tick_size(price / 2)
            request = OrderRequest(
                MARKET, OrderSide.BID, OrderType.LIMIT, volume=Decimal("0.001"), price=limit
            )
            # the engine's objects are driven from its own loop (its thread), as the desk does
            resting = await services.desk.on_engine(moment.desk.submit(sid, request, reason="manual", kind="entry"))
            assert resting.state is JournalState.OPEN
            await until(lambda: widget.orders_table.rowCount() == 1, what="the open order")
            assert _cells(widget.orders_table)[0][-1] == resting.identifier

            # a click shows its whole chain: the journal's facts and the bus events of its correlation id
            _click_row(qtbot, widget.orders_table, 0)
            await until(lambda: isinstance(widget.dialog, ChainDialog), what="the chain")
            steps = {row[1] for row in _cells(widget.dialog.table)}
            assert {"intent", "sent", "open", "OrderIntentRecorded", "OrderPlaced"} <= steps, steps
            widget.dialog.reject()

            # the emergency stop asks once, then cancels everything and sells everything
            qtbot.mouseClick(widget.emergency_button, Qt.MouseButton.LeftButton)
            await until(lambda: isinstance(widget.dialog, EmergencyDialog), what="the emergency question")
            widget.dialog.flatten.setChecked(True)
            qtbot.mouseClick(widget.dialog.stop_button, Qt.MouseButton.LeftButton)
            sessions = container.trading.sessions()
            await until(lambda: sessions.get(sid).state is SessionState.HALTED, what="the halt")
            await until(lambda: widget.orders_table.rowCount() == 0 and widget.positions_table.rowCount() == 0
                        and "halted" in _cells(widget.sessions_table)[0][4], what="the tables after the halt")  # fmt: skip
            at_server = drills.server_orders(server)
            assert at_server and not [o for o in at_server if o.state == "wait"]
            assert [o.state for o in drills.server_orders(server, resting.identifier)] == ["cancel"]
            assert drills.coin_total(server) == 0
            assert container.trading.journal().orders(sid, unfinished_only=True) == []
            assert not widget.live_badge.isVisible()

            # the drift report of the halted session, and its CSV
            widget.sessions_table.selectRow(0)
            qtbot.mouseClick(widget.drift_button, Qt.MouseButton.LeftButton)
            await until(lambda: isinstance(widget.dialog, DriftDialog), 60, "the drift report")
            assert widget.dialog.table.rowCount() >= 3 and "paired" in widget.dialog.summary.text()
            csv = tmp_path / "drift.csv"
            widget.dialog._export(str(csv))  # what "Export CSV..." does with the file the user chose
            await until(csv.exists, what="the CSV")
            assert csv.read_text(encoding="utf-8").startswith("market,row,time_utc,time_kst")
            widget.dialog.reject()
        finally:
            pause.release()
            await services.desk.close()
            widget.close()
            await bus.stop()

    try:
        qloop.run_until_complete(asyncio.wait_for(scenario(), 150))
    finally:
        container.core.database_session().close_all()


def _upbit(drills: Any, *, keys: bool) -> Any:
    """A loopback server playing Upbit: minute candles around now, revealed by a thread; with ``keys`` the
    demo account (the stored keys' account) holds KRW."""
    from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
    from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
    from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
    from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, "1m", 80, start=now - timedelta(minutes=30)), visible=31)
    accounts = [SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": Decimal("3000000")})] if keys else []
    return UpbitSimServer(SimConfig(accounts=accounts), replay).start()


def _reveal(server: Any, stop: threading.Event, every: float = 0.4) -> threading.Thread:
    def run() -> None:
        while not stop.wait(every):
            server.advance(MARKET, "1m")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_the_live_confirmation_refuses_a_wrong_profile_name_and_live_shows_until_the_emergency_stop(
    qtbot, qloop, home, drills
) -> None:
    from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

    set_language("en")
    upbit = _upbit(drills, keys=True)
    urls = {"api_url": upbit.base_url, "websocket_url": upbit.ws_url}
    container = drills.desk_container(home, profile="production", upbit=urls)
    container.secrets.save_api_keys().execute(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    strategy = drills.drill_strategy(container, hold=2, cooldown=0)
    stop = threading.Event()

    async def scenario() -> None:
        bus = container.event_bus.bus()
        await bus.start()
        window = create_main_window(
            QApplication.instance(), desktop_services(container), language="en", bus=bus
        )
        qtbot.addWidget(window)
        window.watch_trading_state(container.event_bus.gate(), interval_ms=100)
        window.show()
        widget = window.show_tab("trading")
        assert isinstance(widget, TradingWidget)
        services = widget.presenter._s
        sessions = container.trading.sessions()
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            _fill_form(widget, strategy, "live", timeframe="1m", budget="1,000,000")
            assert "LIVE" in widget.start_button.text()

            # the keys pass the connection test, the paper record is shown, the profile's name is asked for
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: isinstance(widget.dialog, LiveConfirmDialog), what="the live confirmation")
            dialog = widget.dialog
            assert (
                "never" in dialog.findChild(type(widget.status), "paperRecord").text().lower()
                or "no paper record" in dialog.findChild(type(widget.status), "paperRecord").text()
            )
            assert dialog.accept_without_paper.isVisibleTo(dialog)
            dialog.accept_without_paper.setChecked(True)
            qtbot.keyClicks(dialog.name_edit, "prod")  # not the profile's name
            qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: "does not match" in widget.status.text(), what="the refusal")
            assert sessions.all() == [] and services.desk.live_count() == 0
            assert widget.start_button.isEnabled()
            widget.dialog.done(0)  # the error box

            # typed right: it starts live, and LIVE shows while it runs
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: isinstance(widget.dialog, LiveConfirmDialog) and widget.dialog is not dialog,
                        what="the second confirmation")  # fmt: skip
            dialog = widget.dialog
            dialog.accept_without_paper.setChecked(True)
            qtbot.keyClicks(dialog.name_edit, "production")
            qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: services.desk.live_count() == 1, 30, "the live session")
            (session,) = sessions.all()
            await until(lambda: widget.live_badge.isVisible() and window.live_label.isVisible(), what="LIVE")
            _reveal(upbit, stop)
            running = services.desk.engine.running[session.session_id]
            desk = running.runner.parts.desk
            price = upbit.state.market.price(MARKET)
            limit = (price / 2 // krw_tick_size(price / 2)) * krw_tick_size(price / 2)
            request = OrderRequest(
                MARKET, OrderSide.BID, OrderType.LIMIT, volume=Decimal("0.001"), price=limit
            )
            resting = await services.desk.on_engine(
                desk.submit(session.session_id, request, reason="manual", kind="entry")
            )
            assert [o.state for o in drills.server_orders(upbit, resting.identifier)] == ["wait"]

            window.show_tab("settings")  # the shortcut works from any tab
            window.activateWindow()
            await until(lambda: QApplication.activeWindow() is window, what="the window active")
            ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_X, ctrl_shift)
            assert window.tabs.currentIndex() == window.tab_index("trading")
            await until(lambda: isinstance(widget.dialog, EmergencyDialog), what="the emergency question")
            qtbot.mouseClick(widget.dialog.stop_button, Qt.MouseButton.LeftButton)
            await until(
                lambda: sessions.get(session.session_id).state is SessionState.HALTED, what="the halt"
            )
            assert not [o for o in drills.server_orders(upbit) if o.state == "wait"]
            assert services.desk.live_count() == 0
            await until(lambda: not widget.live_badge.isVisible() and not window.live_label.isVisible(),
                        what="LIVE gone")  # fmt: skip
        finally:
            stop.set()
            await services.desk.close()
            window.close()
            await bus.stop()

    try:
        qloop.run_until_complete(asyncio.wait_for(scenario(), 150))
    finally:
        stop.set()
        upbit.stop()
        container.core.database_session().close_all()


def test_a_paper_session_survives_a_restart_of_the_app_and_is_shown_reconciled(
    qtbot, qloop, home, drills
) -> None:
    set_language("en")
    upbit = _upbit(drills, keys=False)  # Upbit's public side: the candles the paper session trades on
    urls = {"api_url": upbit.base_url, "websocket_url": upbit.ws_url}
    stop = threading.Event()
    first = drills.desk_container(home, upbit=urls)
    strategy = drills.drill_strategy(first, hold=2, cooldown=0)

    async def run_until_a_fill() -> str:
        bus = first.event_bus.bus()
        await bus.start()
        services = trading_services(first)
        widget = trading_tab(qtbot, services)
        try:
            await until(lambda: widget.strategy_combo.findText(strategy) >= 0, what="the strategies")
            _fill_form(widget, strategy, "paper", timeframe="1m", budget="2,000,000")
            qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
            await until(lambda: len(first.trading.sessions().all()) == 1, 30, "the session")
            _reveal(upbit, stop)
            await until(lambda: widget.fills_table.rowCount() >= 1, 40, "a fill")
            (session,) = first.trading.sessions().all()
            return session.session_id
        finally:
            await services.desk.close()  # the app closes: the session stays running, detached
            widget.close()
            await bus.stop()

    async def restart(sid: str) -> None:
        second = drills.desk_container(home, upbit=urls)
        bus = second.event_bus.bus()
        await bus.start()
        services = trading_services(second)
        widget = trading_tab(qtbot, services)
        try:
            await until(lambda: "reconciled" in widget.status.text(), 30, "the resume")
            assert sid in widget.status.text()
            await until(lambda: widget.sessions_table.rowCount() == 1, what="the session")
            row = _cells(widget.sessions_table)[0]
            assert row[0] == sid and row[4] == "running"  # followed here again (not "not followed")
            assert sid in services.desk.engine.running
            assert widget.fills_table.rowCount() >= 1
        finally:
            stop.set()
            await services.desk.close()
            widget.close()
            await bus.stop()
            second.core.database_session().close_all()

    try:
        sid = qloop.run_until_complete(asyncio.wait_for(run_until_a_fill(), 120))
        stored = first.trading.sessions().get(sid)
        assert stored is not None and stored.is_running
        first.core.database_session().close_all()
        qloop.run_until_complete(asyncio.wait_for(restart(sid), 120))
    finally:
        stop.set()
        upbit.stop()
        first.core.database_session().close_all()
