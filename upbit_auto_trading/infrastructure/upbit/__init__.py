"""Typed Upbit client: REST (async and blocking), WebSocket, JWT auth, rate limiting, typed errors.

Replaces pyupbit (see docs/decisions/0002-upbit-client-replaces-pyupbit.md). The base URL is always
injected, so the same code talks to api.upbit.com or to the loopback server in ``upbit_sim``.
"""

import importlib
from typing import Any

# Names resolve on first use (PEP 562): importing the package must stay cheap, because the container
# imports it at every start while most runs never open a socket.
_EXPORTS = {
    "AsyncUpbitCandleFetcher": "candle_fetcher",
    "RateLimiter": "rate_limiter",
    "Subscription": "websocket_client",
    "UpbitCandleFetcher": "candle_fetcher",
    "UpbitCredentials": "auth",
    "UpbitRestClient": "rest_client",
    "UpbitSyncClient": "sync_client",
    "UpbitWebSocketClient": "websocket_client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
