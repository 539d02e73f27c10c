"""A decision the engine did not turn into an order (a risk limit, the 5,000 KRW minimum, a market under
warning, an exchange pre-check...). Nothing reaches the exchange, so the order journal has no entry for it;
this note is what lets the drift report say why the backtest's trade is missing from the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class RefusalKind(Enum):
    RISK = "risk"  # a risk limit allowed nothing (drawdown halt, daily loss, position caps)
    MIN_ORDER = "min_order"  # the order total is under Upbit's 5,000 KRW minimum
    FUNDS = "funds"  # the KRW available cannot pay the order total (and its fee) down to the minimum
    EXCHANGE = "exchange"  # the exchange's pre-check (/v1/orders/test) would refuse it (market_offline...)
    BLOCKED = "blocked"  # an open manual-review item blocks new entries on the market
    WARNING = "warning"  # the market is under Upbit's investment warning


@dataclass(frozen=True)
class OrderRefusal:
    session_id: str
    market: str
    decided_bar: str  # the decision's key, as in the journal: "<ISO candle start>#<reason>"
    kind: RefusalKind
    detail: str
    at: datetime
