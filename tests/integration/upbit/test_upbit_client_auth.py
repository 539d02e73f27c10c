"""The client against the loopback server over real HTTP: authentication as Upbit checks it."""

from __future__ import annotations

import httpx
import pytest

from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials, encode_query, make_token
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitAuthError,
    UpbitInvalidQueryPayloadError,
    UpbitJwtVerificationError,
    UpbitNonceUsedError,
)
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.transport import RestCore

from .conftest import ACCESS, CREDS, SECRET


async def test_signed_requests_are_accepted(sim):
    async with UpbitRestClient(sim.base_url, CREDS) as client:
        accounts = await client.accounts()
        chance = await client.order_chance("KRW-BTC")  # has a query: hash checked
    assert [(a.currency, str(a.balance)) for a in accounts] == [("KRW", "1000000")]
    assert chance.market == "KRW-BTC" and str(chance.bid_fee) == "0.0005"


def _error(resp: httpx.Response):
    return RestCore.error_from_reply(resp.status_code, resp.text)


def test_tampered_query_hash_is_rejected(sim):
    signed_for = encode_query({"market": "KRW-ETH"})
    token = make_token(CREDS, signed_for)
    resp = httpx.get(
        f"{sim.base_url}/v1/orders/chance?market=KRW-BTC", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 401
    assert isinstance(_error(resp), UpbitInvalidQueryPayloadError)


def test_tampered_json_body_is_rejected(sim):
    body = {"market": "KRW-BTC", "side": "bid", "price": "10000", "ord_type": "price", "identifier": "x-1"}
    token = make_token(CREDS, encode_query(body))
    tampered = dict(body, price="900000")
    resp = httpx.post(
        f"{sim.base_url}/v1/orders", json=tampered, headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 401 and isinstance(_error(resp), UpbitInvalidQueryPayloadError)
    assert sim.stats.orders_placed == 0


def test_reused_nonce_is_rejected(sim):
    token = make_token(CREDS)
    first = httpx.get(f"{sim.base_url}/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    again = httpx.get(f"{sim.base_url}/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    assert first.status_code == 200
    assert again.status_code == 401 and isinstance(_error(again), UpbitNonceUsedError)


async def test_wrong_secret_and_missing_keys_give_typed_auth_errors(sim):
    async with UpbitRestClient(sim.base_url, UpbitCredentials(ACCESS, SECRET + "x")) as client:
        with pytest.raises(UpbitJwtVerificationError):
            await client.accounts()
    async with UpbitRestClient(sim.base_url) as client:
        with pytest.raises(UpbitAuthError, match="API keys"):
            await client.accounts()


def test_error_reply_has_upbit_shape_and_remaining_req(sim):
    resp = httpx.get(f"{sim.base_url}/v1/accounts")
    assert resp.status_code == 401
    assert set(resp.json()["error"]) == {"name", "message"}
    assert resp.headers["Remaining-Req"].startswith("group=default; min=")
