"""Crashes and restarts: a replay session "dies" (the engine stops following it: ``detach``; the journal and
the loopback server's state file stay), a NEW container on the same home resumes it, and reconciliation
settles the journal against the exchange before any new decision. Real SQLite, the loopback Upbit server
over HTTP."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.domain.trading.events import OrderRefusedByRisk, ReviewItemAdded
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.order import OrderSide
from upbit_auto_trading.domain.trading.review import ReviewKind
from upbit_auto_trading.domain.trading.session import SessionState
from upbit_auto_trading.infrastructure.sqlite.trading_journal import SqliteOrderJournal
from upbit_auto_trading.infrastructure.trading.upbit_exchange import UpbitExchange

START, END = "2021-01-01", "2021-01-03T12:00"


async def _crash(engine, sid):  # noqa: ANN001, ANN202
    """The process dies: nothing more is journaled or sent; the journal and the server's file stay."""
    running = engine.running[sid]
    await asyncio.wait_for(engine.wait(sid), 15)
    await engine.detach(sid)
    return running


def _decided_once(orders, decided_bar, drills):  # noqa: ANN001, ANN202
    return [o.decided_bar for o in drills.placed(orders)].count(decided_bar)


def _no_duplicates(journal, sid, server, drills):  # noqa: ANN001, ANN202
    taken = drills.placed(journal.orders(sid))
    at_server = drills.server_orders(server)
    assert server.stats.orders_placed == len(at_server) == len(taken)
    assert sorted(o.identifier for o in at_server) == sorted(o.identifier for o in taken)
    bars = [o.decided_bar for o in taken if o.decided_bar]
    assert len(bars) == len(set(bars)), "a decision placed twice"


# --- 4. a crash between the intent and the request -------------------------------------------------------------


@pytest.mark.parametrize("crash_at", ["after_intent", "before_request"])
async def test_an_intent_that_never_left_is_not_placed_and_its_decision_is_placed_once(
    drill, drills, monkeypatch, crash_at
):
    """The second entry's intent is committed, then the process dies: before the entry moves to ``sent``
    (``after_intent``) or once it is ``sent`` but before the request leaves (``before_request``)."""
    calls = {"n": 0}
    if crash_at == "after_intent":
        update = SqliteOrderJournal.update

        def dying_update(self, order):  # noqa: ANN001, ANN202
            if order.state is JournalState.SENT:
                calls["n"] += 1
                if calls["n"] == 3:
                    raise asyncio.CancelledError  # the process is gone
            return update(self, order)

        monkeypatch.setattr(SqliteOrderJournal, "update", dying_update)
    else:
        place = UpbitExchange.place

        async def dying_place(self, request):  # noqa: ANN001, ANN202
            calls["n"] += 1
            if calls["n"] == 3:
                raise asyncio.CancelledError
            return await place(self, request)

        monkeypatch.setattr(UpbitExchange, "place", dying_place)

    first = drill.container()
    name = drills.drill_strategy(first)
    engine = drill.engine(first)
    sid = (await engine.start(drills.replay_request(name, START, END))).session_id
    old_server = engine.running[sid].adapters.server
    await _crash(engine, sid)
    orders = first.trading.journal().orders(sid)
    lost = orders[-1]
    assert len(orders) == 3 and (lost.side, lost.kind) == (OrderSide.BID, "entry")
    assert lost.state is (JournalState.INTENT if crash_at == "after_intent" else JournalState.SENT)
    assert old_server.stats.orders_placed == 2 and drills.server_orders(old_server, lost.identifier) == []

    second = drill.container()
    engine = drill.engine(second)
    await engine.resume(sid, drills.window(START, END))
    running = engine.running[sid]
    report, server = running.reconciliation, running.adapters.server
    assert (report.looked_up, report.not_placed, report.review_items) == (1, 1, ())
    await drill.finish(engine, sid)

    journal = second.trading.journal()
    after = journal.get(lost.identifier)
    assert after.state is JournalState.NOT_PLACED and "not found" in after.error
    assert drills.server_orders(server, lost.identifier) == []
    orders = journal.orders(sid)
    assert _decided_once(orders, lost.decided_bar, drills) == 1, "the decision is carried out, once"
    (replacement,) = [o for o in orders if o.decided_bar == lost.decided_bar and o.state is JournalState.DONE]
    assert replacement.identifier != lost.identifier  # a new identifier: Upbit never takes one twice
    _no_duplicates(journal, sid, server, drills)
    assert second.trading.review().items() == []
    assert second.trading.sessions().get(sid).state is SessionState.FINISHED


# --- 5. a crash after the exchange took the order, before the journal learnt it -------------------------------


async def test_an_order_placed_just_before_a_crash_is_found_and_its_fills_applied(drill, drills, monkeypatch):
    dead = {"dead": False, "n": 0}
    place, apply = UpbitExchange.place, OrderDesk.apply

    async def placed_then_dead(self, request):  # noqa: ANN001, ANN202
        dead["n"] += 1
        if dead["n"] != 3:
            return await place(self, request)
        dead["dead"] = True  # from here on the process learns nothing: not the reply, not the stream
        await place(self, request)
        raise asyncio.CancelledError

    async def unless_dead(self, order, source):  # noqa: ANN001, ANN202
        return None if dead["dead"] else await apply(self, order, source)

    monkeypatch.setattr(UpbitExchange, "place", placed_then_dead)
    monkeypatch.setattr(OrderDesk, "apply", unless_dead)
    first = drill.container()
    name = drills.drill_strategy(first)
    engine = drill.engine(first)
    sid = (await engine.start(drills.replay_request(name, START, END))).session_id
    old_server = engine.running[sid].adapters.server
    await _crash(engine, sid)
    dead["dead"] = False
    orders = first.trading.journal().orders(sid)
    taken = orders[-1]
    assert taken.state is JournalState.SENT and first.trading.journal().fills(identifier=taken.identifier) == []
    (at_server,) = drills.server_orders(old_server, taken.identifier)
    assert at_server.executed > 0 and old_server.stats.orders_placed == 3

    second = drill.container()
    engine = drill.engine(second)
    await engine.resume(sid, drills.window(START, END))
    running = engine.running[sid]
    report, server = running.reconciliation, running.adapters.server
    assert (report.looked_up, report.updated, report.not_placed, report.review_items) == (1, 1, 0, ())
    assert report.fills_added == len(at_server.trades) >= 1
    journal = second.trading.journal()
    learnt = journal.get(taken.identifier)
    assert learnt.state is JournalState.DONE and learnt.executed_volume == at_server.executed
    assert {f.trade_id for f in journal.fills(identifier=taken.identifier)} == {t.uuid for t in at_server.trades}
    assert "reconciliation" in {row["source"] for row in journal.history(taken.identifier)}
    await drill.finish(engine, sid)

    orders = journal.orders(sid)
    assert _decided_once(orders, taken.decided_bar, drills) == 1
    _no_duplicates(journal, sid, server, drills)
    assert len(drills.server_orders(server, taken.identifier)) == 1
    exits = [o for o in orders if o.created_at > learnt.created_at and o.side is OrderSide.ASK]
    assert exits and exits[0].executed_volume == learnt.executed_volume, "the learnt position was sold"
    assert second.trading.review().items() == []


# --- 6. a balance changed while the engine was down -------------------------------------------------------------


async def test_a_balance_mismatch_goes_to_review_and_blocks_entries_until_resolved(drill, drills, monkeypatch):
    from upbit_auto_trading.application.trading.market_trader import MarketTrader

    refusals: list[str] = []
    refused = MarketTrader._refused

    async def counting(self, why, *noted):  # noqa: ANN001, ANN002, ANN202 - the refusal's kind and decision
        refusals.append(why)
        await refused(self, why, *noted)

    monkeypatch.setattr(MarketTrader, "_refused", counting)
    first = drill.container()
    name = drills.drill_strategy(first)
    engine = drill.engine(first)
    pause = drill.hooks.pause_when(lambda m: m.holding() and len(m.orders()) >= 3)  # in the second trade
    sid = (await engine.start(drills.replay_request(name, START, END))).session_id
    await drill.reach(engine, sid, pause)
    old_server = engine.running[sid].adapters.server
    await engine.detach(sid)  # the process dies while holding
    held = drills.position(first.trading.journal(), sid).quantity
    assert held > 0 and drills.coin_total(old_server) == held
    # Someone moves coins while the engine is down (a deposit): the account no longer matches the journal.
    old_server.set_balance(drills.ACCESS_KEY, "BTC", held + Decimal("0.05"))

    second = drill.container()
    bus = await drill.bus(second)
    added: list[ReviewItemAdded] = []
    refused_events: list[OrderRefusedByRisk] = []
    bus.subscribe(ReviewItemAdded, added.append)
    bus.subscribe(OrderRefusedByRisk, refused_events.append)
    review = second.trading.review()
    marks: dict[str, object] = {}

    def resolve_after_refusals(moment):  # noqa: ANN001, ANN202
        blocked = [r for r in refusals if "manual-review" in r]
        if "resolved" not in marks and len(blocked) >= 3:
            marks["orders"] = {o.identifier for o in moment.orders()}
            for item in review.items():
                review.resolve(item.item_id, "accepted: a deposit", moment.event.tick.at if moment.event.tick
                               else moment.event.closed.candle.start)  # fmt: skip
            marks["resolved"] = True

    engine = drill.engine(second, bus=bus)
    await engine.resume(sid, drills.window(START, END))
    running = engine.running[sid]
    report, server = running.reconciliation, running.adapters.server
    (item,) = report.review_items
    assert (item.kind, item.market) == (ReviewKind.BALANCE_MISMATCH, drills.MARKET)
    assert str(held + Decimal("0.05")) in item.detail and str(held) in item.detail
    assert [i.item_id for i in review.items()] == [item.item_id]
    before = {o.identifier for o in second.trading.journal().orders(sid)}
    drill.hooks.every(resolve_after_refusals)
    await drill.finish(engine, sid)
    await bus.join()

    assert [(e.kind, e.market) for e in added] == [("balance_mismatch", drills.MARKET)]
    assert marks.get("resolved"), "the entries were never refused"
    assert any("manual-review" in e.reason for e in refused_events)
    journal = second.trading.journal()
    orders = journal.orders(sid)
    while_open = [o for o in orders if o.identifier in marks["orders"] and o.identifier not in before]
    assert [o.kind for o in while_open] == ["exit"], "only the held position was sold while the item was open"
    assert while_open[0].executed_volume == held
    resolved = [o for o in orders if o.identifier not in marks["orders"]]
    assert resolved and resolved[0].kind == "entry" and resolved[0].state is JournalState.DONE
    assert review.items() == [] and review.blocked_markets() == frozenset()
    _no_duplicates(journal, sid, server, drills)


# --- 7. an order of ours at the exchange the journal does not know ----------------------------------------------


async def test_an_order_missing_from_the_journal_goes_to_review(drill, drills):
    first = drill.container()
    name = drills.drill_strategy(first)
    engine = drill.engine(first)
    pause = drill.hooks.pause_when(lambda m: m.flat() and len(m.orders()) >= 2)  # after the first trade
    sid = (await engine.start(drills.replay_request(name, START, END))).session_id
    moment = await drill.reach(engine, sid, pause)
    price = moment.event.tick.price if moment.event.tick else moment.event.closed.candle.close
    old_server = moment.server
    await engine.detach(sid)
    # Orders carrying our prefix that the journal never saw (e.g. written by a build that lost its journal):
    # one resting on the book, one filled (and so closed).
    resting = old_server.place_external_order(drills.ACCESS_KEY, {
        "market": drills.MARKET, "side": "bid", "ord_type": "limit", "price": str(_tick_below(price / 2)),
        "volume": "0.001", "identifier": "uat-resting-order-from-nowhere"})  # fmt: skip
    filled = old_server.place_external_order(drills.ACCESS_KEY, {
        "market": drills.MARKET, "side": "bid", "ord_type": "price", "price": "10000",
        "identifier": "uat-filled-order-from-nowhere"})  # fmt: skip
    assert resting["state"] == "wait" and filled["state"] == "cancel" and Decimal(filled["executed_volume"]) > 0

    second = drill.container()
    engine = drill.engine(second)
    await engine.resume(sid, drills.window(START, END))
    running = engine.running[sid]
    report = running.reconciliation
    unknown = {i.identifier: i for i in report.review_items if i.kind is ReviewKind.UNKNOWN_ORDER}
    assert set(unknown) == {"uat-resting-order-from-nowhere", "uat-filled-order-from-nowhere"}
    assert all(i.market == drills.MARKET and "not in the journal" in i.detail for i in unknown.values())
    kinds = {i.kind for i in second.trading.review().items()}
    assert ReviewKind.UNKNOWN_ORDER in kinds
    assert ReviewKind.BALANCE_MISMATCH in kinds  # the filled one's coins are not the journal's either
    orders_before = len(second.trading.journal().orders(sid))
    await drill.finish(engine, sid)
    orders = second.trading.journal().orders(sid)
    assert [o.kind for o in orders[orders_before:]] == [], "no new entry while the market is under review"
    assert second.trading.journal().get("uat-resting-order-from-nowhere") is None  # never adopted silently


def _tick_below(price: Decimal) -> Decimal:
    from upbit_auto_trading.domain.market.tick_size import krw_tick_size

    tick = krw_tick_size(price)
    return (price // tick) * tick
