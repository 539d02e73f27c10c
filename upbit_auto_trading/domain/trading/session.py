"""A trading session: one strategy run on one or more markets, in paper, paper-replay or live mode."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum

from upbit_auto_trading.domain.errors import DomainError


class TradingMode(Enum):
    PAPER = "paper"  # the loopback exchange, kept on disk in the profile; real-time candles
    REPLAY = "replay"  # the loopback exchange fed with stored candles at a chosen speed
    LIVE = "live"  # Upbit itself, with the profile's stored keys (production profile only)


class SessionState(Enum):
    RUNNING = "running"
    STOPPED = "stopped"  # stopped by the user (positions may remain)
    FINISHED = "finished"  # a replay reached the end of its candles
    HALTED = "halted"  # emergency stop


class SessionError(DomainError):
    """The session settings are not usable (no market, a budget under the minimum order...)."""


@dataclass(frozen=True)
class TradingSession:
    session_id: str
    strategy_name: str
    strategy_id: int
    strategy_version: int
    mode: TradingMode
    markets: tuple[str, ...]
    timeframe: str
    budget: Decimal  # KRW the session may have invested at once, over all its markets
    fee_rate: Decimal
    slippage_rate: Decimal
    started_at: datetime
    state: SessionState = SessionState.RUNNING
    stopped_at: datetime | None = None
    first_candle: dict[str, str] = field(default_factory=dict)  # market -> ISO start of the first decided candle
    last_candle: dict[str, str] = field(default_factory=dict)  # market -> ISO start of the last decided candle
    api_url: str = ""
    note: str = ""
    replay_end: str = ""  # replay: ISO start of the last candle to replay ("" = the newest stored)

    def __post_init__(self) -> None:
        if not self.markets:
            raise SessionError("A trading session needs at least one market (e.g. KRW-BTC).")
        if len(set(self.markets)) != len(self.markets):
            raise SessionError("A market is listed twice.")
        for market in self.markets:
            if not market.startswith("KRW-"):
                raise SessionError(f"Only KRW markets can be traded, got {market!r}.")
        if not self.budget.is_finite() or self.budget < Decimal(5000):
            raise SessionError(f"The budget must be at least 5,000 KRW (Upbit's minimum order), got {self.budget}.")

    @property
    def is_running(self) -> bool:
        return self.state is SessionState.RUNNING

    @property
    def budget_per_market(self) -> Decimal:
        return self.budget / len(self.markets)

    def ended(self, state: SessionState, at: datetime, note: str = "") -> TradingSession:
        return replace(self, state=state, stopped_at=at, note=note or self.note)

    def with_last_candle(self, market: str, iso_start: str) -> TradingSession:
        """Progress: the candle the session decided on last (a restart resumes after it)."""
        first = dict(self.first_candle)
        first.setdefault(market, iso_start)
        last = dict(self.last_candle)
        last[market] = iso_start
        return replace(self, first_candle=first, last_candle=last)

    def with_first_candle(self, market: str, iso_start: str) -> TradingSession:
        first = dict(self.first_candle)
        first.setdefault(market, iso_start)
        return replace(self, first_candle=first)
