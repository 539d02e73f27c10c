"""A single OHLCV candle with exact decimal prices and volumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from upbit_auto_trading.domain.market.errors import InvalidCandleError
from upbit_auto_trading.domain.market.timeframe import Timeframe

_ZERO = Decimal(0)
_CODES = frozenset(Timeframe.codes())


@dataclass(frozen=True, slots=True)
class Candle:
    """One candle. ``start`` is the candle's opening instant (aware, UTC); ``timeframe`` a code like ``1h``.

    ``volume`` is traded base quantity (e.g. BTC), ``quote_volume`` the traded value in the quote currency
    (e.g. KRW). Aliases such as ``60m`` are normalised to the code. Invariants: prices > 0, low <= open, close <= high, volumes >= 0.
    """

    market: str
    timeframe: str
    start: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal

    def __post_init__(self) -> None:
        if not self.market:
            raise InvalidCandleError("candle market is empty")
        if self.timeframe not in _CODES:
            object.__setattr__(self, "timeframe", Timeframe.from_code(self.timeframe).code)
        if not isinstance(self.start, datetime) or self.start.tzinfo is None:
            raise InvalidCandleError("candle start must be a timezone-aware datetime")
        if self.start.utcoffset() != timedelta(0):
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        for name in ("open", "high", "low", "close", "volume", "quote_volume"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise InvalidCandleError(f"candle {name} must be a Decimal, got {type(value).__name__}")
            if not value.is_finite():
                raise InvalidCandleError(f"candle {name} is not a finite number: {value}")
        problem = ohlcv_problem(self.open, self.high, self.low, self.close, self.volume, self.quote_volume)
        if problem is not None:
            raise InvalidCandleError(f"{self.market} {self.timeframe} {self.start.isoformat()}: {problem}")

    @property
    def start_epoch(self) -> int:
        """Start as integer epoch seconds (UTC)."""
        return int(self.start.timestamp())

    def same_values(self, other: Candle) -> bool:
        """True if OHLCV are numerically equal (ignores representation such as ``1.0`` vs ``1``)."""
        return (
            self.open == other.open
            and self.high == other.high
            and self.low == other.low
            and self.close == other.close
            and self.volume == other.volume
            and self.quote_volume == other.quote_volume
        )


def ohlcv_problem(
    open_: Decimal, high: Decimal, low: Decimal, close: Decimal, volume: Decimal, quote_volume: Decimal
) -> str | None:
    """The first OHLCV rule broken, as a short reason (``high < low`` ...), or None if the values are valid."""
    if open_ <= _ZERO or high <= _ZERO or low <= _ZERO or close <= _ZERO:
        return "non-positive price"
    if high < low:
        return "high < low"
    if open_ > high or close > high:
        return "open/close above high"
    if open_ < low or close < low:
        return "open/close below low"
    if volume < _ZERO or quote_volume < _ZERO:
        return "negative volume"
    return None
