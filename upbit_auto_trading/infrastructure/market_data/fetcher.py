"""Wraps the Upbit candle fetcher so its transport errors reach the use case as application errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from upbit_auto_trading.application.ports.candle_page_fetcher import CandleFetchError, NetworkUnavailableError
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.upbit.errors import UpbitError, UpbitNetworkError


class TranslatingCandleFetcher:
    """A CandlePageFetcher: ``UpbitNetworkError`` -> NetworkUnavailableError, other ``UpbitError`` ->
    CandleFetchError. Closes the wrapped fetcher on ``close()`` / leaving a ``with`` block."""

    def __init__(self, inner: Any, base_url: str = "") -> None:
        self._inner = inner
        self._base_url = base_url

    def fetch_candles(
        self, market: str, timeframe_code: str, to: datetime | None, count: int = 200
    ) -> list[Candle]:
        where = f" at {self._base_url}" if self._base_url else ""
        try:
            return self._inner.fetch_candles(market, timeframe_code, to, count)
        except UpbitNetworkError as exc:
            raise NetworkUnavailableError(f"no connection to the Upbit API{where}: {exc}") from exc
        except UpbitError as exc:
            raise CandleFetchError(f"the Upbit API{where} refused the request: {exc}") from exc
        except OSError as exc:
            raise NetworkUnavailableError(f"no connection to the Upbit API{where}: {exc}") from exc

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> TranslatingCandleFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
