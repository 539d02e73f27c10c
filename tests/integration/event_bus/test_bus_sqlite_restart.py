"""Dead letters, held config changes and undelivered events survive a restart (real SQLite files)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from upbit_auto_trading.application.event_bus import Event, EventPriority, RetryPolicy
from upbit_auto_trading.application.event_bus.gate import ConfigChangeRequest
from upbit_auto_trading.application.event_bus.ports import ALL_HANDLERS
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.trading.events import TradingStarted


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    market: str
    price: Decimal


def _container(home: Path):
    container = build_container(home=home)
    container.core.database_session()  # opens and migrates (the full start-up also seeds candles: slow)
    return container


def _close(container) -> None:
    container.core.database_session().close_all()


async def test_dead_letters_survive_a_restart(tmp_path: Path) -> None:
    c1 = _container(tmp_path)
    bus = c1.event_bus.bus()
    bus.set_retry_policy(OrderPlaced, RetryPolicy(max_retries=1, base_delay=0.001))

    def broken(event: OrderPlaced) -> None:
        raise ConnectionError("exchange unreachable")

    bus.subscribe(OrderPlaced, broken, name="tests.order_router")
    order = OrderPlaced(market="KRW-BTC", price=Decimal("50000000.5"), source="strategy")
    await bus.start()
    await bus.publish(order, EventPriority.CRITICAL_TRADING)
    await bus.join()
    await bus.stop()
    _close(c1)
    db_file = c1.core.database_session().settings.path
    assert db_file.is_file() and str(db_file).startswith(str(tmp_path))

    c2 = _container(tmp_path)
    bus2 = c2.event_bus.bus()
    got: list[OrderPlaced] = []
    bus2.subscribe(OrderPlaced, got.append, name="tests.order_router")
    await bus2.start()
    letters = await bus2.dead_letters()
    assert len(letters) == 1
    letter = letters[0]
    assert letter.event == order and letter.handler == "tests.order_router"
    assert letter.priority is EventPriority.CRITICAL_TRADING and letter.attempts == 2
    assert "exchange unreachable" in letter.error
    assert await bus2.retry_dead_letter(letter.letter_id) is True
    assert got == [order]
    assert await bus2.dead_letters() == []
    await bus2.stop()
    _close(c2)


async def test_shutdown_persists_undelivered_and_they_come_back_as_dead_letters(tmp_path: Path) -> None:
    c1 = _container(tmp_path)
    bus = c1.event_bus.bus()
    gate_open = asyncio.Event()

    async def stuck(event: Event) -> None:
        await gate_open.wait()

    bus.subscribe(OrderPlaced, stuck)
    await bus.start()
    orders = [OrderPlaced(market="KRW-BTC", price=Decimal(n)) for n in range(3)]
    for o in orders:
        await bus.publish(o, EventPriority.CRITICAL_TRADING)
    await bus.publish(OrderPlaced(market="KRW-ETH", price=Decimal(1)), EventPriority.LOW_LOGGING)
    await asyncio.sleep(0.01)
    assert await bus.stop(timeout=0.05) == 3
    _close(c1)

    c2 = _container(tmp_path)
    bus2 = c2.event_bus.bus()
    await bus2.start()
    letters = await bus2.dead_letters()
    assert [letter.event for letter in letters] == orders
    assert {letter.handler for letter in letters} == {ALL_HANDLERS}
    await bus2.stop()
    _close(c2)

    c3 = _container(tmp_path)  # taken once: a second restart does not duplicate them
    bus3 = c3.event_bus.bus()
    await bus3.start()
    assert len(await bus3.dead_letters()) == 3
    await bus3.stop()
    _close(c3)


async def test_held_config_changes_survive_a_restart(tmp_path: Path) -> None:
    c1 = _container(tmp_path)
    bus, gate = c1.event_bus.bus(), c1.event_bus.gate()
    gate.register_applier("profile.switch", lambda payload: None)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="rsi", market="KRW-BTC"), EventPriority.CRITICAL_TRADING)
    first = await gate.submit(
        ConfigChangeRequest(kind="profile.switch", payload={"to": "test", "n": 1}, description="switch")
    )
    second = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={"to": "prod"}))
    assert first.status == second.status == "held"
    await bus.stop()
    _close(c1)

    c2 = _container(tmp_path)
    bus2, gate2 = c2.event_bus.bus(), c2.event_bus.gate()
    applied: list[dict] = []
    gate2.register_applier("profile.switch", applied.append)
    await bus2.start()
    pending = gate2.pending_decisions()
    assert [(h.request.request_id, h.request.payload) for h in pending] == [
        (first.request_id, {"to": "test", "n": 1}),
        (second.request_id, {"to": "prod"}),
    ]
    assert pending[0].request.description == "switch"
    assert applied == []
    assert (await gate2.apply_pending(first.request_id)).status == "applied"
    assert await gate2.cancel(second.request_id)
    assert applied == [{"to": "test", "n": 1}]
    await bus2.stop()
    _close(c2)

    c3 = _container(tmp_path)
    assert c3.event_bus.gate().pending_decisions() == []
    _close(c3)
