"""Value objects of the live-trading state: which (strategy, market) pairs have a trade in progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from upbit_auto_trading.domain.errors import DomainError


@dataclass(frozen=True, order=True)
class TradeKey:
    """One live trade is identified by the strategy running it and the market it trades (``KRW-BTC``)."""

    strategy_id: str
    market: str

    def __post_init__(self) -> None:
        if not self.strategy_id or not self.market:
            raise DomainError("A trade needs both a strategy id and a market (e.g. KRW-BTC).")

    def __str__(self) -> str:
        return f"{self.strategy_id}@{self.market}"


@dataclass(frozen=True)
class TradingState:
    """The set of live trades. Immutable: ``started``/``completed`` return a new state."""

    live: frozenset[TradeKey] = field(default_factory=frozenset)

    @property
    def is_idle(self) -> bool:
        return not self.live

    def started(self, key: TradeKey) -> TradingState:
        return TradingState(self.live | {key})

    def completed(self, key: TradeKey) -> TradingState:
        return TradingState(self.live - {key})

    def describe(self) -> str:
        return ", ".join(str(k) for k in sorted(self.live))
