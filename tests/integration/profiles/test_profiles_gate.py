"""Switch and restore are held by the config-change gate during a live trade and applied after it."""

from __future__ import annotations

import asyncio
import random

from helpers_profiles import make_container, mutate, snapshot

from upbit_auto_trading.domain.profiles.events import BackupRestored, ProfileSwitched
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted


async def _wait_for(predicate, timeout=5.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_switch_and_restore_held_during_a_live_trade(tmp_path):
    container = make_container(tmp_path)
    session = container.core.database_session()
    mutate(session, random.Random(3), 1)
    backup = container.profiles.create_backup().execute()
    expected = snapshot(session.paths())
    mutate(session, random.Random(4), 2)

    bus = container.event_bus.bus()
    await bus.start()
    received = []
    bus.subscribe(ProfileSwitched, received.append)
    bus.subscribe(BackupRestored, received.append)
    try:
        await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"))
        await bus.join()
        restore = await container.profiles.restore_backup().execute(backup.id)
        switch = await container.profiles.switch_profile().execute("testing")
        assert (restore.status, switch.status) == ("held", "held")
        assert "trade is live" in restore.reason
        # nothing happened yet
        assert container.core.active_profile_id() == "development"
        assert snapshot(session.paths()) != expected
        assert container.core.profile_registry().active_profile_id() == "development"

        await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"))
        await _wait_for(lambda: len(received) == 2)
    finally:
        await bus.stop()
    # applied in arrival order: restore into development, then the switch to testing
    assert [type(e) for e in received] == [BackupRestored, ProfileSwitched]
    registry = container.core.profile_registry()
    assert snapshot(registry.database_paths("development")) == expected
    assert container.core.active_profile_id() == "testing"
    assert registry.active_profile_id() == "testing"
    assert session.paths() == registry.database_paths("testing")


async def test_applied_at_once_without_a_trade_and_events_published(tmp_path):
    container = make_container(tmp_path)
    bus = container.event_bus.bus()
    await bus.start()
    received = []
    bus.subscribe(ProfileSwitched, received.append)
    try:
        result = await container.profiles.switch_profile().execute("production")
        assert result.status == "applied"
        await _wait_for(lambda: received)
    finally:
        await bus.stop()
    assert received[0].profile_id == "production" and received[0].previous_profile_id == "development"
