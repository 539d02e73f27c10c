"""Errors of the market context."""

from __future__ import annotations

from upbit_auto_trading.domain.errors import DomainError


class MarketDataError(DomainError):
    """Base of market-data rule violations."""


class InvalidCandleError(MarketDataError):
    """A candle breaks an OHLCV rule (high < low, non-positive price, negative volume...); fix or drop the row.

    ``reason`` is the short rule name (``high < low``) used in import reports.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class UnknownTimeframeError(MarketDataError):
    """The timeframe code is not one of 1m 3m 5m 10m 15m 30m 1h 4h 1d 1w 1M."""


class InvalidMarketError(MarketDataError):
    """The market id is not of the form QUOTE-BASE, e.g. KRW-BTC."""


class ResampleError(MarketDataError):
    """Candles cannot be resampled to the requested timeframe (target not coarser, or not a multiple)."""
