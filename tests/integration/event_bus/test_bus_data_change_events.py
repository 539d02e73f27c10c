"""Every user action that changes data publishes a domain event on the container's real bus (MEDIUM_CONFIG)
and writes one INFO log line: triggers, strategies, backtests, candle imports, resamples and deletes."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
from itertools import islice

import pytest

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.event_bus import Event, EventPriority
from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.backtest.events import BacktestCompleted, BacktestRunDeleted
from upbit_auto_trading.domain.market.events import CandlesImported, SeriesDeleted, SeriesResampled
from upbit_auto_trading.domain.strategy.events import StrategyDeleted, StrategySaved
from upbit_auto_trading.domain.trigger.events import TriggerDeleted, TriggerSaved, TriggersImported
from upbit_auto_trading.infrastructure.market_data.bundled import PackagedCandleCatalog

DATA_EVENTS = (
    TriggerSaved, TriggerDeleted, TriggersImported, StrategySaved, StrategyDeleted, BacktestCompleted,
    BacktestRunDeleted, CandlesImported, SeriesResampled, SeriesDeleted,
)  # fmt: skip


@pytest.fixture
def container(tmp_path):
    c = build_container(home=tmp_path / "home", overrides={"market_data": {"seed_bundled": False}})
    c.core.database_session()
    yield c
    c.core.database_session().close_all()


def _candle_file(folder):
    """The newest 600 bundled KRW-BTC hours (a real Upbit export, cut short)."""
    source = PackagedCandleCatalog().directory() / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as full:
        head = list(islice(full, 601))
    path = folder / "krw-btc.csv"
    path.write_text("".join(head), encoding="utf-8")
    return path


def _strategy(name: str, cooldown: int = 0) -> dict:
    return {
        "schema_version": 1,
        "name": name,
        "entry": {"groups": [{"triggers": ["rsi low"]}]},
        "management": [{"type": "exit_triggers", "groups": [{"triggers": ["rsi high"]}]}],
        "sizing": {"mode": "cash_percent", "value": 50},
        "cooldown_candles": cooldown,
    }


def _info_lines(caplog, logger_prefix: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and r.name.startswith(logger_prefix)
    ]


async def test_each_data_change_is_an_event_on_the_bus_and_one_log_line(container, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    bus = container.event_bus.bus()
    received: list[Event] = []
    tapped: dict[str, EventPriority] = {}
    for event_type in DATA_EVENTS:
        bus.subscribe(event_type, received.append, name=f"tests.{event_type.__name__}")
    bus.add_tap(lambda event, priority: tapped.setdefault(event.event_type, priority))
    await bus.start()
    try:
        t, s, m = container.triggers, container.strategies, container.market_data
        # triggers: create, edit (a rename), duplicate, delete, import
        t.create_trigger().execute(TriggerDraft(name="rsi low", variable_id="RSI", operator="lt", value="35"))
        t.create_trigger().execute(TriggerDraft(name="rsi hi", variable_id="RSI", operator="gt", value="65"))
        renamed = TriggerDraft(name="rsi high", variable_id="RSI", operator="gt", value="65")
        t.edit_trigger().execute("rsi hi", renamed)
        t.duplicate_trigger().execute("rsi low")
        t.delete_trigger().execute("rsi low (2)")
        t.import_triggers().execute(json.loads(json.dumps(t.export_triggers().execute())))
        # strategies: create, new version, duplicate, delete
        created = s.create_strategy().execute(_strategy("swing"))
        s.save_strategy_version().execute(created.strategy_id, _strategy("swing", cooldown=3))
        s.duplicate_strategy().execute("swing")
        s.delete_strategy().execute("swing (copy)")
        # candles: import, resample, then a backtest (on a worker thread, as the queue runs it), delete
        m.import_candles().execute(ImportSpec(_candle_file(tmp_path), "KRW-BTC", "1h", "upbit"))
        m.resample_series().execute("KRW-BTC", "1h", "4h")
        outcome = await asyncio.to_thread(
            s.run_backtest().execute, BacktestRequest(strategy="swing", market="KRW-BTC", timeframe="1h")
        )
        s.delete_run().execute(outcome.run_id)
        m.delete_series().execute("KRW-BTC", "4h")
        await bus.join()
    finally:
        await bus.stop()

    kinds = [(type(e).__name__, getattr(e, "change", "")) for e in received]
    assert kinds == [
        ("TriggerSaved", "created"), ("TriggerSaved", "created"), ("TriggerSaved", "edited"),
        ("TriggerSaved", "duplicated"), ("TriggerDeleted", ""), ("TriggersImported", ""),
        ("StrategySaved", "created"), ("StrategySaved", "new_version"), ("StrategySaved", "duplicated"),
        ("StrategyDeleted", ""), ("CandlesImported", ""), ("SeriesResampled", ""),
        ("BacktestCompleted", ""), ("BacktestRunDeleted", ""), ("SeriesDeleted", ""),
    ]  # fmt: skip
    assert set(tapped.values()) == {EventPriority.MEDIUM_CONFIG}
    by_type = {type(e).__name__: e for e in received}  # the last of each type
    assert received[2].name == "rsi high" and received[2].previous_name == "rsi hi"
    assert by_type["TriggersImported"].identical == ("rsi high", "rsi low")
    assert by_type["TriggersImported"].imported == ()
    assert received[7].version == 2 and received[7].name == "swing"
    assert by_type["StrategyDeleted"].name == "swing (copy)" and by_type["StrategyDeleted"].version == 1
    imported = by_type["CandlesImported"]
    assert (imported.market, imported.timeframe, imported.read, imported.inserted) == (
        "KRW-BTC",
        "1h",
        600,
        600,
    )
    resampled = by_type["SeriesResampled"]
    assert (resampled.source_timeframe, resampled.target_timeframe, resampled.read) == ("1h", "4h", 600)
    done = by_type["BacktestCompleted"]
    assert done.run_id == outcome.run_id and done.strategy == "swing" and done.strategy_version == 2
    assert (done.market, done.timeframe, done.candle_count) == ("KRW-BTC", "1h", 600)
    assert done.trade_count == len(outcome.record.trades)
    assert by_type["BacktestRunDeleted"].run_id == outcome.run_id
    assert (
        by_type["SeriesDeleted"].timeframe == "4h" and by_type["SeriesDeleted"].deleted == resampled.written
    )

    lines = _info_lines(caplog, "upbit_auto_trading.application")
    for expected in (
        "trigger 'rsi low' created", "trigger 'rsi hi' renamed to 'rsi high'", "trigger 'rsi low' duplicated",
        "trigger 'rsi low (2)' deleted", "triggers imported: 2 skipped (identical)",
        "strategy 'swing' saved (id", "strategy 'swing (copy)' saved", "strategy 'swing (copy)' deleted",
        "imported ", "resampled 600 1h candles of KRW-BTC", "backtest swing on KRW-BTC 1h (version 2)",
        f"backtest run {outcome.run_id} deleted", f"deleted {resampled.written} 4h candles of KRW-BTC",
    ):  # fmt: skip
        assert sum(line.startswith(expected) for line in lines) >= 1, (expected, lines)
    assert len(lines) == len(received)  # one line per action, no more


def test_without_a_running_bus_the_change_is_still_saved_and_logged(container, caplog):
    """The CLI runs no bus: the event is dropped (DEBUG), the data and the INFO line are there."""
    caplog.set_level(logging.INFO)
    container.triggers.create_trigger().execute(
        TriggerDraft(name="rsi low", variable_id="RSI", operator="lt", value="35")
    )
    assert container.triggers.get_trigger().execute("rsi low").condition_id
    assert _info_lines(caplog, "upbit_auto_trading.application") == [
        "trigger 'rsi low' created (id 1): RSI(period=14) < 35"
    ]
