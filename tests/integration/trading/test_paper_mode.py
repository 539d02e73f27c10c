"""Paper trading in real time: candles from an Upbit-speaking server (the loopback server plays Upbit's public
side here), decisions by the engine, orders filled by the profile's paper exchange kept on disk; a restart
reconciles the paper account with the journal and finds nothing to review."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from upbit_auto_trading.application.trading.engine import StartRequest
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.session import TradingMode
from upbit_auto_trading.infrastructure.upbit_sim.config import SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

MARKET = "KRW-BTC"


def _upbit_market_side() -> UpbitSimServer:
    """Minute candles around the wall clock: the last 30 closed and the current one visible, the next ones
    revealed by the test (a candle of a later minute arriving closes the previous one, as on Upbit)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, "1m", 80, start=now - timedelta(minutes=30)), visible=31)
    return UpbitSimServer(SimConfig(), replay).start()


async def test_a_paper_session_trades_on_the_paper_account_and_resumes_reconciled(drill, drills) -> None:
    upbit = _upbit_market_side()
    stop = threading.Event()

    def reveal() -> None:  # the market goes on: one minute candle every 0.4 s
        while not stop.wait(0.4):
            upbit.advance(MARKET, "1m")

    try:
        container = drill.container()
        strategy = drills.drill_strategy(container, hold=2, cooldown=0)
        engine = drill.engine(container)
        request = StartRequest(strategy=strategy, markets=(MARKET,), timeframe="1m", mode=TradingMode.PAPER,
                               budget=Decimal("2000000"), api_url=upbit.base_url)  # fmt: skip
        session = await engine.start(request)
        sid = session.session_id
        ticker = threading.Thread(target=reveal, daemon=True)
        ticker.start()
        journal = container.trading.journal()
        for _ in range(150):  # until an entry and its exit filled (bounded: 30 s)
            await asyncio.sleep(0.2)
            done = [o for o in journal.orders(sid) if o.state is JournalState.DONE]
            if {o.kind for o in done} >= {"entry", "exit"}:
                break
        stop.set()
        ticker.join(5)
        running = engine.running[sid]
        assert not running.error, running.error
        done = [o for o in journal.orders(sid) if o.state is JournalState.DONE]
        assert {o.kind for o in done} >= {"entry", "exit"}, [(o.kind, o.state) for o in journal.orders(sid)]
        # the closed candles it decided on were stored in market_data, as they closed
        stored = container.market_data.candle_reader().load_arrays(MARKET, "1m")
        assert len(stored) >= 2
        await engine.detach(sid)  # the process goes away (SIGTERM); the session stays running

        # the paper account is on disk in the profile
        paper_dir = container.core.database_session().paths()["strategies"].parent / "paper"
        assert (paper_dir / "paper-account.json").exists()

        fresh = drill.container()
        engine2 = drill.engine(fresh)
        await engine2.resume(sid)
        report = engine2.running[sid].reconciliation
        assert report is not None and report.review_items == (), report
        pos = drills.position(fresh.trading.journal(), sid)
        balances = await engine2.running[sid].adapters.exchange.balances()
        held = balances.get("BTC")
        assert (held.total if held else Decimal(0)) == pos.quantity
        await engine2.detach(sid)
    finally:
        stop.set()
        upbit.stop()


async def test_live_mode_needs_production_keys_and_the_typed_name_then_trades_on_the_exchange(drill, drills) -> None:
    import pytest

    from upbit_auto_trading.application.trading.live_guard import LiveModeRefused
    from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec
    from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, "1m", 80, start=now - timedelta(minutes=30)), visible=31)
    account = SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": Decimal("3000000")})
    upbit = UpbitSimServer(SimConfig(accounts=[account]), replay).start()  # plays Upbit, keys and all
    stop = threading.Event()
    try:
        dev = drill.container()
        request = StartRequest(strategy=drills.drill_strategy(dev, hold=2, cooldown=0), markets=(MARKET,),
                               timeframe="1m", mode=TradingMode.LIVE, budget=Decimal("1000000"),
                               api_url=upbit.base_url)  # fmt: skip
        with pytest.raises(LiveModeRefused, match="production"):
            await drill.engine(dev).start(request, confirmation="development")

        prod = drill.container(profile="production")
        drills.drill_strategy(prod, hold=2, cooldown=0)
        engine = drill.engine(prod)
        with pytest.raises(LiveModeRefused, match="API keys"):
            await engine.start(request, confirmation="production")
        prod.secrets.save_api_keys().execute(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
        with pytest.raises(LiveModeRefused, match="--confirm production"):
            await engine.start(request, confirmation="prod")
        session = await engine.start(request, confirmation="production")
        sid = session.session_id

        def reveal() -> None:
            while not stop.wait(0.4):
                upbit.advance(MARKET, "1m")

        threading.Thread(target=reveal, daemon=True).start()
        journal = prod.trading.journal()
        for _ in range(150):
            await asyncio.sleep(0.2)
            if {o.kind for o in journal.orders(sid) if o.state is JournalState.DONE} >= {"entry", "exit"}:
                break
        stop.set()
        assert not engine.running[sid].error, engine.running[sid].error
        done = [o for o in journal.orders(sid) if o.state is JournalState.DONE]
        assert {o.kind for o in done} >= {"entry", "exit"}
        assert upbit.stats.orders_placed == len([o for o in journal.orders(sid) if o.uuid])
        # the engine's orders are at the exchange it was pointed at, not at a paper account
        paper_dir = prod.core.database_session().paths()["strategies"].parent / "paper"
        assert not (paper_dir / "paper-account.json").exists()
        await engine.detach(sid)
    finally:
        stop.set()
        upbit.stop()
