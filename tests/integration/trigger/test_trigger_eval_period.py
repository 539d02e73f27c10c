"""Issue 16: a trigger evaluation over a reversed period is refused and leaves the real SQLite files as they
were. It used to decode the whole series, write its packed copy (``candle_array_cache``), then report
"no candles stored"."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.evaluate_trigger import EvaluateTrigger
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

BASE = 1_704_067_200  # 2024-01-01T00:00:00Z
RSI_BELOW_40 = TradingCondition(
    "rsi", VariableRef("RSI", {"period": 14}), Operator.parse("lt"), FixedValue(Decimal(40))
)


def _candle(i: int) -> Candle:
    price = Decimal(100 + (i * 7) % 23)
    return Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), price, price, price, price,
                  Decimal(1), price)  # fmt: skip


@pytest.fixture
def store(tmp_path):
    session = DatabaseSession(
        {n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    session.migrate_all()
    store = SqliteCandleStore(session)
    store.upsert([_candle(i) for i in range(3000)])  # enough candles for the packed copy to be written
    yield store, session
    session.close_all()


def _cached(session: DatabaseSession) -> int:
    return session.market_data.connection().execute("SELECT COUNT(*) FROM candle_array_cache").fetchone()[0]


def test_a_reversed_period_is_refused_and_writes_no_cache(store):
    candles, session = store
    with pytest.raises(ApplicationError) as exc:
        EvaluateTrigger(candles).execute(
            RSI_BELOW_40, "KRW-BTC", "1h", datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
        )
    assert "The start (2024-03-01T00:00:00Z) is after the end (2024-02-01T00:00:00Z)" in str(exc.value)
    assert _cached(session) == 0

    # the store itself answers a reversed range without reading or caching anything
    assert (
        len(
            candles.load_arrays(
                "KRW-BTC", "1h", datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
            )
        )
        == 0
    )
    assert _cached(session) == 0

    # a forward period evaluates (and caches, as designed)
    result = EvaluateTrigger(candles).execute(
        RSI_BELOW_40, "KRW-BTC", "1h", datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)
    )
    assert len(result.candles) == 29 * 24 + 1 and _cached(session) == 1
