"""What a strategy is made of, as the modules that read a ``Strategy`` without building one see it.

``validation`` (run by ``Strategy.__post_init__``) and ``writing`` (run by ``Strategy.content_hash``) are
called by the aggregate itself; typing their argument as this protocol instead of ``Strategy`` keeps them
from importing ``strategy``, so the three modules form no import cycle.
"""

from __future__ import annotations

from typing import Protocol

from upbit_auto_trading.domain.strategy.management import ManagementRule
from upbit_auto_trading.domain.strategy.sizing import PositionSizing, SameCandlePolicy
from upbit_auto_trading.domain.strategy.triggers import TriggerGroups


class StrategyContent(Protocol):
    """The fields of a ``Strategy`` that say what it does (read-only: the aggregate is frozen)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def entry(self) -> TriggerGroups: ...

    @property
    def management(self) -> tuple[ManagementRule, ...]: ...

    @property
    def sizing(self) -> PositionSizing: ...

    @property
    def cooldown_candles(self) -> int: ...

    @property
    def same_candle_policy(self) -> SameCandlePolicy: ...
