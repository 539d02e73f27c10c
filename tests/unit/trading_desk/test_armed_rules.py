"""The rules the Trading tab shows armed on a position are the kernel's own: the stop-loss under the average,
the trailing stop's activation price then its level, the next pyramid add's target."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from upbit_auto_trading.application.trading.desk import ArmedRules, armed_rules
from upbit_auto_trading.domain.backtest.rules import EngineRules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.trading.decision_model import DecisionModel

RULES = EngineRules(stop_loss=0.05, trailing_activate=0.10, trailing_distance=0.03, pyramid_drop=0.04,
                    pyramid_max=2, pyramid_size=0.5, sizing_cash_fraction=0.5, uses_exit_signal=False)  # fmt: skip


def _trader() -> SimpleNamespace:
    model = DecisionModel(RULES, BacktestSettings(initial_capital=Decimal(1_000_000), fee_rate=Decimal(0)))
    return SimpleNamespace(model=model, rules=RULES)


def test_nothing_is_armed_without_a_position() -> None:
    trader = _trader()
    trader.model.step(100_000, 100_500, 99_500, 100_000, False, False)
    assert armed_rules(trader) == ArmedRules()


def test_stop_loss_trailing_activation_and_next_pyramid_then_the_active_trailing_level() -> None:
    trader = _trader()
    trader.model.step(100_000, 100_500, 99_500, 100_000, True, False)  # entry decided on this close
    step = trader.model.step(100_000, 101_000, 99_800, 100_500, False, False)  # filled at this open
    assert step.quantity > 0
    avg = Decimal(str(step.average))
    armed = armed_rules(trader)
    assert armed.stop_loss == Decimal(95_000)  # 100,000 * 0.95 on the KRW tick table
    assert armed.trailing_stop is None and armed.trailing_from == avg * Decimal("1.1")
    assert armed.next_pyramid == avg * Decimal("0.96")
    trader.model.step(100_500, 112_000, 100_400, 111_000, False, False)  # +12 %: the trailing stop is active
    armed = armed_rules(trader)
    assert armed.trailing_from is None
    assert armed.trailing_stop is not None and Decimal(108_000) <= armed.trailing_stop <= Decimal(108_700)
    assert armed.stop_loss == Decimal(95_000)  # still shown under the trailing stop
