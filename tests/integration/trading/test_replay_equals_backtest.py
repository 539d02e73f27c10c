"""A paper replay of a strategy over stored candles, through the loopback Upbit server over real HTTP,
gives the same entries, adds and exits (candle, side, reason) as the backtest of that period."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.trading.engine import ReplayWindow, StartRequest
from upbit_auto_trading.domain.strategy.serialization import strategy_from_json
from upbit_auto_trading.domain.strategy.writing import strategy_to_json
from upbit_auto_trading.domain.trading.journal import JournalState
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode

SAMPLE = "Basic 7-rule (기본 7규칙)"


def _request(strategy: str, start: str, end: str) -> StartRequest:
    return StartRequest(
        strategy=strategy, markets=("KRW-BTC",), timeframe="1h", mode=TradingMode.REPLAY,
        budget=Decimal("10000000"),
        replay=ReplayWindow(datetime.fromisoformat(start).replace(tzinfo=UTC),
                            datetime.fromisoformat(end).replace(tzinfo=UTC)),
    )  # fmt: skip


async def _replay(container: object, request: StartRequest) -> str:
    engine = container.trading.engine()
    session = await engine.start(request)
    await engine.wait(session.session_id)
    running = engine.running.pop(session.session_id)
    assert not running.error, running.error
    await running.adapters.close()
    return session.session_id


@pytest.mark.slow
async def test_replay_of_the_sample_strategy_equals_its_backtest(container: object) -> None:
    sid = await _replay(container, _request(SAMPLE, "2020-03-01", "2020-05-15"))
    report = container.trading.shadow_backtest().execute(sid)
    market = report.markets[0]
    assert len(market.pairs) >= 10, "the period must trade enough to mean something"
    assert {r.reason for r in market.pairs} >= {"entry_signal", "exit_signal"}
    assert market.missed == [] and market.extra == [], report.to_dict()
    session = container.trading.sessions().get(sid)
    assert session.state is SessionState.FINISHED
    journal = container.trading.journal()
    assert all(o.state in (JournalState.DONE,) for o in journal.orders(sid)), "every order filled"


@pytest.mark.slow
async def test_replay_with_stops_partial_take_profit_and_pyramid_equals_its_backtest(container: object) -> None:
    repo = container.strategies.strategy_repository()
    base = repo.get(SAMPLE).strategy
    doc = strategy_to_json(base)
    import json

    data = json.loads(doc)
    data["name"] = "Replay check: stops and partial"
    data["management"] = [
        {"type": "stop_take_profit", "stop_loss_pct": 2.5, "take_profit_pct": 6},
        {"type": "partial_take_profit", "profit_pct": 3, "sell_pct": 50},
        {"type": "pyramid", "drop_pct": 1.5, "max_times": 1, "size_pct_of_entry": 100},
    ]
    data["sizing"] = {"mode": "cash_percent", "value": 40}
    if repo.get(data["name"]) is None:
        repo.add(strategy_from_json(json.dumps(data)))
    sid = await _replay(container, _request(data["name"], "2021-01-01", "2021-07-15"))
    report = container.trading.shadow_backtest().execute(sid)
    market = report.markets[0]
    reasons = {r.reason for r in market.pairs}
    assert len(market.pairs) >= 10
    assert {"stop_loss"} <= reasons, reasons
    assert market.missed == [] and market.extra == [], report.to_dict()
