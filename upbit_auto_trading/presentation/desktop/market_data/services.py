"""What the market-data screen works with: its use cases (made fresh for each task), the candle fetcher of a
download, the stored candles the chart reads and the screen's worker thread. Filled in by
``container/screens.py``; presenter tests pass any object with the ``MarketDataUseCases`` methods."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.market_data.delete_series import DeleteSeries
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.market_data.resample_series import ResampleSeries
from upbit_auto_trading.application.ports.candle_page_fetcher import CandlePageFetcher
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


class CandleFetcherFactory(Protocol):
    def __call__(self, api_url: str | None = None) -> AbstractContextManager[CandlePageFetcher]:
        """A fetcher for ``api_url`` (None: the configured Upbit URL), closed when the ``with`` ends."""
        ...


class DownloadFactory(Protocol):
    def __call__(self, fetcher: CandlePageFetcher) -> DownloadCandles: ...


class MarketDataUseCases(Protocol):
    """What the presenter calls: each returns a new use case for one task."""

    def list_series(self) -> ListSeries: ...
    def import_candles(self) -> ImportCandles: ...
    def resample_series(self) -> ResampleSeries: ...
    def delete_series(self) -> DeleteSeries: ...
    def candle_fetcher(self, api_url: str | None = None) -> AbstractContextManager[CandlePageFetcher]: ...
    def download_candles(self, fetcher: CandlePageFetcher) -> DownloadCandles: ...


@dataclass(frozen=True)
class MarketDataServices:
    """The use-case factories (``MarketDataUseCases``), ``candle_reader`` for the chart and ``work``."""

    list_series: Callable[[], ListSeries]
    import_candles: Callable[[], ImportCandles]
    resample_series: Callable[[], ResampleSeries]
    delete_series: Callable[[], DeleteSeries]
    candle_fetcher: CandleFetcherFactory
    download_candles: DownloadFactory
    candle_reader: CandleReader
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork  # one worker thread per screen, owned by it
