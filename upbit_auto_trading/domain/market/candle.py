"""A single OHLCV candle with exact decimal prices and volumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from upbit_auto_trading.domain.market.errors import InvalidCandleError
from upbit_auto_trading.domain.market.timeframe import Timeframe

_ZERO = Decimal(0)
_CODES = frozenset(Timeframe.codes())
_NO_OFFSET = timedelta(0)


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
    _epoch: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        if not self.market:
            raise InvalidCandleError("candle market is empty", "empty market")
        if self.timeframe not in _CODES:
            object.__setattr__(self, "timeframe", Timeframe.from_code(self.timeframe).code)
        start = self.start
        if not isinstance(start, datetime) or start.tzinfo is None:
            raise InvalidCandleError("candle start must be a timezone-aware datetime", "naive start time")
        if start.tzinfo is not UTC and start.utcoffset() != _NO_OFFSET:
            start = start.astimezone(UTC)
            object.__setattr__(self, "start", start)
        object.__setattr__(self, "_epoch", int(start.timestamp()))
        values = (self.open, self.high, self.low, self.close, self.volume, self.quote_volume)
        for value in values:
            if type(value) is not Decimal or not value.is_finite():
                raise InvalidCandleError(
                    f"{self.market} {self.timeframe} {start.isoformat()}: every price and volume must be a "
                    f"finite Decimal, got {value!r}",
                    "not a finite number",
                )
        problem = ohlcv_problem(*values)
        if problem is not None:
            raise InvalidCandleError(
                f"{self.market} {self.timeframe} {start.isoformat()}: {problem}", problem
            )

    @property
    def start_epoch(self) -> int:
        """Start as integer epoch seconds (UTC)."""
        return self._epoch

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
