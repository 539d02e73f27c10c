"""The engine under exchange faults, in replay sessions against the loopback Upbit server over real HTTP and
WebSocket, with the real SQLite journal: lost and late order replies, fills reported twice, market buys
ending in ``cancel``, a market going offline, markets under warning, and the emergency stop."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from decimal import Decimal

import pytest

from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.domain.trading.journal import FillSource, JournalState
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.domain.trading.session import SessionState

START, END = "2021-01-01", "2021-01-03T12:00"  # 60 hours: a dozen orders of the drill strategy


def _fills_by_order(journal, sid):  # noqa: ANN001, ANN202
    totals: dict[str, Decimal] = {}
    for fill in journal.fills(sid):
        totals[fill.identifier] = totals.get(fill.identifier, Decimal(0)) + fill.volume
    return totals


def _assert_journal_matches_server(journal, sid, server, drills):  # noqa: ANN001, ANN202
    """Every journaled order the exchange took is there exactly once, with the same executed volume and the
    same trades; the server holds no order of ours the journal does not."""
    orders = journal.orders(sid)
    taken = drills.placed(orders)
    at_server = drills.server_orders(server)
    assert server.stats.orders_placed == len(at_server) == len(taken)
    assert Counter(o.identifier for o in at_server) == Counter(o.identifier for o in taken)
    fills = journal.fills(sid)
    assert len({f.trade_id for f in fills}) == len(fills), "a fill counted twice"
    by_id = {o.identifier: o for o in at_server}
    totals = _fills_by_order(journal, sid)
    for order in taken:
        sim = by_id[order.identifier]
        assert order.executed_volume == sim.executed == totals.get(order.identifier, Decimal(0))
        assert order.state is not JournalState.DONE or order.executed_volume > 0
        assert {f.trade_id for f in fills if f.identifier == order.identifier} == {t.uuid for t in sim.trades}


# --- 1. lost and late replies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["dropped", "delayed"])
async def test_an_order_whose_reply_is_lost_is_placed_once_and_done(drill, drills, fault, caplog):
    # A 1 s client timeout: a reply 2.5 s late is a timeout, as a slow Upbit would be.
    container = drill.container(upbit={"timeout": 1.0})
    engine = drill.engine(container)
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    server = engine.running[sid].adapters.server
    if fault == "dropped":
        server.drop_next_order_replies(1)  # the first order is placed, its connection cut before the reply
    else:
        server.delay_order_replies(2.5, count=1)  # the first order is placed, its reply comes too late
    caplog.set_level(logging.WARNING)
    await drill.finish(engine, sid)

    faults = server.state.faults
    assert faults.dropped_replies_left == 0 and faults.delayed_orders_left == 0, "the fault never fired"
    assert "reply lost" in caplog.text, "the client never saw the reply go missing"
    journal = container.trading.journal()
    first, *rest = journal.orders(sid)
    assert first.side is OrderSide.BID and first.state is JournalState.DONE
    assert len(drills.server_orders(server, first.identifier)) == 1, "looked up, never sent again"
    assert first.executed_volume > 0
    assert any(row["state"] is JournalState.DONE for row in journal.history(first.identifier))
    _assert_journal_matches_server(journal, sid, server, drills)
    # ... and the session went on: later trades, all filled, to the end of the replay.
    assert len(rest) >= 5 and all(o.state is JournalState.DONE for o in rest)
    assert container.trading.sessions().get(sid).state is SessionState.FINISHED


# --- 2. a fill reported twice ---------------------------------------------------------------------------------------


async def test_fills_reported_twice_count_once_and_the_position_equals_the_balance(drill, drills, monkeypatch):
    applied: list[tuple[str, str]] = []  # (source, trade id) of every fact the desk was given
    original = OrderDesk.apply

    async def apply(self, order, source):  # noqa: ANN001, ANN202
        applied.extend((source.value, t.trade_id) for t in order.trades)
        return await original(self, order, source)

    monkeypatch.setattr(OrderDesk, "apply", apply)
    compared: list[tuple[Decimal, Decimal]] = []

    def compare(moment):  # noqa: ANN001, ANN202 - between two prices: the journal's position vs the account
        if not moment.desk.unfinished(moment.sid):
            compared.append((moment.desk.position(moment.sid, drills.MARKET).quantity,
                             drills.coin_total(moment.server)))  # fmt: skip

    drill.hooks.every(compare)
    container = drill.container()
    engine = drill.engine(container)
    # speed: the private stream gets its messages in while the replay runs
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END, speed_ms=15))
    sid = session.session_id
    server = engine.running[sid].adapters.server
    server.duplicate_order_events(True)
    await drill.finish(engine, sid)

    seen = Counter(trade for source, trade in applied if source == FillSource.WEBSOCKET.value)
    assert seen and max(seen.values()) >= 2, "no fill came twice over the WebSocket"
    journal = container.trading.journal()
    _assert_journal_matches_server(journal, sid, server, drills)
    assert compared and all(mine == theirs for mine, theirs in compared), [c for c in compared if c[0] != c[1]]
    assert sum(1 for mine, _ in compared if mine > 0) >= 10, "compared while holding"
    assert drills.position(journal, sid).quantity == drills.coin_total(server)  # and at the end


# --- 3. a market buy that ends in cancel -------------------------------------------------------------------------


async def test_a_market_buy_ending_in_cancel_with_fills_is_done(drill, drills):
    container = drill.container()
    engine = drill.engine(container)
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    server = engine.running[sid].adapters.server
    await drill.finish(engine, sid)

    journal = container.trading.journal()
    buys = [o for o in journal.orders(sid) if o.side is OrderSide.BID]
    assert len(buys) >= 3
    for buy in buys:
        (sim,) = drills.server_orders(server, buy.identifier)
        assert (sim.ord_type, sim.state) == ("price", "cancel") and sim.executed > 0  # Upbit's way
        assert buy.state is JournalState.DONE and buy.executed_volume == sim.executed > 0
        assert [row["state"] for row in journal.history(buy.identifier)][-1] is JournalState.DONE
    _assert_journal_matches_server(journal, sid, server, drills)


# --- 9. the emergency stop ------------------------------------------------------------------------------------------


async def test_emergency_stop_cancels_open_orders_sells_the_position_and_halts(drill, drills):
    container = drill.container()
    engine = drill.engine(container)
    pause = drill.hooks.pause_when(lambda m: m.holding() and len(m.orders()) >= 3)  # the second trade is on
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    moment = await drill.reach(engine, sid, pause)
    server, desk = moment.server, moment.desk
    held = desk.position(sid, drills.MARKET).quantity
    assert held > 0 and drills.coin_total(server) == held
    # An order resting on the book (a limit buy far under the market), journaled like any other.
    price = moment.event.tick.price if moment.event.tick else moment.event.closed.candle.close
    limit = (price / 2 // krw_tick_size(price / 2)) * krw_tick_size(price / 2)
    resting = await desk.submit(sid, OrderRequest(drills.MARKET, OrderSide.BID, OrderType.LIMIT,
                                                  volume=Decimal("0.001"), price=limit),
                                reason="manual", kind="entry")  # fmt: skip
    assert resting.state is JournalState.OPEN and server.balance(drills.ACCESS_KEY, "KRW")[1] > 0

    problems = await engine.emergency_stop(flatten=True, reason="drill")

    assert problems == []
    journal = container.trading.journal()
    assert journal.get(resting.identifier).state is JournalState.CANCELLED
    assert [o.state for o in drills.server_orders(server, resting.identifier)] == ["cancel"]
    (sell,) = [o for o in journal.orders(sid) if o.kind == "emergency"]
    assert (sell.side, sell.ord_type, sell.state) == (OrderSide.ASK, OrderType.MARKET, JournalState.DONE)
    assert sell.executed_volume == held
    assert drills.coin_total(server) == 0 and server.balance(drills.ACCESS_KEY, "KRW")[1] == 0
    assert journal.orders(sid, unfinished_only=True) == []
    assert not desk.position(sid, drills.MARKET).is_open
    stored = container.trading.sessions().get(sid)
    assert stored.state is SessionState.HALTED and stored.note == "drill"
    assert sid not in engine.running
    _assert_journal_matches_server(journal, sid, server, drills)


# --- 10. a market offline ---------------------------------------------------------------------------------------------


async def test_a_market_offline_refuses_the_buy_and_trading_resumes_when_it_is_back(drill, drills, caplog):
    container = drill.container()
    engine = drill.engine(container)
    marks: dict[str, int] = {}
    seen = {"events": 0}

    def maintenance(moment):  # noqa: ANN001, ANN202
        orders = moment.orders()
        if "offline" not in marks and len(orders) >= 2 and moment.flat():  # after the first trade
            moment.server.set_market_offline(drills.MARKET)
            marks["offline"] = len(orders)
        elif "offline" in marks and "online" not in marks:
            seen["events"] += 1
            if seen["events"] >= 40:  # ten candles of maintenance
                moment.server.set_market_offline(drills.MARKET, False)
                marks["online"] = len(orders)

    drill.hooks.every(maintenance)
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    server = engine.running[sid].adapters.server
    running = await drill.finish(engine, sid)

    assert running.error == "" and container.trading.sessions().get(sid).state is SessionState.FINISHED
    orders = container.trading.journal().orders(sid)
    # the pre-check (/v1/orders/test) refused the buys during the maintenance: nothing journaled, nothing sent
    assert marks["online"] == marks["offline"], "no order while the market was offline"
    assert "would refuse this buy (market_offline)" in caplog.text
    assert not [o for o in orders if o.state is JournalState.REJECTED]
    after = orders[marks["online"]:]
    assert [o.kind for o in after if o.state is JournalState.DONE][:2] == ["entry", "exit"], "trading again"
    _assert_journal_matches_server(container.trading.journal(), sid, server, drills)


# --- 11. a market under warning --------------------------------------------------------------------------------------


async def test_no_entries_on_a_market_under_warning(drill, drills, caplog):
    container = drill.container()
    engine = drill.engine(container)
    cleared: dict[str, str] = {}

    def lift_warning(moment):  # noqa: ANN001, ANN202 - after a day of market time under warning
        closed = moment.event.closed
        if not cleared and closed is not None and closed.candle.start >= drills.utc("2021-01-02"):
            moment.server.set_market_warning(drills.MARKET, False)
            cleared["at"] = closed.candle.start.isoformat()

    drill.hooks.every(lift_warning)
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    server = engine.running[sid].adapters.server
    server.set_market_warning(drills.MARKET)  # before the first candle
    caplog.set_level(logging.WARNING)
    await drill.finish(engine, sid)

    assert cleared, "the warning was never lifted"
    refusals = [r.getMessage() for r in caplog.records if "investment warning" in r.getMessage()]
    assert len(refusals) >= 3, "entries were not refused under the warning"
    orders = container.trading.journal().orders(sid)
    assert orders, "no entry once the warning was lifted"
    assert all(o.decided_bar >= cleared["at"] for o in orders), [o.decided_bar for o in orders]
    assert orders[0].kind == "entry" and orders[0].state is JournalState.DONE
    _assert_journal_matches_server(container.trading.journal(), sid, server, drills)


async def test_emergency_stop_while_an_order_is_in_flight_leaves_nothing_behind(drill, drills):
    container = drill.container()
    engine = drill.engine(container)

    def slow_network(moment):  # noqa: ANN001, ANN202 - after the first trade: the order stream is down and
        server = moment.server  # the next reply comes late
        if len(moment.orders()) == 2 and moment.flat() and not server.state.faults.refuse_websockets:
            server.refuse_websockets()
            server.drop_websockets()
            server.delay_order_replies(1.5, count=1)

    drill.hooks.every(slow_network)
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    running = engine.running[sid]
    server = running.adapters.server
    for _ in range(1000):  # until the second buy is at the exchange, its reply still on the way
        if server.stats.orders_placed >= 3:
            break
        await asyncio.sleep(0.01)
    journal = container.trading.journal()
    (in_flight,) = journal.orders(sid, unfinished_only=True)
    assert in_flight.side is OrderSide.BID and in_flight.state is JournalState.SENT

    problems = await engine.emergency_stop(flatten=True, reason="drill")
    assert running.done.is_set(), "the session's task still runs after the emergency stop"

    assert problems == [] and running.error == "", running.error  # its order finished first, then the stop
    bought = journal.get(in_flight.identifier)
    assert bought.state is JournalState.DONE and bought.executed_volume > 0, "the late order was learnt"
    (sell,) = [o for o in journal.orders(sid) if o.kind == "emergency"]
    assert sell.state is JournalState.DONE and sell.executed_volume == bought.executed_volume
    assert drills.coin_total(server) == 0
    assert journal.orders(sid, unfinished_only=True) == []
    assert container.trading.sessions().get(sid).state is SessionState.HALTED
    _assert_journal_matches_server(journal, sid, server, drills)
