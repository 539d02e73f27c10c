"""Typed Upbit client: REST (async and blocking), WebSocket, JWT auth, rate limiting, typed errors.

Replaces pyupbit (see docs/decisions/0002-upbit-client-replaces-pyupbit.md). The base URL is always
injected, so the same code talks to api.upbit.com or to the loopback server in ``upbit_sim``.
"""

from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit.candle_fetcher import AsyncUpbitCandleFetcher, UpbitCandleFetcher
from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient
from upbit_auto_trading.infrastructure.upbit.websocket_client import Subscription, UpbitWebSocketClient

__all__ = [
    "AsyncUpbitCandleFetcher",
    "RateLimiter",
    "Subscription",
    "UpbitCandleFetcher",
    "UpbitCredentials",
    "UpbitRestClient",
    "UpbitSyncClient",
    "UpbitWebSocketClient",
]
