"""Before a live start from the desktop: the stored keys must pass a connection test (Upbit answers a private
call with them), so a typo in a key is found before the confirmation, not at the first order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trading.ports import ExchangeBalance, ExchangeError


class AccountProbe(Protocol):
    async def __call__(self, api_url: str = "") -> Mapping[str, ExchangeBalance]:
        """The account's balances read with the stored keys from the exchange at ``api_url`` ("" = the
        configured one); raises ApplicationError when there are no keys, ExchangeError when it fails."""
        ...


@dataclass(frozen=True)
class LiveConnection:
    api_url: str
    krw: Decimal  # the KRW available on the account
    currencies: int  # balances the account holds


class LiveConnectionRefused(ApplicationError):
    """The stored keys did not pass the connection test; the message says why."""


class CheckLiveConnection:
    def __init__(self, probe: AccountProbe) -> None:
        self._probe = probe

    async def execute(self, api_url: str = "") -> LiveConnection:
        try:
            balances = await self._probe(api_url)
        except ExchangeError as exc:
            raise LiveConnectionRefused(
                f"The stored API keys did not pass the connection test: {exc}"
            ) from exc
        krw = balances.get("KRW")
        return LiveConnection(api_url, krw.balance if krw is not None else Decimal(0), len(balances))
