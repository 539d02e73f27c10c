"""Value objects of the live-trading state: which (strategy, market) pairs have a trade in progress."""

from __future__ import annotations

from dataclasses import dataclass

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
    """Live trades, counted per key (a start published before the previous completion is dispatched
    counts twice). Immutable: ``started``/``completed`` return a new state."""

    counts: tuple[tuple[TradeKey, int], ...] = ()

    @property
    def live(self) -> frozenset[TradeKey]:
        return frozenset(key for key, _ in self.counts)

    @property
    def is_idle(self) -> bool:
        return not self.counts

    def _with(self, key: TradeKey, delta: int) -> TradingState:
        counts = dict(self.counts)
        n = counts.get(key, 0) + delta
        if n > 0:
            counts[key] = n
        else:
            counts.pop(key, None)
        return TradingState(tuple(sorted(counts.items())))

    def started(self, key: TradeKey) -> TradingState:
        return self._with(key, 1)

    def completed(self, key: TradeKey) -> TradingState:
        """One trade of ``key`` is over; completing an unknown key changes nothing."""
        return self._with(key, -1)

    def describe(self) -> str:
        return ", ".join(str(k) for k, _ in self.counts)
