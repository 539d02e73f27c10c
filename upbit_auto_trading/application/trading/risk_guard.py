"""The profile's risk limits applied to a session's orders: checked before every buy, and the drawdown
state machine fed with the session's equity (its budget's cash plus its positions at the last price)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.publisher import Publish
from upbit_auto_trading.domain.trading.events import RiskStateChanged
from upbit_auto_trading.domain.trading.risk import (
    DrawdownMonitor,
    RiskLimits,
    RiskState,
    check_order,
    trading_day,
)
from upbit_auto_trading.domain.trading.session import TradingSession

ZERO = Decimal(0)


class RiskGuard:
    def __init__(
        self,
        session: TradingSession,
        desk: OrderDesk,
        limits: RiskLimits,
        *,
        publish: Publish,
        last_price: Callable[[str], Decimal | None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session = session
        self._desk = desk
        self.limits = limits
        self._publish = publish
        self._price = last_price
        self._clock = clock
        self.monitor = DrawdownMonitor(limits)
        self.reason = ""

    @property
    def state(self) -> RiskState:
        return self.monitor.state

    def equity(self) -> Decimal:
        sid = self.session.session_id
        total = self.session.budget
        for market in self.session.markets:
            pos = self._desk.position(sid, market)
            price = self._price(market) or pos.average_price
            total += pos.quantity * price - pos.spent
        return total

    def _invested(self, market: str) -> Decimal:
        return self._desk.position(self.session.session_id, market).invested

    async def observe(self) -> None:
        """Feed the current equity to the drawdown state machine (a new KST day starts from it)."""
        now = self._clock()
        equity = self.equity()
        if equity <= 0:
            return
        if self.monitor.day != trading_day(now):
            self.monitor.start_day(trading_day(now), equity)
            return
        change = self.monitor.update(equity, now)
        if change is not None:
            self.reason = change.reason
            await self._publish(
                RiskStateChanged(session_id=self.session.session_id, state=change.state.value, reason=change.reason,
                                 source="trading"),
                EventPriority.HIGH_SAFETY,
            )  # fmt: skip

    async def approve(self, session_id: str, market: str, kind: str, total_krw: Decimal) -> tuple[Decimal, str]:
        await self.observe()
        markets = self.session.markets
        open_after = sum(1 for m in markets if self._desk.position(session_id, m).is_open or m == market)
        verdict = check_order(
            self.limits, self.monitor.state, kind=kind, market=market, order_total_krw=total_krw,
            position_krw_after=self._invested(market) + total_krw,
            total_krw_after=sum((self._invested(m) for m in markets), ZERO) + total_krw,
            open_positions_after=open_after,
        )  # fmt: skip
        return (verdict.scaled_total if verdict.allowed else ZERO), verdict.reason
