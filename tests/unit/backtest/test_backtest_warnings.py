"""Issue 13: a run whose orders were refused says so, with the count and the reason, in the record's
warnings (the CLI's text and JSON and the backtest screen read them); a clean run has none."""

from __future__ import annotations

from decimal import Decimal

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.domain.backtest import BacktestSettings, refused_order_warnings
from upbit_auto_trading.domain.backtest.warnings import (
    BELOW_MINIMUM_OR_NOTHING,
    CAPITAL_BELOW_MINIMUM,
    ROUNDS_TO_NOTHING,
    SIZE_BELOW_MINIMUM,
)


def test_no_refused_order_no_warning() -> None:
    assert refused_order_warnings(0, BacktestSettings()) == []


def test_each_reason_with_its_count() -> None:
    [w] = refused_order_warnings(3, BacktestSettings(initial_capital=Decimal(4000)), sizing_mode="cash_percent",
                                 sizing_value=Decimal(100))  # fmt: skip
    assert (w.code, w.count, w.reason) == ("orders_refused", 3, CAPITAL_BELOW_MINIMUM)
    assert w.message == "3 orders refused: the starting capital (4,000 KRW) is below the exchange's minimum " \
                        "order of 5,000 KRW"  # fmt: skip
    assert w.to_dict() == {"code": "orders_refused", "count": 3, "reason": CAPITAL_BELOW_MINIMUM,
                                "message": w.message, "capital": "4000", "currency": "KRW",
                                "minimum_order": "5000"}  # fmt: skip

    [w] = refused_order_warnings(
        1, BacktestSettings(), sizing_mode="fixed_amount", sizing_value=Decimal(3000)
    )
    assert w.reason == SIZE_BELOW_MINIMUM and w.message.startswith("1 order refused: the entry's order total "
                                                                   "(3,000 KRW)")  # fmt: skip
    [w] = refused_order_warnings(2, BacktestSettings(initial_capital=Decimal(9000)), sizing_mode="cash_percent",
                                 sizing_value=Decimal(50))  # fmt: skip
    assert w.reason == SIZE_BELOW_MINIMUM and "(4,500 KRW)" in w.message

    [w] = refused_order_warnings(5, BacktestSettings(), sizing_mode="cash_percent", sizing_value=Decimal(100))
    assert w.reason == BELOW_MINIMUM_OR_NOTHING and w.count == 5 and "5,000 KRW" in w.message

    [w] = refused_order_warnings(2, BacktestSettings.for_non_krw(initial_capital=Decimal(1)), quote="USD")
    assert w.reason == ROUNDS_TO_NOTHING and w.message == (
        "2 orders refused: their quantities rounded to nothing at the quantity step 0.00000001"
    )


def test_the_record_of_a_run_whose_orders_were_all_refused_warns(support) -> None:  # noqa: ANN001
    w = support.world()
    w.create.execute(support.rsi_document())  # sizing: 50 % of cash
    starved = w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h",
                                            initial_capital=Decimal(4000), store=False))  # fmt: skip
    rec = starved.record
    assert rec.metrics["trades"] == 0 and rec.metrics["refused_orders"] > 0
    [warning] = rec.warnings()
    assert warning.count == rec.metrics["refused_orders"] and warning.reason == CAPITAL_BELOW_MINIMUM
    assert rec.summary()["warnings"] == [warning.to_dict()]
    clean = w.run.execute(
        BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", store=False)
    )
    assert clean.record.metrics["refused_orders"] == 0 and clean.record.summary()["warnings"] == []
