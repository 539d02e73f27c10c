"""What the engine holds in memory about the sessions it follows, as plain values for another thread: the last
prices, the management rules armed on each position (``armed_rules``), the risk state. Computed on the
engine's loop (``live_of``), where the models change; ``followed`` reads only plain attributes, for any
thread (``desk.TradingDesk.live``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.trading.session import TradingMode

if TYPE_CHECKING:  # the engine's imports are paid when the desk builds it
    from upbit_auto_trading.application.trading.engine import RunningSession
    from upbit_auto_trading.application.trading.market_trader import MarketTrader


@dataclass(frozen=True)
class ArmedRules:
    """The management rules armed on an open position, as prices (None: off or not armed yet)."""

    stop_loss: Decimal | None = None
    trailing_stop: Decimal | None = None  # the trailing stop's level once it is active
    trailing_from: Decimal | None = None  # the price that activates it, while it is not
    take_profit: Decimal | None = None
    partial_take_profit: Decimal | None = None
    next_pyramid: Decimal | None = None  # the close at or under which the next add is decided


@dataclass(frozen=True)
class LiveMarket:
    market: str
    last_price: Decimal | None
    armed: ArmedRules


@dataclass(frozen=True)
class LiveSession:
    """A session this process follows, as the engine holds it in memory."""

    session_id: str
    mode: TradingMode
    risk_state: str
    risk_reason: str
    markets: dict[str, LiveMarket] = field(default_factory=dict)
    error: str = ""  # the session's task failed


def _price(value: float | None) -> Decimal | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return Decimal(f"{value:.10g}")  # the float arithmetic's last digits are noise, not a price


def armed_rules(trader: MarketTrader) -> ArmedRules:
    """What the engine watches on the trader's position: the model's levels (the kernel's own arithmetic) and
    the pyramid rule's next target from the model's state. Empty when the model holds nothing."""
    model = trader.model
    levels = model.levels()
    state = model.state
    if state[C.S_QTY] <= 0:
        return ArmedRules()
    rules = trader.rules
    stop_loss = levels.stop if levels.stop_reason is FillReason.STOP_LOSS else None
    if stop_loss is None and not math.isnan(rules.stop_loss):
        stop_loss = float(state[C.S_AVG]) * (1.0 - rules.stop_loss)  # the trailing stop is above it now
    trailing = levels.stop if levels.stop_reason is FillReason.TRAILING_STOP else None
    trailing_from = None
    if not levels.trailing_active and not math.isnan(rules.trailing_activate):
        trailing_from = float(state[C.S_AVG]) * (1.0 + rules.trailing_activate)
    pyramid = None
    if rules.pyramid_max > 0 and state[C.S_NPYR] < rules.pyramid_max:
        pyramid = float(state[C.S_AVG]) * (1.0 - rules.pyramid_drop)
    return ArmedRules(
        stop_loss=_price(stop_loss), trailing_stop=_price(trailing), trailing_from=_price(trailing_from),
        take_profit=_price(levels.take_profit), partial_take_profit=_price(levels.partial),
        next_pyramid=_price(pyramid),
    )  # fmt: skip


def followed(session_id: str, running: RunningSession) -> LiveSession:
    """A followed session not in the snapshot yet: what plain attributes tell, read from any thread."""
    risk = running.risk
    return LiveSession(
        session_id=session_id, mode=running.runner.session.mode,
        risk_state=risk.state.value if risk is not None else "normal",
        risk_reason=risk.reason if risk is not None else "", error=running.error,
    )  # fmt: skip


def live_of(session_id: str, running: RunningSession) -> LiveSession:
    runner = running.runner
    markets = {}
    for market, trader in list(runner.traders.items()):
        price = trader.status.last_price
        markets[market] = LiveMarket(market, price if price > 0 else None, armed_rules(trader))
    risk = running.risk
    return LiveSession(
        session_id=session_id, mode=runner.session.mode,
        risk_state=risk.state.value if risk is not None else "normal",
        risk_reason=risk.reason if risk is not None else "", markets=markets, error=running.error,
    )  # fmt: skip
