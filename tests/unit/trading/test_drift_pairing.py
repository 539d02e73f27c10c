"""The drift report's rules (domain/trading/drift.py): pairing by side and nearest candle within one candle,
slippage signed against the trader, and the reason of every missed or extra trade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.drift import (
    DriftCode,
    DriftContext,
    DriftTotals,
    ModelTrade,
    SessionTrade,
    compare,
    pair_trades,
    slippage,
)
from upbit_auto_trading.domain.trading.journal import FillSource, JournalOrder, JournalState, OrderFill
from upbit_auto_trading.domain.trading.order import OrderSide, OrderType
from upbit_auto_trading.domain.trading.refusal import OrderRefusal, RefusalKind

H1 = Timeframe.H1
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def model(hours: float, side: str = "buy", reason: str = "entry_signal", price: str = "100000", qty: str = "1",
          trade_no: int = 1) -> ModelTrade:  # fmt: skip
    return ModelTrade(at(hours), side, reason, D(price), D(qty), D(0), trade_no)


def session(hours: float, side: str = "buy", reason: str = "entry_signal", price: str = "100000", qty: str = "1",
            *, decided: float | None = None, kind: str = "entry", ident: str = "") -> SessionTrade:  # fmt: skip
    """A filled session order. ``decided``: the hour of the candle that decided it (None: a manual order)."""
    bar = f"{at(decided).isoformat()}#{reason}" if decided is not None else ""
    return SessionTrade(ident or f"o-{hours}-{side}-{reason}", side, reason, kind, at(hours), D(price), D(qty), D(0),
                        bar)  # fmt: skip


def context(first: float = 0, last: float = 48, *, running: bool = False, stored: range | None = range(0, 50),
            orders: tuple = (), refusals: tuple = ()) -> DriftContext:  # fmt: skip
    return DriftContext(
        timeframe=H1, first_decided=at(first), last_decided=at(last), running=running,
        stopped_at=None if running else at(last + 1.5),
        stored=frozenset(at(h) for h in stored) if stored is not None else frozenset(),
        orders=orders, refusals=refusals,
    )  # fmt: skip


def order(decided: float, reason: str, state: JournalState, error: str = "", side: OrderSide = OrderSide.BID,
          updated: float = 0) -> JournalOrder:  # fmt: skip
    return JournalOrder(
        identifier=f"j-{decided}-{reason}-{state.value}", session_id="s", market="KRW-BTC", side=side,
        ord_type=OrderType.PRICE, price=D(10000), volume=None, reason=reason, kind="entry", state=state,
        created_at=at(updated), updated_at=at(updated), decided_bar=f"{at(decided).isoformat()}#{reason}", error=error,
    )  # fmt: skip


# --- pairing --------------------------------------------------------------------------------------------------


def test_a_close_decided_order_pairs_with_the_model_fill_in_the_candle_after_its_decision() -> None:
    # live: decided on the 10:00 candle's close, filled 0.4 s into the 11:00 candle
    s = session(11 + 0.4 / 3600, decided=10)
    pairs, missed, extra = pair_trades([model(11)], [s], H1)
    assert [(m.time, x.identifier) for m, x in pairs] == [(at(11), s.identifier)]
    assert missed == [] and extra == []


def test_an_intrabar_exit_pairs_in_the_candle_that_reached_its_level() -> None:
    s = session(13.4, "sell", "stop_loss", decided=13, kind="exit")
    pairs, missed, extra = pair_trades([model(13, "sell", "stop_loss")], [s], H1)
    assert len(pairs) == 1 and missed == [] and extra == []


def test_sides_never_pair_and_more_than_one_candle_apart_never_pairs() -> None:
    pairs, missed, extra = pair_trades(
        [model(10, "buy"), model(20, "sell", "exit_signal")],
        [session(10, "sell", "exit_signal", decided=9), session(23, "sell", "exit_signal", decided=22)],
        H1,
    )
    assert pairs == []
    assert [m.time for m in missed] == [at(10), at(20)]
    assert [s.filled_at for s in extra] == [at(10), at(23)]


def test_one_candle_apart_pairs_and_the_nearest_wins() -> None:
    near = session(12, decided=11, ident="near")
    far = session(13, decided=12, ident="far")  # its model candle is 13: one candle from the model's 12
    pairs, _, extra = pair_trades([model(12)], [far, near], H1)
    assert [s.identifier for _, s in pairs] == ["near"]
    assert [s.identifier for s in extra] == ["far"]
    # alone, the one a candle away still pairs (e.g. the real price reached a stop a candle earlier)
    pairs, _, extra = pair_trades([model(12)], [far], H1)
    assert [s.identifier for _, s in pairs] == ["far"] and extra == []


def test_at_equal_distance_the_same_reason_wins() -> None:
    stop = session(14.2, "sell", "stop_loss", decided=14, kind="exit", ident="stop")
    take = session(14.5, "sell", "take_profit", decided=14, kind="exit", ident="take")
    pairs, _, extra = pair_trades([model(14, "sell", "take_profit")], [stop, take], H1)
    assert [s.identifier for _, s in pairs] == ["take"] and [s.identifier for s in extra] == ["stop"]


def test_a_manual_order_is_placed_in_the_candle_its_fill_fell_in() -> None:
    manual = session(15.7, "sell", "stop", kind="emergency")
    assert manual.candle(H1) == at(15)
    assert manual.manual


def test_a_session_trade_is_its_orders_fills_added_up() -> None:
    entry = order(10, "entry_signal", JournalState.DONE)
    fills = [
        OrderFill("t2", entry.identifier, "KRW-BTC", OrderSide.BID, D(101), D(1), D("0.05"), at(11.001), FillSource.REST),
        OrderFill("t1", entry.identifier, "KRW-BTC", OrderSide.BID, D(100), D(3), D("0.15"), at(11), FillSource.REST),
        OrderFill("x", "other", "KRW-BTC", OrderSide.BID, D(1), D(1), D(0), at(11), FillSource.REST),
    ]  # fmt: skip
    trade = SessionTrade.of(entry, fills)
    assert trade is not None
    assert (trade.quantity, trade.price, trade.fee, trade.filled_at) == (D(4), D("100.25"), D("0.20"), at(11))
    assert trade.candle(H1) == at(11)
    assert SessionTrade.of(entry, fills[2:]) is None  # nothing of it filled: not a trade


# --- slippage -------------------------------------------------------------------------------------------------


def test_slippage_is_positive_when_worse_for_the_trader() -> None:
    buy_worse = slippage("buy", D(100000), D(100100), D("0.5"))
    assert (buy_worse.per_unit, buy_worse.krw, buy_worse.bps) == (D(100), D("50.00"), D("10.00"))
    sell_worse = slippage("sell", D(100000), D(99900), D(2))
    assert (sell_worse.per_unit, sell_worse.krw, sell_worse.bps) == (D(100), D("200.00"), D("10.00"))
    sell_better = slippage("sell", D(100000), D(100050), D(1))
    assert (sell_better.krw, sell_better.bps) == (D("-50.00"), D("-5.00"))
    assert slippage("buy", D(37250000), D(37250000), D("0.1")).bps == 0


def test_pairs_carry_their_slippage_and_the_totals_summarise_it() -> None:
    trades = [model(1, price="100000"), model(3, "sell", "exit_signal", price="110000"),
              model(5, price="100000", trade_no=2), model(7, "sell", "time_exit", price="100000", trade_no=2)]  # fmt: skip
    mine = [session(1, price="100100", decided=0), session(3, "sell", "exit_signal", price="109890", decided=2),
            session(5, price="99990", decided=4), session(7, "sell", "time_exit", price="100000", decided=6)]  # fmt: skip
    out = compare(trades, mine, context())
    assert [p.slippage.bps for p in out.pairs] == [D("10.00"), D("10.00"), D("-1.00"), D("0.00")]
    totals = DriftTotals.of(out.pairs, len(out.missed), len(out.extra), D("-1200.50"), D("300"))
    assert (totals.pairs, totals.missed, totals.extra) == (4, 0, 0)
    assert totals.mean_bps == D("4.75") and totals.median_bps == D("5.00") and totals.worst_bps == D("10.00")
    assert totals.slippage_krw == D("100.00") + D("110.00") - D("10.00") + D(0)
    assert totals.pnl_difference == D("-1500.50")
    empty = DriftTotals.of([], 1, 0, None, D(0))
    assert empty.mean_bps is None and empty.worst_bps is None and empty.pnl_difference is None


# --- why a backtest trade is missed ------------------------------------------------------------------------------


def _missed(
    trades: list[ModelTrade], mine: list[SessionTrade], ctx: DriftContext
) -> dict[datetime, tuple[DriftCode, str]]:
    return {m.model.time: (m.why.code, m.why.detail) for m in compare(trades, mine, ctx).missed}


def test_a_refused_entry_is_missed_with_the_refusal_and_its_exit_follows_it() -> None:
    refusal = OrderRefusal("s", "KRW-BTC", f"{at(9).isoformat()}#entry_signal", RefusalKind.EXCHANGE,
                           "entry_signal: the exchange would refuse this buy (market_offline); not placed", at(10))  # fmt: skip
    why = _missed([model(10), model(12, "sell", "time_exit")], [], context(refusals=(refusal,)))
    assert why[at(10)][0] is DriftCode.ORDER_REFUSED and "market_offline" in why[at(10)][1]
    assert why[at(12)][0] is DriftCode.NO_POSITION and "missed entry" in why[at(12)][1]


def test_min_order_and_funds_refusals_read_as_min_order() -> None:
    notes = tuple(
        OrderRefusal("s", "KRW-BTC", f"{at(h).isoformat()}#{r}", kind, "under the 5,000 KRW minimum", at(h))
        for h, r, kind in (
            (9, "entry_signal", RefusalKind.MIN_ORDER),
            (19, "entry_signal", RefusalKind.FUNDS),
        )
    )
    why = _missed([model(10), model(20, trade_no=2)], [], context(refusals=notes))
    assert {code for code, _ in why.values()} == {DriftCode.MIN_ORDER}


def test_orders_that_did_not_fill_say_why_and_the_latest_word_wins() -> None:
    rejected = order(
        9, "entry_signal", JournalState.REJECTED, "insufficient_funds_bid: 주문가능한 금액", updated=9.1
    )
    cancelled = order(19, "entry_signal", JournalState.CANCELLED, updated=19.1)
    sent = order(29, "entry_signal", JournalState.SENT, updated=29.1)
    # a decision first refused by a risk limit, then placed again after a restart and never placed
    risk = OrderRefusal(
        "s", "KRW-BTC", f"{at(39).isoformat()}#entry_signal", RefusalKind.RISK, "halt", at(39.1)
    )
    lost = order(39, "entry_signal", JournalState.NOT_PLACED, "connection refused", updated=39.5)
    why = _missed([model(10, trade_no=1), model(20, trade_no=2), model(30, trade_no=3), model(40, trade_no=4)], [],
                  context(orders=(rejected, cancelled, sent, lost), refusals=(risk,)))  # fmt: skip
    assert why[at(10)][0] is DriftCode.ORDER_REFUSED and "insufficient_funds_bid" in why[at(10)][1]
    assert why[at(20)] == (DriftCode.NOT_FILLED, "the order was cancelled before any fill")
    assert why[at(30)][0] is DriftCode.NOT_FILLED and "sent" in why[at(30)][1]
    assert why[at(40)][0] is DriftCode.NOT_FILLED and "never reached the exchange" in why[at(40)][1]


def test_trades_outside_the_sessions_candles_are_before_its_start_or_after_its_stop() -> None:
    trades = [model(3, "sell", "stop_loss", trade_no=1), model(31, trade_no=2)]
    why = _missed(trades, [], context(first=5, last=29))
    assert why[at(3)][0] is DriftCode.STARTED_AFTER
    assert why[at(31)][0] is DriftCode.STOPPED_BEFORE  # decided on candle 30, after the last decided (29)
    why = _missed(trades[1:], [], context(first=5, last=29, running=True))
    assert why[at(31)][0] is DriftCode.NOT_DECIDED_YET


def test_a_gap_in_the_stored_candles_reads_as_candle_missing() -> None:
    stored = [h for h in range(0, 50) if h != 17]
    why = _missed([model(18)], [], context(stored=stored))  # type: ignore[arg-type]
    assert why[at(18)][0] is DriftCode.CANDLE_MISSING


def test_an_entry_while_the_session_still_held_a_position_whose_exit_was_refused() -> None:
    refused_exit = order(2, "exit_signal", JournalState.REJECTED, "market_offline: 거래 중단", side=OrderSide.ASK,
                         updated=3)  # fmt: skip
    mine = [session(1, decided=0), session(8, "sell", "time_exit", qty="1", decided=7, kind="exit")]
    trades = [
        model(1),
        model(3, "sell", "exit_signal"),
        model(5, trade_no=2),
        model(8, "sell", "time_exit", trade_no=2),
    ]
    out = compare(trades, mine, context(orders=(refused_exit,)))
    assert [(p.model.time, p.session.filled_at) for p in out.pairs] == [(at(1), at(1)), (at(8), at(8))]
    why = {m.model.time: m.why for m in out.missed}
    assert why[at(3)].code is DriftCode.ORDER_REFUSED and "market_offline" in why[at(3)].detail
    assert why[at(5)].code is DriftCode.POSITION_HELD
    assert out.extra == []


def test_an_exit_after_a_manual_sell_has_no_position_and_names_the_sell() -> None:
    mine = [session(1, decided=0), session(2.5, "sell", "stop", kind="emergency", ident="flatten")]
    out = compare([model(1), model(4, "sell", "exit_signal")], mine, context())
    (missed,) = out.missed
    assert missed.model.time == at(4) and missed.why.code is DriftCode.NO_POSITION
    assert "sold earlier by stop" in missed.why.detail
    assert [(e.session.identifier, e.why.code) for e in out.extra] == [("flatten", DriftCode.MANUAL_ACTION)]


def test_a_live_entry_filled_after_its_candle_opened_still_holds_for_a_stop_in_that_candle() -> None:
    entry = session(11 + 0.5 / 3600, decided=10)  # filled half a second into the 11:00 candle
    out = compare([model(11), model(11, "sell", "stop_loss")], [entry], context())
    (missed,) = out.missed
    assert missed.model.reason == "stop_loss" and missed.why.code is DriftCode.UNKNOWN  # not "no position"


def test_backtest_quantities_that_leave_dust_count_as_flat() -> None:
    trades = [model(1, qty="0.30000001"), model(3, "sell", "partial_take_profit", qty="0.15"),
              model(4, "sell", "exit_signal", qty="0.15")]  # fmt: skip
    mine = [session(6, "sell", "exit_signal", decided=5, kind="exit", ident="late")]
    (extra,) = compare(trades, mine, context()).extra
    assert extra.why.code is DriftCode.NO_POSITION


def test_nothing_to_say_is_unknown() -> None:
    why = _missed([model(10)], [], context())
    assert why[at(10)][0] is DriftCode.UNKNOWN


# --- why a session trade is extra ------------------------------------------------------------------------------


def _extra(
    trades: list[ModelTrade], mine: list[SessionTrade], ctx: DriftContext
) -> dict[str, tuple[DriftCode, str]]:
    return {e.session.identifier: (e.why.code, e.why.detail) for e in compare(trades, mine, ctx).extra}


def test_manual_and_watchdog_orders_are_extra_with_their_actor() -> None:
    mine = [
        session(2, decided=1, ident="entry"),
        session(3.5, "sell", "emergency_stop", kind="emergency", ident="flatten"),
        session(6, decided=5, ident="entry2"),
        session(7.2, "sell", "watchdog", kind="emergency", ident="dog"),
    ]
    why = _extra([model(2), model(6, trade_no=2)], mine, context())
    assert why["flatten"][0] is DriftCode.MANUAL_ACTION and "emergency_stop" in why["flatten"][1]
    assert why["dog"][0] is DriftCode.WATCHDOG_ACTION
    assert set(why) == {"flatten", "dog"}


def test_a_trade_on_a_candle_the_store_lacks_is_candle_missing_or_not_closed_yet() -> None:
    mine = [
        session(21, decided=20, ident="gap"),
        session(49.3, "sell", "stop_loss", decided=49, kind="exit", ident="now"),
    ]
    stored = [h for h in range(0, 49) if h != 20]
    why = _extra([], mine, context(last=48, stored=stored, running=True))  # type: ignore[arg-type]
    assert why["gap"][0] is DriftCode.CANDLE_MISSING
    assert why["now"][0] is DriftCode.NOT_DECIDED_YET


def test_a_session_sell_while_the_backtest_was_flat_and_an_entry_while_it_held() -> None:
    mine = [session(9, "sell", "exit_signal", decided=8, kind="exit", ident="sell"),
            session(13, decided=12, ident="buy")]  # fmt: skip
    why = _extra([model(11), model(16, "sell", "exit_signal")], mine, context())
    assert why["sell"][0] is DriftCode.NO_POSITION
    assert why["buy"][0] is DriftCode.POSITION_HELD
