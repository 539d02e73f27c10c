"""The cross-process live-trading marker: written while a trade is live, seen by other processes,
ignored (and removed) when its process is gone, and consulted by switch, restore and relocation."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys

import pytest
from helpers_profiles import make_container, mutate, snapshot

from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeLocationCommand,
)
from upbit_auto_trading.application.profiles.errors import UnsafeOperationError
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted
from upbit_auto_trading.domain.trading.state import TradeKey
from upbit_auto_trading.infrastructure.files.process_info import pid_running
from upbit_auto_trading.infrastructure.profiles.live_trading_marker import LiveTradingMarker

KEY = TradeKey("rsi", "KRW-BTC")


@pytest.fixture
def other_process():
    """A live process standing in for another window of the app."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not pid_running(child.pid)
    return child.pid


async def test_marker_follows_the_bus_from_publish_to_the_last_completion(tmp_path):
    container = make_container(tmp_path)
    marker_path = tmp_path / "config" / f"live-trading.{os.getpid()}.json"
    bus = container.event_bus.bus()
    await bus.start()
    try:
        await bus.publish(TradingStarted(strategy_id="rsi", market="KRW-BTC"))
        assert marker_path.is_file()  # written at publish, before dispatch (like the gate)
        document = json.loads(marker_path.read_text())
        assert document["pid"] == os.getpid() and document["trades"] == ["rsi@KRW-BTC"]
        await bus.publish(TradingStarted(strategy_id="macd", market="KRW-ETH"))
        await bus.publish(TradingCompleted(strategy_id="rsi", market="KRW-BTC"))
        await bus.join()
        assert json.loads(marker_path.read_text())["trades"] == ["macd@KRW-ETH"]
        # this process's own marker never blocks this process (its gate holds instead)
        assert container.profiles.trading_marker().trade_elsewhere() is None
        await bus.publish(TradingCompleted(strategy_id="macd", market="KRW-ETH"))
        await bus.join()
        assert not marker_path.exists()
    finally:
        await bus.stop()
    assert [p.name for p in (tmp_path / "config").iterdir() if "live-trading" in p.name] == []


def test_other_process_sees_it_and_stale_markers_are_ignored_and_removed(tmp_path, other_process):
    folder = tmp_path / "config"
    window = LiveTradingMarker(folder, pid=other_process.pid)
    window.trade_started(KEY)
    reader = LiveTradingMarker(folder)
    trade = reader.trade_elsewhere()
    assert (trade.pid, trade.trades) == (other_process.pid, "rsi@KRW-BTC")
    assert trade.describe() == f"a trade is live in another window (pid {other_process.pid}: rsi@KRW-BTC)"

    # a marker left by a process that died (crash, kill -9) and its half-written .part
    dead = _dead_pid()
    (folder / f"live-trading.{dead}.json").write_text(json.dumps({"pid": dead, "trades": ["x@KRW-XRP"]}))
    (folder / f"live-trading.{dead}.json.part").write_text("{")
    window.trade_completed(KEY)
    assert reader.trade_elsewhere() is None
    assert sorted(p.name for p in folder.iterdir()) == []

    # a pid now used by another program: its start time differs from the one recorded
    (folder / f"live-trading.{other_process.pid}.json").write_text(
        json.dumps({"pid": other_process.pid, "started": "1", "trades": ["old@KRW-BTC"]})
    )
    assert reader.trade_elsewhere() is None


def test_switch_restore_and_relocation_refused_while_another_window_trades(tmp_path, other_process):
    container = make_container(tmp_path)
    session = container.core.database_session()
    mutate(session, random.Random(1), 1)
    backup = container.profiles.create_backup().execute()  # a backup never disturbs a trade: allowed
    mutate(session, random.Random(2), 2)
    before = snapshot(session.paths())
    window = LiveTradingMarker(tmp_path / "config", pid=other_process.pid)
    window.trade_started(KEY)
    expected_reason = f"a trade is live in another window (pid {other_process.pid}: rsi@KRW-BTC)"

    switch = asyncio.run(container.profiles.switch_profile().execute("testing"))
    restore = asyncio.run(container.profiles.restore_backup().execute(backup.id))
    assert (switch.status, restore.status) == ("refused", "refused")
    assert switch.reason.startswith(expected_reason) and restore.reason.startswith(expected_reason)
    with pytest.raises(UnsafeOperationError, match=r"another window \(pid"):
        container.profiles.change_location().execute(ChangeLocationCommand("development", tmp_path / "moved"))
    with pytest.raises(UnsafeOperationError, match=r"another window"):  # a held switch applied later
        container.profiles.apply_switch().execute("testing")
    assert container.core.active_profile_id() == "development"
    assert container.core.profile_registry().active_profile_id() == "development"
    assert snapshot(session.paths()) == before and not (tmp_path / "moved").exists()

    other_process.kill()  # the window crashed with its trade live: the marker is stale now
    other_process.wait()
    assert asyncio.run(container.profiles.restore_backup().execute(backup.id)).status == "applied"
    assert asyncio.run(container.profiles.switch_profile().execute("testing")).status == "applied"
