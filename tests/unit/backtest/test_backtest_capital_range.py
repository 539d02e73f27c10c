"""Issue 16: the starting capital is refused outside the range the engine computes correctly.

1e400 ran to the end and failed with ``InvalidOperation``; from about 10^19 the engine's order sizes overflowed
and the run reported no trades at all; NaN was refused with a message naming no range."""

from __future__ import annotations

from decimal import Decimal

import pytest

from upbit_auto_trading.domain.backtest import BacktestInputError, BacktestSettings
from upbit_auto_trading.domain.backtest.settings import CAPITAL_RANGE, MAX_INITIAL_CAPITAL, capital_in_range


@pytest.mark.parametrize(
    "capital", ["1e400", "1e19", "1000000000000000.01", "NaN", "sNaN", "Infinity", "-Infinity", "-5", "0"]
)
def test_capital_outside_the_range_is_refused_naming_the_range(capital: str) -> None:
    assert not capital_in_range(Decimal(capital))
    with pytest.raises(BacktestInputError) as exc:
        BacktestSettings(initial_capital=Decimal(capital))
    assert f"the starting capital must be {CAPITAL_RANGE}" in str(exc.value)
    assert CAPITAL_RANGE == "above 0 and at most 1,000,000,000,000,000"


@pytest.mark.parametrize("capital", ["0.00000001", "5000", "10000000", str(MAX_INITIAL_CAPITAL)])
def test_capital_inside_the_range_is_accepted(capital: str) -> None:
    assert BacktestSettings(initial_capital=Decimal(capital)).initial_capital == Decimal(capital)
