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


# --- the engine's events (published at CRITICAL_TRADING unless noted; correlation id = the order's chain) ---


@dataclass(frozen=True, kw_only=True)
class TradingSessionChanged(Event):
    """A session started, resumed, stopped, finished or halted."""

    session_id: str
    strategy: str
    mode: str
    state: str
    markets: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class CandleDecided(Event):
    """The engine decided on a closed candle (LOW_LOGGING: one per candle and market)."""

    session_id: str
    market: str
    candle_start: str
    close: str
    decision: str = ""  # the model's decision for the next open ("" = none)
    backfilled: bool = False


@dataclass(frozen=True, kw_only=True)
class OrderIntentRecorded(Event):
    session_id: str
    identifier: str
    market: str
    side: str
    ord_type: str
    reason: str
    price: str = ""
    volume: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    session_id: str
    identifier: str
    uuid: str
    market: str
    state: str


@dataclass(frozen=True, kw_only=True)
class OrderFilled(Event):
    session_id: str
    identifier: str
    market: str
    side: str
    trade_id: str
    price: str
    volume: str
    fee: str
    source: str


@dataclass(frozen=True, kw_only=True)
class OrderFinished(Event):
    """The order reached a final state: done, cancelled, rejected or not placed."""

    session_id: str
    identifier: str
    market: str
    state: str
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderFateUnknownEvent(Event):
    """HIGH_SAFETY: the reply was lost and the look-up could not tell; reconciliation will ask again."""

    session_id: str
    identifier: str
    market: str
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class RiskStateChanged(Event):
    """HIGH_SAFETY: the drawdown state machine moved (normal / caution / defense / halt)."""

    session_id: str
    state: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderRefusedByRisk(Event):
    session_id: str
    market: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReconciliationCompleted(Event):
    """After a start: what was looked up, what changed, what went to manual review, how long it took."""

    looked_up: int
    updated: int
    review_items: int
    fills_added: int
    seconds: float
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class ReviewItemAdded(Event):
    """HIGH_SAFETY: something reconciliation could not explain; new entries on the market are blocked."""

    market: str
    kind: str
    detail: str
