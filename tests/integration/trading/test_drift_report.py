"""The drift report and the promotion check on real sessions: replays and a paper session through the
loopback Upbit server over HTTP, the real SQLite journal, the backtest over the stored candles.

- A replay pairs every trade with its backtest; each fill is priced as the paper exchange fills (a market
  order at the price it meets: the candle's open after a close decision, the open or the low/high where the
  watcher saw a level) and its slippage against the model's price follows from it.
- Entries the exchange refuses (a market offline) are missed, with the refusal; their exits are missed as
  following them; a stop-and-flatten is an extra manual action.
- The paper record counts paper sessions only (a replay repeats the backtest).
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from upbit_auto_trading.application.trading.engine import StartRequest
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.strategy.serialization import strategy_from_json
from upbit_auto_trading.domain.trading.drift import CLOSE_DECIDED, DriftCode
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.refusal import RefusalKind
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode

START, END = "2021-01-01", "2021-01-03T12:00"  # 60 hours of the bundled KRW-BTC candles
DOWN = ("stop_loss", "trailing_stop")
UP = ("take_profit", "partial_take_profit")


def _tight_levels_strategy(container, drills) -> str:  # noqa: ANN001
    """In on every candle it may, out on a 0.6 % stop or take-profit, or after 3 candles: stops, take-profits
    and time exits within a few days."""
    drills.drill_strategy(container)  # its always-true trigger
    name = "Drift check: tight levels"
    repo = container.strategies.strategy_repository()
    if repo.get(name) is None:
        doc = {
            "schema_version": 1, "name": name, "description": "drift report test",
            "entry": {"groups": [{"triggers": [{"name": drills.ALWAYS, "id": None}]}]},
            "management": [{"type": "stop_take_profit", "stop_loss_pct": 0.6, "take_profit_pct": 0.6},
                           {"type": "time_exit", "candles": 3}],
            "sizing": {"mode": "cash_percent", "value": 50}, "cooldown_candles": 1,
            "same_candle_policy": "conservative",
        }  # fmt: skip
        repo.add(strategy_from_json(json.dumps(doc)))
    return name


async def test_a_replay_pairs_every_trade_at_the_paper_exchanges_prices(drill, drills) -> None:
    container = drill.container()
    engine = drill.engine(container)
    request = StartRequest(strategy=_tight_levels_strategy(container, drills), markets=(drills.MARKET,),
                           timeframe="1h", mode=TradingMode.REPLAY, budget=Decimal("2000000"),
                           slippage_rate=Decimal("0.001"), replay=drills.window(START, END))  # fmt: skip
    session = await engine.start(request)
    sid = session.session_id
    await drill.finish(engine, sid)

    report = container.trading.shadow_backtest().execute(sid)
    (market,) = report.markets
    assert market.missed == [] and market.extra == [], report.to_dict()
    assert report.identical
    reasons = {p.reason for p in market.pairs}
    assert len(market.pairs) >= 8 and "entry_signal" in reasons, reasons
    assert reasons & set(DOWN + UP) and "time_exit" in reasons, reasons
    # with 0.1 % slippage the session buys 0.1 % under the model, so its levels (armed from its real average
    # price) sit lower: where the model stops out, the session may take profit (in that candle or the next)
    for p in market.pairs:
        assert not p.reason_differs or (p.model.reason, p.session.reason) == ("stop_loss", "take_profit"), p

    reader = container.market_data.candle_reader()
    candles = {
        c.start: c for c in reader.load_candles(drills.MARKET, "1h", drills.utc(START), drills.utc(END))
    }
    orders = {o.identifier: o for o in container.trading.journal().orders(sid)}
    for p in market.pairs:
        candle = candles[p.session.candle(Timeframe.H1)]  # where the session's order filled
        fill = p.session.price
        # the paper exchange fills a market order at the price it meets when the order arrives
        if p.session.reason in CLOSE_DECIDED:
            assert fill == candle.open, (p.reason, p.model.time)
            # the model fills at the open moved 0.1 % against the trader (on the tick): the session did better
            assert abs(p.slippage.bps + 10) <= 1, p.slippage
        elif p.session.reason in DOWN:
            assert fill in (candle.open, candle.low), (p.reason, p.model.time, fill)
        else:
            assert fill in (candle.open, candle.high), (p.reason, p.model.time, fill)
        per_unit = fill - p.model.price if p.side == "buy" else p.model.price - fill
        assert p.slippage.per_unit == per_unit
        assert p.slippage.krw == (per_unit * p.session.quantity).quantize(Decimal("0.01"))
        assert p.slippage.bps == (per_unit / p.model.price * 10000).quantize(Decimal("0.01"))
        assert orders[p.session.identifier].executed_volume == p.session.quantity
    totals = report.totals
    bps = sorted(p.slippage.bps for p in market.pairs)
    assert (totals.pairs, totals.missed, totals.extra) == (len(market.pairs), 0, 0)
    assert totals.worst_bps == bps[-1] and totals.slippage_krw == sum(p.slippage.krw for p in market.pairs)
    assert totals.session_pnl is not None and totals.backtest_pnl is not None
    assert totals.pnl_difference == totals.session_pnl - totals.backtest_pnl


async def test_refused_entries_are_missed_with_their_reason_and_a_flatten_is_a_manual_extra(
    drill, drills
) -> None:
    container = drill.container()
    engine = drill.engine(container)
    marks: dict[str, object] = {}
    seen = {"events": 0}

    def maintenance(moment):  # noqa: ANN001, ANN202 - the market goes offline for six candles after a trade
        if "offline" not in marks and len(moment.orders()) >= 2 and moment.flat():
            moment.server.set_market_offline(drills.MARKET)
            marks["offline"] = len(moment.orders())
        elif "offline" in marks and "online" not in marks:
            seen["events"] += 1
            if seen["events"] >= 24:
                moment.server.set_market_offline(drills.MARKET, False)
                marks["online"] = len(moment.orders())

    drill.hooks.every(maintenance)
    pause = drill.hooks.pause_when(
        lambda m: "online" in marks and len(m.orders()) > marks["online"] and m.holding()
    )
    session = await engine.start(drills.replay_request(drills.drill_strategy(container), START, END))
    sid = session.session_id
    await drill.reach(engine, sid, pause, timeout=60)
    await engine.stop(sid, flatten=True)  # the user stops the session and sells what it holds

    journal = container.trading.journal()
    assert container.trading.sessions().get(sid).state is SessionState.STOPPED
    refusals = journal.refusals(sid)
    assert refusals and {r.kind for r in refusals} == {RefusalKind.EXCHANGE}
    assert not [o for o in journal.orders(sid) if o.state is JournalState.REJECTED]

    report = container.trading.shadow_backtest().execute(sid)
    (market,) = report.markets
    assert not report.identical
    entries = [m for m in market.missed if m.model.reason == "entry_signal"]
    exits = [m for m in market.missed if m.model.side == "sell"]
    assert len(entries) == len(refusals) >= 1, report.to_dict()
    for m in entries:
        assert m.why.code is DriftCode.ORDER_REFUSED and "market_offline" in m.why.detail
    assert exits and all(
        m.why.code is DriftCode.NO_POSITION and "missed entry" in m.why.detail for m in exits
    )
    assert len(entries) + len(exits) == len(market.missed)
    (extra,) = market.extra
    assert extra.why.code is DriftCode.MANUAL_ACTION and extra.session.side == "sell"
    assert extra.session.kind == "emergency"
    # every trade the session made as decided pairs with the backtest, at the open: no slippage at 0 %
    decided = [o for o in journal.orders(sid) if o.decided_bar and o.executed_volume > 0]
    assert len(market.pairs) == len(decided) >= 3  # the first trade, and the entry held when stopped
    assert all(p.slippage.bps == 0 and p.slippage.krw == 0 for p in market.pairs)
    assert report.totals.missed == len(market.missed) and report.totals.extra == 1


# --- the promotion check -------------------------------------------------------------------------------------------


def _upbit_market_side():  # noqa: ANN202
    """Minute candles around the wall clock, revealed by the test (as in test_paper_mode)."""
    from upbit_auto_trading.infrastructure.upbit_sim.config import SimConfig
    from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
    from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    replay = MarketReplay()
    replay.add_candles(synthetic_candles("KRW-BTC", "1m", 80, start=now - timedelta(minutes=30)), visible=31)
    return UpbitSimServer(SimConfig(), replay).start()


@pytest.mark.slow
async def test_the_paper_record_counts_paper_sessions_only(drill, drills) -> None:
    container = drill.container()
    strategy = drills.drill_strategy(container, hold=2, cooldown=0)
    check = container.trading.promotion_check()
    before = check.execute(strategy)
    assert before.never_on_paper and before.paper == [] and before.replays == 0
    assert any("never run on paper" in w for w in before.warnings)

    engine = drill.engine(container)
    replay = await engine.start(drills.replay_request(strategy, START, "2021-01-01T18:00"))
    await drill.finish(engine, replay.session_id)
    after_replay = check.execute(strategy)
    assert after_replay.never_on_paper and after_replay.replays == 1, "a replay is not a paper record"

    upbit = _upbit_market_side()
    stop = threading.Event()

    def reveal() -> None:
        while not stop.wait(0.4):
            upbit.advance("KRW-BTC", "1m")

    try:
        request = StartRequest(strategy=strategy, markets=("KRW-BTC",), timeframe="1m", mode=TradingMode.PAPER,
                               budget=Decimal("2000000"), api_url=upbit.base_url)  # fmt: skip
        paper = await engine.start(request)
        threading.Thread(target=reveal, daemon=True).start()
        journal = container.trading.journal()
        for _ in range(150):
            await asyncio.sleep(0.2)
            if {o.kind for o in journal.orders(paper.session_id) if o.state is JournalState.DONE} >= {
                "entry",
                "exit",
            }:
                break
        stop.set()
        await engine.stop(paper.session_id)
    finally:
        stop.set()
        upbit.stop()

    record = check.execute(strategy)
    assert not record.never_on_paper and record.current_version_on_paper
    assert record.replays == 1 and record.live == 0
    (session,) = record.paper
    assert session.session_id == paper.session_id and session.state == "stopped"
    filled = {f.identifier for f in container.trading.journal().fills(paper.session_id)}
    assert session.trades == record.trades == len(filled) >= 2
    assert session.stopped_at is not None and session.days >= 0
    # its drift report was made from the minute candles the paper session stored as they closed
    assert session.totals is not None, session.problem
    assert record.totals is not None and record.totals.pairs == session.totals.pairs >= 1
    assert not any("never run on paper" in w for w in record.warnings)
    doc = record.to_dict()
    assert doc["never_on_paper"] is False and doc["paper_sessions"] == 1 and doc["sessions"][0]["trades"] >= 2


async def test_live_start_of_a_strategy_never_on_paper_is_refused_after_the_other_checks(
    drill, drills
) -> None:
    from upbit_auto_trading.application.trading.live_guard import LiveModeRefused
    from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

    dev = drill.container()
    strategy = drills.drill_strategy(dev)
    request = StartRequest(strategy=strategy, markets=("KRW-BTC",), timeframe="1m", mode=TradingMode.LIVE,
                           paper_record_missing=True)  # fmt: skip
    with pytest.raises(LiveModeRefused, match="production"):  # the profile is refused first, as before
        dev.trading.live_guard().check(request, "development")
    prod = drill.container(profile="production")
    drills.drill_strategy(prod)
    prod.secrets.save_api_keys().execute(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    engine = drill.engine(prod)
    with pytest.raises(LiveModeRefused, match="--confirm production"):
        await engine.start(request, confirmation="prod")
    with pytest.raises(LiveModeRefused, match="never run on paper"):
        await engine.start(request, confirmation="production")
    assert prod.trading.sessions().all() == [], "nothing was started"
