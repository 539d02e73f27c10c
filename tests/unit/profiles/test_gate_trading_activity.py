"""GateTradingActivity reads the real config-change gate, and fails closed when the gate cannot be had:
the safety check then blocks, saying why, instead of reading the failure as "no live trade"."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from upbit_auto_trading.application.event_bus import EventBus, EventPriority
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.application.profiles.errors import TradingStateUnknownError
from upbit_auto_trading.application.profiles.gate_trading_activity import GateTradingActivity
from upbit_auto_trading.application.profiles.system_safety_check import SafetyCheckRequest, SystemSafetyCheck
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted


class IdleProbe:
    def free_bytes(self, folder: Path) -> int:
        return 10**12

    def foreign_users(self, paths) -> list[str]:
        return []

    def running_engines(self, paths) -> list[str]:
        return []

    def open_transactions(self) -> list[str]:
        return []


def _check(trading: GateTradingActivity) -> list[str]:
    request = SafetyCheckRequest("the restore", {"settings": Path("/data/settings.sqlite3")})
    return SystemSafetyCheck(IdleProbe(), trading).execute(request).blockers


async def test_reads_the_live_trades_of_the_gate() -> None:
    bus = EventBus()
    gate = ConfigChangeGate(bus)
    trading = GateTradingActivity(lambda: gate)
    await bus.start()
    assert trading.live_trade() is None and _check(trading) == []
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), EventPriority.CRITICAL_TRADING)
    assert trading.live_trade() == "s1@KRW-BTC"
    assert _check(trading) == ["a trade is live (s1@KRW-BTC); wait until it ends"]
    await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"), EventPriority.CRITICAL_TRADING)
    await bus.join()
    await bus.stop()
    assert trading.live_trade() is None


def test_a_gate_that_cannot_be_had_counts_as_a_live_trade_and_is_reported(caplog) -> None:
    def broken_gate() -> ConfigChangeGate:
        raise OSError("disk I/O error reading the held requests")

    trading = GateTradingActivity(broken_gate)
    with pytest.raises(TradingStateUnknownError, match="disk I/O error"):
        trading.live_trade()
    with caplog.at_level(logging.ERROR):
        blockers = _check(trading)
    assert len(blockers) == 1
    assert "whether a trade is live cannot be told" in blockers[0] and "disk I/O error" in blockers[0]
    assert any("the restore is blocked" in r.getMessage() for r in caplog.records)
