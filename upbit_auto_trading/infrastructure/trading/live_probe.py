"""The connection test of the stored keys: one private call (the account's balances) to Upbit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trading.ports import ExchangeBalance


class UpbitAccountProbe:
    """``await probe(api_url)`` -> balances, with the keys ``credentials()`` gives now (None: no keys)."""

    def __init__(self, *, credentials: Callable[[], Any], api_url: str, timeout: float = 10.0) -> None:
        self._credentials = credentials
        self._api_url = api_url
        self._timeout = timeout

    async def __call__(self, api_url: str = "") -> Mapping[str, ExchangeBalance]:
        from upbit_auto_trading.infrastructure.trading.upbit_exchange import UpbitExchange
        from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

        creds = self._credentials()
        if creds is None:
            raise ApplicationError(
                "Live trading needs stored Upbit API keys: Settings > API keys (or `keys set`)."
            )
        client = UpbitRestClient(api_url or self._api_url, creds, timeout=self._timeout)
        exchange = UpbitExchange(client, None, creds)
        try:
            return await exchange.balances()
        finally:
            await exchange.aclose()
