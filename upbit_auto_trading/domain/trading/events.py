"""Events of the trading context. Published at CRITICAL_TRADING (trade life cycle) or HIGH_SAFETY (stops)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.trading.state import TradeKey


@dataclass(frozen=True, kw_only=True)
class TradingStarted(Event):
    """A strategy opened a live (or paper) trade on a market; config changes are held until it completes."""

    strategy_id: str
    market: str

    @property
    def key(self) -> TradeKey:
        return TradeKey(self.strategy_id, self.market)


@dataclass(frozen=True, kw_only=True)
class TradingCompleted(Event):
    """The trade of a strategy on a market is over (closed, cancelled or stopped)."""

    strategy_id: str
    market: str
    outcome: str = "closed"  # closed | cancelled | stopped | failed

    @property
    def key(self) -> TradeKey:
        return TradeKey(self.strategy_id, self.market)


@dataclass(frozen=True, kw_only=True)
class EmergencyStopRequested(Event):
    """Stop every trade now. Never held by the config-change gate."""

    reason: str = ""
    requested_by: str = "user"
