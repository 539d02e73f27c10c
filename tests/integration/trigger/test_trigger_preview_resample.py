"""The trigger preview on real SQLite files: a 4h trigger with only 1h candles stored previews 4h candles
resampled in memory, and leaves every table of the three databases exactly as it was (no 4h series, not
even the packed-array cache of the 1h series); a period long before the last 2,000 candles is shown, with
the same firings as an evaluation over the whole history."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources

import numpy as np
import pytest
import yaml

from upbit_auto_trading.application.trigger.preview_candles import PreviewPeriod
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.resampling import resample
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.variables import catalogue_from_dict
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trigger_builder.preview import PreviewCache

BASE = 1_609_459_200  # 2021-01-01T00:00:00Z
HOURS = 4 * 3600  # 3,600 4h candles, 2021-01 to 2022-08: the last 2,000 start in 2021-12
RSI_4H_BELOW_35 = TradingCondition(
    "rsi 4h",
    VariableRef("RSI", {"period": 14}),
    Operator.parse("lt"),
    FixedValue(Decimal(35)),
    timeframe="4h",
)


def _hours() -> list[Candle]:
    rng = np.random.default_rng(17)
    closes = (40_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, HOURS)))).round(-3).tolist()
    out, previous = [], closes[0]
    for i, close in enumerate(closes):
        o, c = Decimal(int(previous)), Decimal(int(close))
        out.append(Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), o, max(o, c) + 1000,
                          min(o, c) - 1000, c, Decimal("1.5"), c * Decimal("1.5")))  # fmt: skip
        previous = close
    return out


@pytest.fixture(scope="module")
def catalogue():
    text = (
        resources.files("upbit_auto_trading.resources.catalogue")
        .joinpath("catalogue.yaml")
        .read_text("utf-8")
    )
    return catalogue_from_dict(yaml.safe_load(text))


@pytest.fixture
def stored(tmp_path):
    paths = {n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    session = DatabaseSession(paths)
    session.migrate_all()
    hours = _hours()
    store = SqliteCandleStore(session)
    store.upsert(hours)
    yield store, paths, hours
    session.close_all()


def _everything(paths) -> dict:
    """Every row of every table of the three files."""
    found = {}
    for name, path in paths.items():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                found[(name, table)] = sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        finally:
            conn.close()
    return found


def test_a_4h_trigger_previews_from_1h_candles_and_writes_nothing(stored, catalogue):
    set_language("en")
    store, paths, hours = stored
    before = _everything(paths)
    assert not before[("market_data", "candle_array_cache")]  # so a first read of 1h as arrays would show

    preview = PreviewCache(store).compute(catalogue, RSI_4H_BELOW_35, "KRW-BTC", 0)

    assert not isinstance(preview, str), preview
    assert "KRW-BTC 4h resampled from 1h" in preview.caption and "2,000 candles" in preview.caption
    expected = resample(hours, "4h", "1h")[-2000:]
    assert preview.times.tolist() == [c.start_epoch for c in expected]
    assert preview.close.tolist() == [float(c.close) for c in expected]
    assert preview.count > 0
    assert _everything(paths) == before  # no new rows in any table, nothing changed
    assert {(s.market, s.timeframe) for s in store.series()} == {("KRW-BTC", "1h")}


def test_a_period_outside_the_last_2000_candles_is_shown(stored, catalogue):
    set_language("en")
    store, paths, hours = stored
    start, end = datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 7, 31, 23, 59, 59, tzinfo=UTC)
    cache = PreviewCache(store)
    latest = cache.compute(catalogue, RSI_4H_BELOW_35, "KRW-BTC", 0)
    chosen = cache.compute(catalogue, RSI_4H_BELOW_35, "KRW-BTC", 0, PreviewPeriod(start, end))

    assert not isinstance(chosen, str), chosen
    assert (
        chosen.times[0] == int(start.timestamp()) and chosen.times[-1] == int(end.timestamp()) - 4 * 3600 + 1
    )
    assert len(chosen.times) == 61 * 6 and chosen.times[-1] < latest.times[0]  # before the default window
    assert "2021-06-01 09:00 ~ 2021-08-01 05:00 KST · 366 candles" in chosen.caption

    # the same firings as an evaluation over the whole history: the warm-up before the period is enough
    every = resample(hours, "4h", "1h")
    whole = TriggerEvaluator(CandleArrays.from_candles("KRW-BTC", "4h", every)).evaluate(RSI_4H_BELOW_35)
    inside = [i for i, c in enumerate(every) if start.timestamp() <= c.start_epoch <= end.timestamp()]
    assert chosen.fired.tolist() == [i - inside[0] for i in inside if whole[i]]
    assert chosen.count > 0
