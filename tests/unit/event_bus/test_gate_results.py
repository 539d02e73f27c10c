"""The gate hands an applied change's result (or its error) back to the submitter, and the submitter's
progress callback to an applier registered for it; a held change, applied later, reports to nobody."""

from __future__ import annotations

import asyncio

import pytest

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate, ConfigChangeRequest
from upbit_auto_trading.application.event_bus.memory_stores import InMemoryHeldRequestStore
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted
from upbit_auto_trading.domain.work import Progress

from .bus_fakes import make_bus

CRIT = EventPriority.CRITICAL_TRADING


class RestoreFailed(Exception):
    pass


def _gate():
    bus, _, _ = make_bus()
    gate = ConfigChangeGate(bus, InMemoryHeldRequestStore())
    applied: list[dict] = []

    def restore(payload: dict, progress) -> str:
        for step, message in ((0.5, "replace"), (1.0, "done")):
            progress(Progress(step, 1, message))
        if payload.get("fail"):
            raise RestoreFailed(f"backup {payload['backup']} is damaged")
        applied.append(payload)
        return f"pre-restore of {payload['backup']}"

    async def rename(payload: dict) -> dict:
        await asyncio.sleep(0)
        return {"renamed": payload["to"]}

    gate.register_applier("backup.restore", restore, progress=True)
    gate.register_applier("profile.rename", rename)
    return bus, gate, applied


async def test_an_applied_change_returns_the_appliers_result_and_reports_progress() -> None:
    bus, gate, applied = _gate()
    await bus.start()
    seen: list[Progress] = []
    outcome = await gate.submit(
        ConfigChangeRequest(kind="backup.restore", payload={"backup": "b1"}), progress=seen.append
    )
    renamed = await gate.submit(ConfigChangeRequest(kind="profile.rename", payload={"to": "paper"}))
    await bus.stop()
    assert outcome.status == "applied" and outcome.value == "pre-restore of b1"
    assert [(p.fraction, p.message) for p in seen] == [(0.5, "replace"), (1.0, "done")]
    assert renamed.value == {"renamed": "paper"}  # an async applier without progress
    assert applied == [{"backup": "b1"}]


async def test_an_appliers_error_is_raised_to_the_submitter() -> None:
    bus, gate, applied = _gate()
    await bus.start()
    seen: list[Progress] = []
    with pytest.raises(RestoreFailed, match="backup b2 is damaged"):
        await gate.submit(
            ConfigChangeRequest(kind="backup.restore", payload={"backup": "b2", "fail": True}),
            progress=seen.append,
        )
    await bus.stop()
    assert applied == [] and gate.held_requests() == [] and gate.pending_decisions() == []
    assert seen[-1].message == "done"  # the progress it made before failing reached the submitter


async def test_a_held_change_has_no_result_and_reports_no_progress_when_released() -> None:
    bus, gate, applied = _gate()
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)
    seen: list[Progress] = []
    held = await gate.submit(
        ConfigChangeRequest(kind="backup.restore", payload={"backup": "b3"}), progress=seen.append
    )
    assert held.status == "held" and held.value is None
    await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"), CRIT)
    await bus.join()
    await bus.stop()
    assert applied == [{"backup": "b3"}]  # applied on release ...
    assert seen == []  # ... while nobody waits for its progress any more
