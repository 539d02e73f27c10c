"""``TradingActivity`` read from the config-change gate, which follows every trade of this process.

Fails closed: when the gate cannot be had (its held-request store is unreadable, say), this raises
``TradingStateUnknownError`` instead of answering "no live trade", and the safety check treats that as a
live trade and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from upbit_auto_trading.application.profiles.errors import TradingStateUnknownError
from upbit_auto_trading.domain.trading.state import TradingState


class TradingStateGate(Protocol):
    """What is read of the gate (``ConfigChangeGate``)."""

    @property
    def is_trading(self) -> bool: ...

    @property
    def state(self) -> TradingState: ...


class GateTradingActivity:
    """``gate()`` returns the process's gate; it is asked on every check (built lazily by the container)."""

    def __init__(self, gate: Callable[[], TradingStateGate]) -> None:
        self._gate = gate

    def live_trade(self) -> str | None:
        try:
            gate = self._gate()
            return gate.state.describe() if gate.is_trading else None
        except Exception as exc:
            raise TradingStateUnknownError(
                f"this window's trading state cannot be read ({type(exc).__name__}: {exc})"
            ) from exc
