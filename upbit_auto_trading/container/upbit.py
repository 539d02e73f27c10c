"""Upbit providers: REST clients (base URL from ``config.upbit.api_url``), the candle fetcher for
downloads, and the loopback server factory. One RateLimiter is shared by every client of the app."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter

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


def _sim_server_factory(**kwargs: object) -> object:
    # imported on demand: the loopback server pulls in aiohttp, which no ordinary start needs
    from upbit_auto_trading.infrastructure.upbit_sim.factory import SimServerFactory

    return SimServerFactory(**kwargs)


class UpbitContainer(containers.DeclarativeContainer):
    """``candle_fetcher(api_url=None)`` -> a blocking ``CandlePageFetcher`` (close it, or use ``with``).
    ``rest_client()`` / ``sync_client()`` need ``credentials`` overridden for private calls."""

    core = providers.DependenciesContainer()
    config = providers.Configuration()

    credentials = providers.Object(None)  # overridden with UpbitCredentials once keys are stored
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
