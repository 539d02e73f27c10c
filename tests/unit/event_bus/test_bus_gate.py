from __future__ import annotations

import asyncio

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.application.event_bus.events import (
    ConfigChangeApplied,
    ConfigChangeFailed,
    ConfigChangeHeld,
    ConfigChangeRefused,
)
from upbit_auto_trading.application.event_bus.gate import (
    EMERGENCY_STOP_KIND,
    ConfigChangeGate,
    ConfigChangeRequest,
)
from upbit_auto_trading.application.event_bus.memory_stores import InMemoryHeldRequestStore
from upbit_auto_trading.domain.trading.events import EmergencyStopRequested, TradingCompleted, TradingStarted

from .bus_fakes import make_bus

CRIT = EventPriority.CRITICAL_TRADING


def _gate(store: InMemoryHeldRequestStore | None = None):
    bus, _, _ = make_bus()
    gate = ConfigChangeGate(bus, store or InMemoryHeldRequestStore())
    applied: list[tuple[str, dict]] = []
    gate.register_applier("profile.switch", lambda p: applied.append(("profile.switch", p)))

    async def logging_change(payload: dict) -> None:
        await asyncio.sleep(0)
        applied.append(("logging.level", payload))

    gate.register_applier("logging.level", logging_change)
    return bus, gate, applied


async def test_applied_at_once_when_no_trade_is_live() -> None:
    bus, gate, applied = _gate()
    await bus.start()
    outcome = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={"to": "dev"}))
    assert outcome.status == "applied"
    assert applied == [("profile.switch", {"to": "dev"})]
    await bus.stop()


async def test_holds_refuses_and_releases_in_arrival_order() -> None:
    bus, gate, applied = _gate()
    notices: list[object] = []
    bus.subscribe(ConfigChangeHeld, notices.append)
    bus.subscribe(ConfigChangeRefused, notices.append)
    bus.subscribe(ConfigChangeApplied, notices.append)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)
    # live from publication, before the event is even dispatched
    assert gate.is_trading
    await bus.publish(TradingStarted(strategy_id="s2", market="KRW-ETH"), CRIT)
    await bus.join()

    first = await gate.submit(
        ConfigChangeRequest(kind="profile.switch", payload={"to": "a"}, description="to a")
    )
    refused = await gate.submit(
        ConfigChangeRequest(kind="profile.switch", payload={"to": "x"}, may_wait=False)
    )
    second = await gate.submit(ConfigChangeRequest(kind="logging.level", payload={"level": "DEBUG"}))
    third = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={"to": "b"}))
    assert [first.status, refused.status, second.status, third.status] == ["held", "refused", "held", "held"]
    assert "s1@KRW-BTC" in refused.reason and "cannot wait" in refused.reason
    assert applied == []
    assert [h.request.request_id for h in gate.held_requests()] == [
        first.request_id,
        second.request_id,
        third.request_id,
    ]

    await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"), CRIT)
    await bus.join()
    assert applied == []  # s2 is still live
    await bus.publish(TradingCompleted(strategy_id="s2", market="KRW-ETH"), CRIT)
    await bus.join()
    assert applied == [
        ("profile.switch", {"to": "a"}),
        ("logging.level", {"level": "DEBUG"}),
        ("profile.switch", {"to": "b"}),
    ]
    assert gate.held_requests() == []
    kinds = [type(n).__name__ for n in notices]
    assert kinds.count("ConfigChangeHeld") == 3 and kinds.count("ConfigChangeRefused") == 1
    assert kinds.count("ConfigChangeApplied") == 3
    await bus.stop()


async def test_completion_is_counted_per_start() -> None:
    bus, gate, applied = _gate()
    await bus.start()
    started = TradingStarted(strategy_id="s1", market="KRW-BTC")
    await bus.publish(started, CRIT)
    await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"), CRIT)
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)  # a new trade, same key
    outcome = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={}))
    await bus.join()
    assert outcome.status == "held"
    assert applied == [] and gate.is_trading
    await bus.stop()


async def test_emergency_stop_always_passes() -> None:
    bus, gate, _ = _gate()
    stops: list[EmergencyStopRequested] = []
    bus.subscribe(EmergencyStopRequested, stops.append)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)
    outcome = await gate.submit(
        ConfigChangeRequest(kind=EMERGENCY_STOP_KIND, payload={"reason": "drawdown"}, may_wait=False)
    )
    await bus.join()
    assert outcome.status == "applied"
    assert [s.reason for s in stops] == ["drawdown"]
    await bus.stop()


async def test_unknown_kind_is_refused_with_a_reason() -> None:
    bus, gate, _ = _gate()
    outcome = await gate.submit(ConfigChangeRequest(kind="nope", payload={}))
    assert outcome.status == "refused" and "nope" in outcome.reason


async def test_held_requests_survive_a_restart_and_wait_for_the_user() -> None:
    store = InMemoryHeldRequestStore()
    bus, gate, applied = _gate(store)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)
    a = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={"to": "a"}))
    b = await gate.submit(ConfigChangeRequest(kind="logging.level", payload={"level": "INFO"}))
    await bus.stop()  # the app quits while the trade is live

    bus2, gate2, applied2 = _gate(store)
    await bus2.start()
    pending = gate2.pending_decisions()
    assert [h.request.request_id for h in pending] == [a.request_id, b.request_id]
    assert applied2 == []  # never applied silently, even with no trade live
    outcome = await gate2.apply_pending(a.request_id)
    assert outcome.status == "applied" and applied2 == [("profile.switch", {"to": "a"})]
    assert await gate2.cancel(b.request_id) is True
    assert gate2.pending_decisions() == [] and store.list() == []
    assert applied == []
    await bus2.stop()


async def test_a_failing_held_change_is_kept_for_the_user_and_the_next_still_applies() -> None:
    bus, gate, applied = _gate()
    failures: list[ConfigChangeFailed] = []
    bus.subscribe(ConfigChangeFailed, failures.append)

    def broken(payload: dict) -> None:
        raise OSError("disk full")

    gate.register_applier("paths.move", broken)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"), CRIT)
    bad = await gate.submit(ConfigChangeRequest(kind="paths.move", payload={}))
    good = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={"to": "z"}))
    await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"), CRIT)
    await bus.join()
    assert applied == [("profile.switch", {"to": "z"})]
    assert [h.request.request_id for h in gate.pending_decisions()] == [bad.request_id]
    assert "disk full" in gate.pending_decisions()[0].last_error
    assert failures and failures[0].request_id == bad.request_id
    assert good.status == "held"
    await bus.stop()


async def test_a_pending_change_that_is_refused_on_apply_stays_pending() -> None:
    from upbit_auto_trading.application.event_bus.ports import HeldRequest

    store = InMemoryHeldRequestStore()
    unknown = ConfigChangeRequest(kind="paths.move", payload={"to": "/elsewhere"})
    later = ConfigChangeRequest(kind="profile.switch", payload={"to": "b"})
    store.add(HeldRequest(unknown))  # held by a run that had an applier for it
    store.add(HeldRequest(later))
    bus, gate, applied = _gate(store)  # this run has none for paths.move
    outcome = await gate.apply_pending(unknown.request_id)
    assert outcome.status == "refused" and "paths.move" in outcome.reason
    order = [unknown.request_id, later.request_id]
    assert [h.request.request_id for h in gate.pending_decisions()] == order  # kept, in its place
    assert [h.request.request_id for h in store.list()] == order  # not lost
    assert applied == []
