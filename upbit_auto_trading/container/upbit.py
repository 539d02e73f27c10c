"""Upbit providers: REST clients (base URL from ``config.upbit.api_url``), the candle fetcher for
downloads, and the loopback server factory. One RateLimiter is shared by every client of the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter

if TYPE_CHECKING:  # names for the annotations only: their modules load when first built (see below)
    from upbit_auto_trading.application.ports.candle_reader import CandleReader
    from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
    from upbit_auto_trading.infrastructure.upbit_sim.factory import SimServerFactory

# The clients (httpx, PyJWT) are imported when first built, not at every start: most runs never open a socket.


def _rest_client(**kwargs: Any) -> Any:
    from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

    return UpbitRestClient(**kwargs)


def _sync_client(**kwargs: Any) -> Any:
    from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient

    return UpbitSyncClient(**kwargs)


def _candle_fetcher(default_url: str, timeout: float | None, limiter: RateLimiter, api_url: str | None = None) -> Any:
    from upbit_auto_trading.infrastructure.upbit.candle_fetcher import UpbitCandleFetcher
    from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient

    client = UpbitSyncClient(api_url or default_url, timeout=float(timeout or 10.0), limiter=limiter)
    return UpbitCandleFetcher(client)


def _sim_server_factory(candle_reader: CandleReader | None = None) -> SimServerFactory:
    # imported on demand: the loopback server pulls in aiohttp, which no ordinary start needs
    from upbit_auto_trading.infrastructure.upbit_sim.factory import SimServerFactory

    return SimServerFactory(candle_reader)


class UpbitContainer(containers.DeclarativeContainer):
    """``candle_fetcher(api_url=None)`` -> a blocking ``CandlePageFetcher`` (close it, or use ``with``).
    ``rest_client()`` / ``sync_client()`` need ``credentials`` overridden for private calls."""

    core = providers.DependenciesContainer()
    config = providers.Configuration()

    # overridden with UpbitCredentials once keys are stored
    credentials: providers.Object[UpbitCredentials | None] = providers.Object(None)
    rate_limiter = providers.Singleton(RateLimiter)

    rest_client = providers.Factory(
        _rest_client,
        base_url=config.upbit.api_url,
        credentials=credentials,
        timeout=config.upbit.timeout,
        limiter=rate_limiter,
    )
    sync_client = providers.Factory(
        _sync_client,
        base_url=config.upbit.api_url,
        credentials=credentials,
        timeout=config.upbit.timeout,
        limiter=rate_limiter,
    )
    candle_fetcher = providers.Factory(
        _candle_fetcher, default_url=config.upbit.api_url, timeout=config.upbit.timeout, limiter=rate_limiter
    )
    sim_server_factory = providers.Factory(_sim_server_factory)


__all__ = ["UpbitContainer"]
