"""What a user asks for when running a backtest, and what a finished run gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from upbit_auto_trading.application.backtest.ports import RunMeta
from upbit_auto_trading.domain.backtest import UPBIT_KRW_FEE, BacktestRecord, BacktestResult, BacktestSettings

ProgressFn = Callable[[float, str], None]
"""Called with (fraction done 0..1, phase) from the thread running the backtest."""


@dataclass(frozen=True)
class BacktestRequest:
    """``start``/``end`` bound the candle starts (UTC, inclusive; None = all stored). ``fee_rate`` and
    ``slippage_rate`` are fractions. ``exchange_rules`` None = Upbit's KRW tick table and 5,000 KRW minimum
    order for ``KRW-`` markets, off for others."""

    strategy: str
    market: str
    timeframe: str
    start: datetime | None = None
    end: datetime | None = None
    initial_capital: Decimal = Decimal("10000000")
    fee_rate: Decimal = UPBIT_KRW_FEE
    slippage_rate: Decimal = Decimal("0")
    exchange_rules: bool | None = None
    store: bool = True

    def settings(self) -> BacktestSettings:
        krw = self.market.upper().startswith("KRW-") if self.exchange_rules is None else self.exchange_rules
        base = {
            "initial_capital": self.initial_capital,
            "fee_rate": self.fee_rate,
            "slippage_rate": self.slippage_rate,
        }
        return BacktestSettings(**base) if krw else BacktestSettings.for_non_krw(**base)

    def describe(self) -> str:
        return f"{self.strategy} on {self.market} {self.timeframe}"


@dataclass(eq=False)
class BacktestOutcome:
    run_id: int | None
    record: BacktestRecord
    result: BacktestResult
    meta: RunMeta
