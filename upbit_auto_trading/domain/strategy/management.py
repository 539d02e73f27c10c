"""Management rules: what to do with an open position. Percentages are in percent (5 means 5 %)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from upbit_auto_trading.domain.strategy.triggers import TriggerGroups


@dataclass(frozen=True)
class StopTakeProfit:
    """Fixed stop-loss and/or take-profit, both measured from the average buy price."""

    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    type: str = "stop_take_profit"


@dataclass(frozen=True)
class TrailingStop:
    """Once the price has reached +``activate_pct`` over the average buy price, sell when it falls
    ``trail_pct`` below the highest price since the last buy."""

    activate_pct: Decimal
    trail_pct: Decimal
    type: str = "trailing_stop"


@dataclass(frozen=True)
class PyramidBuying:
    """Averaging down (물타기): buy again when the close is ``drop_pct`` below the average buy price,
    at most ``max_times`` times per position; each add costs ``size_pct_of_entry`` % of the first buy."""

    drop_pct: Decimal
    max_times: int
    size_pct_of_entry: Decimal = Decimal(100)
    type: str = "pyramid"


@dataclass(frozen=True)
class ScaleIn:
    """Scale-in (불타기): buy again when the close is ``rise_pct`` above the last buy price,
    at most ``max_times`` times per position; each add costs ``size_pct_of_entry`` % of the first buy."""

    rise_pct: Decimal
    max_times: int
    size_pct_of_entry: Decimal = Decimal(100)
    type: str = "scale_in"


@dataclass(frozen=True)
class PartialTakeProfit:
    """Sell ``sell_pct`` % of the position once, when the price reaches +``profit_pct`` over the average."""

    profit_pct: Decimal
    sell_pct: Decimal
    type: str = "partial_take_profit"


@dataclass(frozen=True)
class TimeExit:
    """Sell everything after the position has been held for ``candles`` closed candles."""

    candles: int
    type: str = "time_exit"


@dataclass(frozen=True)
class ExitTriggers:
    """Sell everything when the trigger groups hold on a closed candle (OR of AND-groups)."""

    condition: TriggerGroups
    type: str = "exit_triggers"


ManagementRule = (
    StopTakeProfit | TrailingStop | PyramidBuying | ScaleIn | PartialTakeProfit | TimeExit | ExitTriggers
)

RULE_TYPES: tuple[str, ...] = (
    "stop_take_profit",
    "trailing_stop",
    "pyramid",
    "scale_in",
    "partial_take_profit",
    "time_exit",
    "exit_triggers",
)
MAX_MANAGEMENT_RULES = 5
