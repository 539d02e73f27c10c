"""The dead-man watchdog of live sessions: real processes, real SQLite, the loopback server playing Upbit
(fake keys), no mocks.

- ``trade run --mode live`` in a subprocess is SIGKILLed while its entry order rests open: its watchdog cancels
  the order at the exchange after the timeout (not before: beats kept it quiet while the engine lived),
  journals it with the source ``watchdog``, and the engine's next start reconciles with nothing to review;
- in-process: an engine that lives but does not beat gets its orders cancelled at the exchange only (the
  journal is its own to write); once its process is gone the watchdog journals, sells the positions when
  configured so, and halts the session; a new live session then reconciles with nothing to review;
- a clean goodbye sends the watchdog home with the order still open; a watchdog that cannot read the keys
  says so to the engine.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.application.trading.engine import StartRequest
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.watchdog import DeadManWatchdog, WatchdogSettings
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession
from upbit_auto_trading.infrastructure.trading.engine_lock import ENGINE_LOCK_NAME, EngineLock
from upbit_auto_trading.infrastructure.trading.upbit_exchange import UpbitExchange
from upbit_auto_trading.infrastructure.trading.watchdog_files import (
    EngineTakeOver,
    HeartbeatFile,
    HeartbeatWriter,
    beat_path,
    lock_path,
)
from upbit_auto_trading.infrastructure.trading.watchdog_process import WatchdogProcesses
from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

MARKET = "KRW-BTC"
REPO_ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 5.0  # the smallest the configuration allows


def _upbit(candles: int = 80) -> UpbitSimServer:
    """The loopback server playing Upbit: minute candles around the wall clock, the demo keys' account."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    replay = MarketReplay()
    replay.add_candles(
        synthetic_candles(MARKET, "1m", candles, start=now - timedelta(minutes=30)), visible=31
    )
    account = SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": Decimal("3000000")})
    return UpbitSimServer(SimConfig(accounts=[account]), replay).start()


def _profile_dir(container) -> Path:  # noqa: ANN001
    return Path(container.core.database_session().paths()["strategies"]).parent


def _watchdog_on(drills, timeout: float = TIMEOUT) -> dict:  # noqa: ANN001
    return {"risk": drills.RISK_OFF, "watchdog": {"enabled": True, "timeout_seconds": timeout}}


def _wait_for(predicate, timeout: float, what: str, step: float = 0.1):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _kill_holder(lock: EngineLock) -> None:
    """Clean-up: a watchdog this test started that is still running."""
    pid = lock.holder()
    if pid and lock.held_elsewhere():
        os.kill(pid, signal.SIGKILL)


# --- the engine is SIGKILLed --------------------------------------------------------------------------------


@pytest.mark.slow
async def test_after_a_sigkill_the_watchdog_cancels_within_the_timeout_and_the_next_start_has_nothing_to_review(
    drill, drills
) -> None:
    upbit = _upbit(candles=400)
    upbit.hold_orders()  # a thin book: the engine's entry rests open
    ticking = threading.Event()
    stop = threading.Event()

    def tick() -> None:  # the market goes on once the engine follows it
        while not stop.wait(0.4):
            if ticking.is_set():
                upbit.advance(MARKET, "1m")

    threading.Thread(target=tick, daemon=True).start()
    prod = drill.container(profile="production")
    strategy = drills.drill_strategy(prod, hold=2, cooldown=0)
    prod.secrets.save_api_keys().execute(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    folder = _profile_dir(prod) / "watchdog"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8",
               UPBIT_AUTO_TRADING__TRADING__WATCHDOG__TIMEOUT_SECONDS=str(int(TIMEOUT)))  # fmt: skip
    env.pop("UPBIT_AUTO_TRADING_HOME", None)
    for key in ("CAUTION", "DEFENSE", "HALT"):
        env[f"UPBIT_AUTO_TRADING__TRADING__RISK__{key}_LOSS_PCT"] = "null"
    engine = subprocess.Popen(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(drill.home), "--profile", "production", "--yes",
         "trade", "run", "--strategy", strategy, "--market", MARKET, "--timeframe", "1m", "--mode", "live",
         "--budget", "1000000", "--api-url", upbit.base_url, "--confirm", "production"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    journal = prod.trading.journal()
    sessions = prod.trading.sessions()
    watchdog_lock: EngineLock | None = None
    try:

        def armed() -> str | None:
            assert engine.poll() is None, engine.communicate()[1]
            running = sessions.all(running_only=True)
            if not running:
                return None
            lock = EngineLock(lock_path(folder, running[0].session_id))
            return running[0].session_id if lock.held_elsewhere() else None

        sid = _wait_for(armed, 120, "the live session and its watchdog")
        watchdog_lock = EngineLock(lock_path(folder, sid))
        ticking.set()
        entry = _wait_for(lambda: next((o for o in journal.orders(sid) if o.state is JournalState.OPEN), None),
                          60, "the engine's entry, open at the exchange")  # fmt: skip
        ticking.clear()
        [at_exchange] = drills.server_orders(upbit, entry.identifier)
        assert at_exchange.state == "wait"

        time.sleep(TIMEOUT + 1.5)  # the engine beats: its watchdog leaves the order alone
        assert drills.server_orders(upbit, entry.identifier)[0].state == "wait"
        assert engine.poll() is None

        engine.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        engine.wait(10)
        _wait_for(lambda: drills.server_orders(upbit, entry.identifier)[0].state == "cancel", TIMEOUT + 20,
                  "the watchdog's cancel", step=0.05)  # fmt: skip
        waited = time.monotonic() - killed
        # it waited for the silence (the last beat came at most a second before the kill), then acted at once
        assert TIMEOUT - 1.5 <= waited <= TIMEOUT + 8, waited

        cancelled = _wait_for(lambda: (o := journal.get(entry.identifier)) and o.is_final and o, 10,
                              "the watchdog's journal entry")  # fmt: skip
        assert cancelled.state is JournalState.CANCELLED
        assert journal.history(entry.identifier)[-1]["source"] == "watchdog"
        _wait_for(lambda: not watchdog_lock.held_elsewhere(), 15, "the watchdog to exit")
        assert not EngineLock(
            _profile_dir(prod) / ENGINE_LOCK_NAME
        ).held_elsewhere()  # it let the engine lock go
        assert sessions.get(sid).state is SessionState.RUNNING  # nothing sold: the session carries on
        assert upbit.stats.orders_placed == len([o for o in journal.orders(sid) if o.uuid]) == 1

        # the engine's next start: reconciliation finds everything settled; a new watchdog guards the session
        after = drill.container(profile="production", trading=_watchdog_on(drills))
        engine2 = drill.engine(after)
        await engine2.resume(sid)
        running = engine2.running[sid]
        assert running.reconciliation is not None and running.reconciliation.review_items == ()
        assert after.trading.review().items() == []
        assert running.watchdog.startswith("watchdog (pid"), running.watchdog
        assert watchdog_lock.held_elsewhere()
        await engine2.detach(sid)  # a clean goodbye: the watchdog exits without acting
        await asyncio.to_thread(
            _wait_for, lambda: not watchdog_lock.held_elsewhere(), 15, "the watchdog to go"
        )
        out = engine.stderr.read() if engine.stderr else ""
        assert "watchdog (pid" in out, out
    finally:
        stop.set()
        if engine.poll() is None:
            engine.kill()
            engine.wait(10)
        if watchdog_lock is not None:
            _kill_holder(watchdog_lock)
        upbit.stop()


# --- the watchdog's decisions, in this process ------------------------------------------------------------------


def _live_session(container, sid: str, api_url: str) -> TradingSession:  # noqa: ANN001
    session = TradingSession(
        session_id=sid, strategy_name="watchdog drill", strategy_id=1, strategy_version=1, mode=TradingMode.LIVE,
        markets=(MARKET,), timeframe="1m", budget=Decimal("1000000"), fee_rate=Decimal("0.0005"),
        slippage_rate=Decimal(0), started_at=datetime.now(UTC), api_url=api_url,
    )  # fmt: skip
    container.trading.sessions().add(session)
    return session


def _exchange(upbit: UpbitSimServer) -> UpbitExchange:
    creds = UpbitCredentials(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    return UpbitExchange(UpbitRestClient(upbit.base_url, creds, timeout=5.0), None, creds)


async def test_a_stuck_engine_gets_its_orders_cancelled_and_a_dead_one_its_positions_sold_and_journaled(
    drill, drills, tmp_path
) -> None:
    upbit = _upbit()
    exchange = _exchange(upbit)
    prod = drill.container(profile="production")
    try:
        journal, sessions = prod.trading.journal(), prod.trading.sessions()
        sid = "live-watchdog-drill"
        _live_session(prod, sid, upbit.base_url)
        desk = OrderDesk(journal, exchange)
        bought = await desk.submit(sid, OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=Decimal(200000)),
                                   reason="entry", kind="entry")  # fmt: skip
        assert bought.state is JournalState.DONE
        held = desk.position(sid, MARKET).quantity
        upbit.hold_orders()
        resting = await desk.submit(sid, OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=Decimal(100000)),
                                    reason="add", kind="add")  # fmt: skip
        assert resting.state is JournalState.OPEN
        upbit.hold_orders(False)  # the watchdog's sell fills

        beat = beat_path(tmp_path, sid)
        HeartbeatWriter(beat).beat()  # one beat, then silence
        engine_lock = EngineLock(_profile_dir(prod) / ENGINE_LOCK_NAME)
        engine_lock.acquire()  # the engine's process lives on (its loop is stuck)
        settings = WatchdogSettings(timeout=0.5, flatten=True, poll=0.05, retry_delay=0.1)
        watchdog = DeadManWatchdog(sid, heartbeat=HeartbeatFile(beat), engine=EngineTakeOver(EngineLock(
            engine_lock.path)), exchange=exchange, journal=journal, sessions=sessions, settings=settings)  # fmt: skip
        task = asyncio.create_task(watchdog.run())
        for _ in range(100):
            await asyncio.sleep(0.05)
            if drills.server_orders(upbit, resting.identifier)[0].state == "cancel":
                break
        assert drills.server_orders(upbit, resting.identifier)[0].state == "cancel"
        await asyncio.sleep(0.3)
        assert journal.get(resting.identifier).state is JournalState.OPEN  # the living engine's to journal
        assert len(drills.server_orders(upbit)) == 2  # and nothing sold under it
        assert not task.done()

        engine_lock.release()  # the process is gone
        report = await asyncio.wait_for(task, 20)
        assert report.outcome == "took_over" and report.problems == [], report
        assert report.cancelled == [resting.identifier]
        assert journal.get(resting.identifier).state is JournalState.CANCELLED
        assert journal.history(resting.identifier)[-1]["source"] == "watchdog"
        [sell] = [o for o in journal.orders(sid) if o.side is OrderSide.ASK]
        assert report.sold == [sell.identifier] and sell.reason == "watchdog" and sell.kind == "emergency"
        assert sell.state is JournalState.DONE and sell.volume == held
        assert journal.history(sell.identifier)[0]["state"] is JournalState.INTENT  # journaled before it left
        assert drills.position(journal, sid).quantity == 0 == drills.coin_total(upbit)
        halted = sessions.get(sid)
        assert halted.state is SessionState.HALTED and halted.note.startswith("watchdog")
        assert not EngineLock(engine_lock.path).held_elsewhere()

        # the engine's next start (a new live session on the same account) finds nothing to review
        prod.secrets.save_api_keys().execute(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
        engine = drill.engine(prod)
        request = StartRequest(strategy=drills.drill_strategy(prod, hold=2, cooldown=0), markets=(MARKET,),
                               timeframe="1m", mode=TradingMode.LIVE, budget=Decimal("1000000"),
                               api_url=upbit.base_url)  # fmt: skip
        session = await engine.start(request, confirmation="production")
        assert engine.running[session.session_id].reconciliation.review_items == ()
        assert prod.trading.review().items() == []
        assert engine.running[session.session_id].watchdog.startswith("no watchdog")  # the drill's containers
        await engine.detach(session.session_id)
    finally:
        await exchange.aclose()
        upbit.stop()


async def test_a_clean_goodbye_sends_the_watchdog_home_and_beats_keep_it_waiting(drill, tmp_path) -> None:
    upbit = _upbit()
    exchange = _exchange(upbit)
    prod = drill.container(profile="production")
    try:
        sid = "live-watchdog-goodbye"
        _live_session(prod, sid, upbit.base_url)
        upbit.hold_orders()
        desk = OrderDesk(prod.trading.journal(), exchange)
        order = await desk.submit(sid, OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=Decimal(100000)),
                                  reason="entry", kind="entry")  # fmt: skip
        writer = HeartbeatWriter(beat_path(tmp_path, sid))
        writer.beat()
        watchdog = DeadManWatchdog(
            sid, heartbeat=HeartbeatFile(beat_path(tmp_path, sid)),
            engine=EngineTakeOver(EngineLock(tmp_path / ENGINE_LOCK_NAME)), exchange=exchange,
            journal=prod.trading.journal(), sessions=prod.trading.sessions(),
            settings=WatchdogSettings(timeout=0.3, poll=0.02),
        )  # fmt: skip
        task = asyncio.create_task(watchdog.run())
        for _ in range(40):  # 0.8 s of beats: well past the timeout
            writer.beat()
            await asyncio.sleep(0.02)
        assert not task.done()
        writer.stop()
        report = await asyncio.wait_for(task, 5)
        assert report.outcome == "stopped" and report.cancelled == []
        assert prod.trading.journal().get(order.identifier).state is JournalState.OPEN
        assert upbit.stats.orders_placed == 1
        [at_exchange] = [o for o in (await exchange.open_orders()) if o.identifier == order.identifier]
        assert at_exchange.state.value == "wait"
    finally:
        await exchange.aclose()
        upbit.stop()


async def test_a_watchdog_that_cannot_read_the_keys_says_so_to_the_engine(drill) -> None:
    prod = drill.container(profile="production")
    sid = "live-watchdog-nokeys"
    session = _live_session(prod, sid, "http://127.0.0.1:9")
    folder = _profile_dir(prod) / "watchdog"
    switch = WatchdogProcesses(
        folder=lambda: folder, home=drill.home, profile=lambda: "production", timeout=TIMEOUT
    )
    status = await switch.arm(session)
    assert status.startswith("no watchdog: it stopped at once") and "API keys" in status, status
    assert HeartbeatFile(beat_path(folder, sid)).read()  # the engine's beat is there
    switch.disarm(sid)
    assert HeartbeatFile(beat_path(folder, sid)).read() is None  # and its goodbye
