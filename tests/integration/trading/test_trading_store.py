"""The trading engine's SQLite storage on real files: journal, fills, history, sessions, review list."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.domain.trading.journal import (
    FillSource,
    JournalOrder,
    JournalState,
    JournalTransitionError,
    OrderFill,
)
from upbit_auto_trading.domain.trading.order import OrderSide, OrderType
from upbit_auto_trading.domain.trading.review import ReviewItem, ReviewKind
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.sqlite.trading_journal import SqliteOrderJournal
from upbit_auto_trading.infrastructure.sqlite.trading_review import SqliteReviewList
from upbit_auto_trading.infrastructure.sqlite.trading_sessions import SqliteSessionStore

T0 = datetime(2024, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def session(tmp_path: Path):  # noqa: ANN201
    s = DatabaseSession({n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    s.migrate_all()
    yield s
    s.close_all()


def _order(identifier: str = "uat-1", **changes: object) -> JournalOrder:
    base = JournalOrder(
        identifier=identifier,
        session_id="s1",
        market="KRW-BTC",
        side=OrderSide.ASK,
        ord_type=OrderType.LIMIT,
        price=Decimal("95000000"),
        volume=Decimal("0.00012345"),
        reason="take_profit",
        kind="exit",
        state=JournalState.INTENT,
        created_at=T0,
        updated_at=T0,
        decided_bar="2024-05-01T08:00:00+00:00",
        source="intent",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _fill(trade_id: str, identifier: str = "uat-1", at: datetime = T0) -> OrderFill:
    return OrderFill(
        trade_id=trade_id,
        identifier=identifier,
        market="KRW-BTC",
        side=OrderSide.ASK,
        price=Decimal("95000000"),
        volume=Decimal("0.00006"),
        fee=Decimal("2.85"),
        at=at,
        source=FillSource.WEBSOCKET,
    )


def _trading_session(session_id: str = "s1", **changes: object) -> TradingSession:
    base = TradingSession(
        session_id=session_id,
        strategy_name="RSI dip",
        strategy_id=7,
        strategy_version=3,
        mode=TradingMode.PAPER,
        markets=("KRW-BTC", "KRW-ETH"),
        timeframe="1h",
        budget=Decimal("1000000.50"),
        fee_rate=Decimal("0.0005"),
        slippage_rate=Decimal("0.001"),
        started_at=T0,
        api_url="http://127.0.0.1:8765",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _count(session: DatabaseSession, table: str) -> int:
    return session.strategies.connection().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# --- journal ---------------------------------------------------------------------------------------------


def test_intent_round_trips_with_exact_decimals_and_times(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    order = _order(price=None, ord_type=OrderType.MARKET)
    journal.record_intent(order)
    stored = journal.get("uat-1")
    assert stored == order
    assert stored is not None and str(stored.volume) == "0.00012345" and stored.price is None
    row = session.strategies.connection().execute("SELECT volume, created_at FROM order_journal").fetchone()
    assert tuple(row) == ("0.00012345", "2024-05-01T09:00:00.123456Z")  # TEXT, ISO-8601 UTC
    assert journal.get("missing") is None


def test_duplicate_identifier_is_refused_and_the_first_entry_stays(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    first = _order()
    journal.record_intent(first)
    with pytest.raises(ConflictError, match="uat-1"):
        journal.record_intent(_order(volume=Decimal("9"), market="KRW-ETH"))
    assert journal.get("uat-1") == first
    assert len(journal.history("uat-1")) == 1


def test_naive_time_is_refused(session: DatabaseSession) -> None:
    with pytest.raises(ValueError, match="time zone"):
        SqliteOrderJournal(session).record_intent(_order(created_at=datetime(2024, 5, 1)))
    assert _count(session, "order_journal") == 0


def test_updates_store_the_newer_state_and_append_history(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    order = _order()
    journal.record_intent(order)
    sent = order.moved_to(JournalState.SENT, T0 + timedelta(seconds=1), source="rest")
    journal.update(sent)
    opened = sent.moved_to(JournalState.OPEN, T0 + timedelta(seconds=2), uuid="u-1", source="rest")
    journal.update(opened)
    done = opened.moved_to(
        JournalState.DONE,
        T0 + timedelta(seconds=3),
        executed_volume=Decimal("0.00012345"),
        paid_fee=Decimal("5.8638750"),
        source="websocket",
    )
    journal.update(done)
    assert journal.get("uat-1") == done

    history = journal.history("uat-1")
    assert [h["state"] for h in history] == [
        JournalState.INTENT, JournalState.SENT, JournalState.OPEN, JournalState.DONE,
    ]  # fmt: skip
    assert [h["source"] for h in history] == ["intent", "rest", "rest", "websocket"]
    assert [h["at"] for h in history] == [T0 + timedelta(seconds=i) for i in range(4)]
    assert history[0]["detail"]["volume"] == "0.00012345"
    assert history[2]["detail"] == {"state": "open", "uuid": "u-1"}
    assert history[3]["detail"]["paid_fee"] == "5.8638750"

    # a late 'open' after 'done' (another thread's stale reply) does not undo the final state
    with pytest.raises(JournalTransitionError):
        journal.update(opened)
    assert journal.get("uat-1") == done
    assert len(journal.history("uat-1")) == 4


def test_update_of_an_unknown_order_or_of_its_identity_is_refused(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    with pytest.raises(NotFoundError):
        journal.update(_order())
    journal.record_intent(_order())
    with pytest.raises(ConflictError, match="market"):
        journal.update(_order(market="KRW-ETH", state=JournalState.SENT))
    journal.record_intent(_order("uat-2"))
    journal.update(_order(state=JournalState.OPEN, uuid="u-1"))
    with pytest.raises(ConflictError, match="u-1"):
        journal.update(_order("uat-2", state=JournalState.OPEN, uuid="u-1"))
    assert journal.get("uat-2") == _order("uat-2")


def test_fills_are_deduplicated_by_trade_id(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    journal.record_intent(_order())
    journal.record_intent(_order("uat-2", session_id="s2"))
    later = T0 + timedelta(seconds=5)
    assert journal.add_fill(_fill("t-2", at=later)) is True
    assert journal.add_fill(_fill("t-1")) is True
    assert journal.add_fill(replace(_fill("t-1"), source=FillSource.REST, volume=Decimal("1"))) is False
    assert journal.add_fill(_fill("t-3", identifier="uat-2")) is True
    assert _count(session, "order_fills") == 3

    fills = journal.fills("s1")
    assert [f.trade_id for f in fills] == ["t-1", "t-2"]  # time order
    assert fills[0] == _fill("t-1")  # the first report is kept, Decimals exact
    assert [f.trade_id for f in journal.fills(identifier="uat-2")] == ["t-3"]
    assert len(journal.fills()) == 3

    with pytest.raises(NotFoundError, match="uat-unknown"):
        journal.add_fill(_fill("t-9", identifier="uat-unknown"))
    assert _count(session, "order_fills") == 3


def test_unfinished_only_returns_intent_sent_and_open(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    for i, state in enumerate(JournalState):
        order = _order(f"uat-{i}", created_at=T0 + timedelta(seconds=i), updated_at=T0 + timedelta(seconds=i))
        journal.record_intent(order)
        if state is not JournalState.INTENT:
            journal.update(replace(order, state=state))
    journal.record_intent(_order("uat-eth", market="KRW-ETH", session_id="s2"))

    unfinished = journal.orders(unfinished_only=True)
    assert {o.state for o in unfinished} == {JournalState.INTENT, JournalState.SENT, JournalState.OPEN}
    assert [o.identifier for o in unfinished] == ["uat-0", "uat-eth", "uat-1", "uat-2"]  # creation order
    assert [o.identifier for o in journal.orders("s1")] == [f"uat-{i}" for i in range(len(JournalState))]
    assert [o.identifier for o in journal.orders(market="KRW-ETH")] == ["uat-eth"]
    assert journal.orders("s2", unfinished_only=True, market="KRW-BTC") == []


def test_a_write_failing_inside_the_transaction_leaves_nothing(session: DatabaseSession) -> None:
    journal = SqliteOrderJournal(session)
    journal.record_intent(_order("uat-ok"))
    # the history insert (the last statement of record_intent and update) fails inside SQLite
    with session.strategies.transaction() as conn:
        conn.execute(
            "CREATE TRIGGER fail_history BEFORE INSERT ON order_journal_events BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        journal.record_intent(_order("uat-1"))
    assert journal.get("uat-1") is None
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        journal.update(_order("uat-ok", state=JournalState.SENT, uuid="u-9"))
    assert journal.get("uat-ok") == _order("uat-ok")
    assert _count(session, "order_journal") == 1 and _count(session, "order_journal_events") == 1

    with session.strategies.transaction() as conn:
        conn.execute("DROP TRIGGER fail_history")
    journal.record_intent(_order("uat-1"))  # the same identifier is free: nothing was left behind
    assert journal.get("uat-1") == _order("uat-1")


def test_the_journal_follows_a_reopened_session(session: DatabaseSession, tmp_path: Path) -> None:
    journal = SqliteOrderJournal(session)
    journal.record_intent(_order())
    session.reopen(
        {n: tmp_path / "other" / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    assert journal.get("uat-1") is None
    journal.record_intent(_order())
    assert journal.get("uat-1") == _order()


# --- sessions --------------------------------------------------------------------------------------------


def test_sessions_round_trip(session: DatabaseSession) -> None:
    store = SqliteSessionStore(session)
    first = _trading_session()
    store.add(first)
    assert store.get("s1") == first
    with pytest.raises(ConflictError):
        store.add(first)

    changed = first.with_first_candle("KRW-ETH", "2024-05-01T09:00:00+00:00").with_first_candle(
        "KRW-BTC", "2024-05-01T10:00:00+00:00"
    )
    store.save(changed)
    assert store.get("s1") == changed
    assert store.get("s1").markets == ("KRW-BTC", "KRW-ETH")  # type: ignore[union-attr]

    second = _trading_session(
        "s2", mode=TradingMode.REPLAY, markets=("KRW-XRP",), started_at=T0 + timedelta(1)
    )
    store.add(second)
    ended = changed.ended(SessionState.STOPPED, T0 + timedelta(hours=2), note="user stop")
    store.save(ended)
    assert store.get("s1") == ended
    assert store.all() == [ended, second]
    assert store.all(running_only=True) == [second]
    assert store.get("missing") is None
    with pytest.raises(NotFoundError):
        store.save(_trading_session("s3"))


# --- review list -----------------------------------------------------------------------------------------


def _review(market: str = "KRW-BTC", detail: str = "uuid u-7 not journaled", **changes: object) -> ReviewItem:
    base = ReviewItem(
        item_id=None,
        kind=ReviewKind.UNKNOWN_ORDER,
        market=market,
        detail=detail,
        created_at=T0,
        session_id="s1",
        identifier="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_review_add_dedupe_resolve_and_blocked_markets(session: DatabaseSession) -> None:
    review = SqliteReviewList(session)
    first = review.add(_review())
    assert first.item_id is not None and first.open
    assert first == replace(_review(), item_id=first.item_id)
    again = review.add(_review(created_at=T0 + timedelta(hours=1)))  # found again at the next start
    assert again == first
    other_kind = review.add(_review(kind=ReviewKind.BALANCE_MISMATCH))
    eth = review.add(_review("KRW-ETH"))
    assert len({first.item_id, other_kind.item_id, eth.item_id}) == 3
    assert review.items() == [first, other_kind, eth]
    assert review.blocked_markets() == frozenset({"KRW-BTC", "KRW-ETH"})

    resolved = review.resolve(eth.item_id, "ignored", T0 + timedelta(hours=2))  # type: ignore[arg-type]
    assert resolved.resolution == "ignored" and resolved.resolved_at == T0 + timedelta(hours=2)
    assert review.resolve(eth.item_id, "adopted", T0 + timedelta(hours=3)) == resolved  # type: ignore[arg-type]
    assert review.blocked_markets() == frozenset({"KRW-BTC"})
    assert review.items() == [first, other_kind]
    assert review.items(open_only=False) == [first, other_kind, resolved]

    # once resolved, the same problem found again is a new open item
    reopened = review.add(_review("KRW-ETH"))
    assert reopened.item_id not in (eth.item_id, None)
    assert review.blocked_markets() == frozenset({"KRW-BTC", "KRW-ETH"})
    with pytest.raises(NotFoundError):
        review.resolve(999, "accepted", T0)


# --- backup ----------------------------------------------------------------------------------------------


def test_a_journal_entry_survives_backup_and_restore(app_home: Path) -> None:
    from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
    from upbit_auto_trading.container.bootstrap import build_container

    container = build_container(home=app_home, overrides={"market_data": {"seed_bundled": False}})
    db_session = container.core.database_session()
    container.profiles.gate_client()
    try:
        journal = SqliteOrderJournal(db_session)
        journal.record_intent(_order())
        journal.add_fill(_fill("t-1"))
        backup = container.profiles.create_backup().execute(CreateBackupCommand(note="trading"))
        journal.update(_order(state=JournalState.CANCELLED))
        journal.record_intent(_order("uat-after"))

        result = asyncio.run(container.profiles.restore_backup().execute(backup.id))
        assert result.done
        assert journal.get("uat-1") == _order()
        assert journal.get("uat-after") is None
        assert [f.trade_id for f in journal.fills()] == ["t-1"]
        assert len(journal.history("uat-1")) == 1
    finally:
        db_session.close_all()
