"""The config-change gate follows the engine's trades: a replay publishing on a running event bus holds a
config change while it holds a position and applies it once the position is closed (``TradingCompleted``).
Real SQLite (the gate's held-request store included), the loopback Upbit server over HTTP."""

from __future__ import annotations

from upbit_auto_trading.application.event_bus.events import ConfigChangeApplied, ConfigChangeHeld
from upbit_auto_trading.application.event_bus.gate import ConfigChangeRequest
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.order import OrderSide

START, END = "2021-01-01", "2021-01-03T12:00"
KIND = "drill.setting"


async def test_a_config_change_is_held_during_a_trade_and_applied_when_it_closes(drill, drills):
    container = drill.container()
    gate = container.event_bus.gate()  # first: it hooks TradingStarted before anything is published
    bus = await drill.bus(container)
    seen: list[object] = []
    for kind in (TradingStarted, TradingCompleted, ConfigChangeHeld, ConfigChangeApplied):
        bus.subscribe(kind, seen.append)
    journal = container.trading.journal()
    applied: list[dict[str, object]] = []

    def apply(payload):  # noqa: ANN001, ANN202 - what the session looked like when the change landed
        sid = payload["session"]
        orders = journal.orders(sid)
        applied.append({
            "payload": payload, "orders": len(orders), "trading": gate.is_trading,
            "holding": drills.position(journal, sid).is_open,
            "unfinished": len(journal.orders(sid, unfinished_only=True)),
        })  # fmt: skip

    gate.register_applier(KIND, apply)
    submitted: dict[str, object] = {}

    async def change_while_holding(moment):  # noqa: ANN001, ANN202
        if "outcome" not in submitted and moment.holding() and len(moment.orders()) >= 3:
            submitted["orders"] = len(moment.orders())
            submitted["trading"] = gate.is_trading
            submitted["state"] = gate.state.describe()
            outcome = await gate.submit(ConfigChangeRequest(kind=KIND, payload={"session": moment.sid, "to": "b"},
                                                            description="drill change"))  # fmt: skip
            submitted["outcome"] = outcome
            submitted["held"] = [h.request.request_id for h in gate.held_requests()]
            submitted["applied_yet"] = len(applied)

    drill.hooks.every(change_while_holding)
    engine = drill.engine(container, bus=bus)
    sid = (await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))).session_id
    await drill.finish(engine, sid)
    await bus.join()

    outcome = submitted["outcome"]
    assert submitted["trading"] is True and drills.MARKET in submitted["state"]
    assert outcome.status == "held" and "live" in outcome.reason
    assert submitted["held"] == [outcome.request_id] and submitted["applied_yet"] == 0
    (done,) = applied
    assert done["payload"] == {"session": sid, "to": "b"}
    # Applied once the trade it waited for was over: the position sold, nothing open, no trade live.
    assert done["orders"] >= submitted["orders"] + 1
    sell = journal.orders(sid)[submitted["orders"]]
    assert (sell.side, sell.state) == (OrderSide.ASK, JournalState.DONE)
    assert done["holding"] is False and done["unfinished"] == 0 and done["trading"] is False
    assert gate.held_requests() == [] and gate.pending_decisions() == []
    assert not gate.is_trading  # the replay is over
    kinds = [type(e).__name__ for e in seen]
    held_at = kinds.index("ConfigChangeHeld")
    applied_at = kinds.index("ConfigChangeApplied")
    assert "TradingCompleted" in kinds[held_at:applied_at], "applied only after the trade completed"
    assert any(isinstance(e, ConfigChangeApplied) and e.was_held for e in seen)
    starts = [e for e in seen if isinstance(e, TradingStarted)]
    assert len(starts) >= 3 and all(e.market == drills.MARKET for e in starts)
