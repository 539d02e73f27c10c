"""What a user asks for when running a backtest, and what a finished run gives back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from upbit_auto_trading.application.backtest.ports import RunMeta
from upbit_auto_trading.domain.backtest import UPBIT_KRW_FEE, BacktestRecord, BacktestResult, BacktestSettings

COST_CONFIRM_ABOVE = Decimal("0.01")
"""A fee or slippage above 1 % per fill is far beyond what an exchange charges (Upbit's KRW fee is 0.05 %):
most likely a unit mistake (a fraction typed where percent is meant). The CLI and the backtest screen run
it only once the user confirms."""


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
        if krw:
            return BacktestSettings(
                initial_capital=self.initial_capital, fee_rate=self.fee_rate, slippage_rate=self.slippage_rate
            )
        return BacktestSettings.for_non_krw(
            initial_capital=self.initial_capital, fee_rate=self.fee_rate, slippage_rate=self.slippage_rate
        )

    def describe(self) -> str:
        return f"{self.strategy} on {self.market} {self.timeframe}"

    def unusual_costs(self) -> list[tuple[str, Decimal]]:
        """("fee" | "slippage", fraction) of each cost above ``COST_CONFIRM_ABOVE``: to be confirmed first."""
        costs = (("fee", self.fee_rate), ("slippage", self.slippage_rate))
        return [(name, rate) for name, rate in costs if rate > COST_CONFIRM_ABOVE]


@dataclass(eq=False)
class BacktestOutcome:
    run_id: int | None
    record: BacktestRecord
    result: BacktestResult
    meta: RunMeta
