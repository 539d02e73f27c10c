"""Market-data providers: the candle store (also the CandleReader), importers, use cases, downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.application.market_data.delete_series import DeleteSeries
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.market_data.find_gaps import FindGaps
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.market_data.resample_series import ResampleSeries
from upbit_auto_trading.application.market_data.seed_bundled_candles import SeedBundledCandles
from upbit_auto_trading.infrastructure.market_data.bundled import PackagedCandleCatalog
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.market_data.fetcher import TranslatingCandleFetcher
from upbit_auto_trading.infrastructure.market_data.importers.reader import CsvCandleFileReader
from upbit_auto_trading.infrastructure.market_data.state_store import (
    SqliteDownloadStateStore,
    SqliteSeedLedger,
)


def _candle_fetcher(
    upbit_fetcher: Callable[..., Any], default_url: str | None, api_url: str | None = None
) -> TranslatingCandleFetcher:
    """A blocking CandlePageFetcher for ``api_url`` (default: config upbit.api_url). Close it (or ``with``)."""
    return TranslatingCandleFetcher(upbit_fetcher(api_url=api_url), api_url or default_url or "")


class MarketDataContainer(containers.DeclarativeContainer):
    """``download_candles(fetcher=candle_fetcher(api_url=...))``: the fetcher is passed per download."""

    core = providers.DependenciesContainer()
    upbit = providers.DependenciesContainer()
    event_bus = providers.DependenciesContainer()  # publisher(): imports, resamples and deletes are announced
    config = providers.Configuration()

    publisher = event_bus.publisher

    candle_store = providers.Singleton(SqliteCandleStore, session=core.database_session)
    candle_reader = candle_store
    file_reader = providers.Singleton(CsvCandleFileReader)
    download_state = providers.Singleton(SqliteDownloadStateStore, session=core.database_session)
    seed_ledger = providers.Singleton(SqliteSeedLedger, session=core.database_session)
    bundled_catalog = providers.Singleton(PackagedCandleCatalog)

    import_candles = providers.Factory(
        ImportCandles, reader=file_reader, store=candle_store, publisher=publisher
    )
    list_series = providers.Factory(ListSeries, store=candle_store)
    find_gaps = providers.Factory(FindGaps, store=candle_store)
    resample_series = providers.Factory(ResampleSeries, store=candle_store, publisher=publisher)
    delete_series = providers.Factory(DeleteSeries, store=candle_store, publisher=publisher)
    seed_bundled_candles = providers.Factory(
        SeedBundledCandles,
        catalog=bundled_catalog,
        store=candle_store,
        importer=import_candles,
        ledger=seed_ledger,
    )
    candle_fetcher = providers.Factory(
        _candle_fetcher, upbit_fetcher=upbit.candle_fetcher.provider, default_url=config.upbit.api_url
    )
    download_candles = providers.Factory(DownloadCandles, store=candle_store, state=download_state)
