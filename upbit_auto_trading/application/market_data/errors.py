"""Errors of the market-data use cases."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ApplicationError, NotFoundError


class ImportFileError(ApplicationError):
    """The file cannot be imported as a whole (missing, unreadable, wrong columns, not CSV). Nothing was stored;
    fix the file or choose another format/column mapping."""


class SeriesNotFoundError(NotFoundError):
    """No candles are stored for that market and timeframe; check `data list`."""


class DownloadError(ApplicationError):
    """A download stopped; the candles fetched so far are stored and running it again resumes it."""
