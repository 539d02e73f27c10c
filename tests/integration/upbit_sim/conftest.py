"""The loopback Upbit server as the paper exchange: a server factory and a raw, signed HTTP helper."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials, authorization_header, encode_query
from upbit_auto_trading.infrastructure.upbit_sim import SimAccountSpec, SimConfig, UpbitSimServer
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles

ACCESS = "paper-access-key-0000000000000000000000"
SECRET = "paper-secret-key-0000000000000000000000"
CREDS = UpbitCredentials(ACCESS, SECRET)
MARKET = "KRW-BTC"


def make_server(
    state_file: Path | None = None, candles: int = 300, visible: int | None = 100, krw: str = "1000000"
) -> UpbitSimServer:
    """A fresh replay of the same synthetic candles each time (a restart sees the same market)."""
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, "1h", candles), visible=visible)
    config = SimConfig(
        accounts=[SimAccountSpec(ACCESS, SECRET, {"KRW": Decimal(krw)})], state_file=state_file
    )
    return UpbitSimServer(config, replay)


class Raw:
    """Signed requests with httpx, to see Upbit's replies byte for byte (the client parses them away)."""

    def __init__(self, base_url: str) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=5)

    async def __aenter__(self) -> Raw:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: list[tuple[str, Any]] | None = None) -> httpx.Response:
        query = encode_query(params or [])
        url = f"{path}?{query}" if query else path
        return await self._http.get(url, headers=authorization_header(CREDS, query or None))

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        headers = authorization_header(CREDS, encode_query(body))
        headers["Content-Type"] = "application/json; charset=utf-8"
        return await self._http.post(path, content=json.dumps(body), headers=headers)

    async def delete(self, path: str, params: list[tuple[str, Any]]) -> httpx.Response:
        query = encode_query(params)
        return await self._http.delete(f"{path}?{query}", headers=authorization_header(CREDS, query))

    async def public(self, path: str, params: list[tuple[str, Any]] | None = None) -> httpx.Response:
        query = encode_query(params or [])
        return await self._http.get(f"{path}?{query}" if query else path)


def doc(response: httpx.Response) -> Any:
    """The JSON body with exact numbers."""
    return json.loads(response.text, parse_float=Decimal, parse_int=Decimal)


def limit_bid(price: str, volume: str, identifier: str | None = None) -> dict[str, Any]:
    body = {"market": MARKET, "side": "bid", "ord_type": "limit", "price": price, "volume": volume}
    if identifier:
        body["identifier"] = identifier
    return body


def market_buy(total: str, identifier: str | None = None) -> dict[str, Any]:
    body = {"market": MARKET, "side": "bid", "ord_type": "price", "price": total}
    if identifier:
        body["identifier"] = identifier
    return body
