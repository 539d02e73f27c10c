"""How much to buy when the entry fires."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class SizingMode(Enum):
    FIXED_AMOUNT = "fixed_amount"
    """``value`` is the order total in the quote currency (KRW on Upbit), fee charged on top."""
    CASH_PERCENT = "cash_percent"
    """``value`` % of the cash at the time of the fill is spent, fee included."""


@dataclass(frozen=True)
class PositionSizing:
    mode: SizingMode
    value: Decimal


class SameCandlePolicy(Enum):
    """Which close-decided action wins when several management rules fire on one candle."""

    CONSERVATIVE = "conservative"
    """Any exit (exit triggers, time exit) beats any add; among equals the earlier-listed rule wins."""
    PRIORITY = "priority"
    """The earliest-listed rule that fires wins, whatever it does."""
