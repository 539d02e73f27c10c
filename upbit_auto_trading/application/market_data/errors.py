"""Errors of the market-data use cases."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ApplicationError, NotFoundError


class ImportFileError(ApplicationError):
    """The file cannot be imported as a whole (missing, unreadable, wrong columns, not CSV). Nothing was stored;
    fix the file or choose another format/column mapping."""


class AmbiguousNumbersError(ImportFileError):
    """A number in the file reads two ways (``1,5``: a decimal comma or a thousands separator?). Nothing was
    stored; name the decimal and thousands separators. ``decimal`` and ``thousands`` are the file's most likely
    reading ('' for no thousands separator), offered to the user as the default answer."""

    def __init__(self, message: str, *, line: int, sample: str, decimal: str, thousands: str) -> None:
        super().__init__(message)
        self.line = line
        self.sample = sample
        self.decimal = decimal
        self.thousands = thousands


class MarketMismatchError(ImportFileError):
    """The file's symbol column names another market than the one asked for. Nothing was stored.
    ``file_market`` is that market in QUOTE-BASE form, or None if the symbol is not one we can read."""

    def __init__(self, message: str, *, market: str, file_symbol: str, file_market: str | None) -> None:
        super().__init__(message)
        self.market = market
        self.file_symbol = file_symbol
        self.file_market = file_market


class SeriesNotFoundError(NotFoundError):
    """No candles are stored for that market and timeframe; check `data list`."""


class StartDateNeededError(ApplicationError):
    """A first download of a series needs a start date (nothing stored to continue from). Worded without
    a front end's names: the CLI adds its ``--from``, the download dialog has a start field."""


class DownloadError(ApplicationError):
    """A download stopped; the candles fetched so far are stored and running it again resumes it."""
