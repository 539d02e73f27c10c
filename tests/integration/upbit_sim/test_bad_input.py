"""Bad input gets Upbit's error shape (``{"error": {"name", "message"}}``) with Upbit's status, never a bare
500, a plain-text reply or a stack logged at ERROR. Requests are written byte for byte on a socket: an HTTP
client would re-encode or refuse most of them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from upbit_auto_trading.infrastructure.upbit.auth import authorization_header
from upbit_auto_trading.infrastructure.upbit_sim import UpbitSimServer

from .conftest import CREDS, Raw, make_server

ORDER = b'{"market":"KRW-BTC","side":"bid","ord_type":"price","price":"10000"}'


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def sim() -> Iterator[UpbitSimServer]:
    server = make_server(candles=50, visible=20)

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("a bug in a handler")

    server.app.router.add_get("/boom", boom)  # a handler that fails as a bug would
    with server:
        for group in ("default", "order", "order-test", "candle", "ticker", "orderbook", "market"):
            server.set_rate_limit(group, 10_000)  # many requests in a row: no 429 in the way
        yield server


def request(method: str, target: bytes, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def post(body: bytes, content_type: str | None = "application/json; charset=utf-8") -> bytes:
    headers = authorization_header(CREDS)  # the body is refused before the token is checked
    if content_type is not None:
        headers["Content-Type"] = content_type
    return request("POST", b"/v1/orders", headers, body)


async def send(sim: UpbitSimServer, data: bytes) -> Reply:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    try:
        writer.write(data)  # not drained: a large body goes out while the reply is read
        raw = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return Reply(int(status_line.split()[1]), headers, body)


def upbit_error(reply: Reply) -> dict[str, Any]:
    assert reply.headers["content-type"] == "application/json; charset=utf-8", reply
    doc = json.loads(reply.body)
    assert list(doc) == ["error"] and sorted(doc["error"]) == ["message", "name"], doc
    assert doc["error"]["name"] and doc["error"]["message"]
    return doc["error"]


def no_stack_at_error(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not loud, [r.getMessage() for r in loud]


BAD_REQUESTS = {
    # bodies
    "nested 100,000 deep": (post(b"[" * 100_000 + b"]" * 100_000), 400, "validation_error"),
    "nested under the parser's limit": (post(b'{"market":' + b"[" * 200 + b"]" * 200 + b"}"), 400, "validation_error"),
    "not UTF-8": (post(b'{"market":"KRW-\xff\xfe","side":"bid"}'), 400, "validation_error"),
    "unknown charset": (post(ORDER, "application/json; charset=no-such-charset"), 400, "validation_error"),
    "charset that is no text encoding": (post(ORDER, "application/json; charset=base64"), 400, "validation_error"),
    "5 MB": (post(b'{"identifier":"' + b"x" * 5_000_000 + b'"}'), 413, "payload_too_large"),
    "a list": (post(b"[1, 2]"), 400, "validation_error"),
    "a scalar": (post(b"42"), 400, "validation_error"),
    "NaN": (post(b'{"market":"KRW-BTC","identifier":NaN}'), 400, "validation_error"),
    "unknown Content-Type": (post(ORDER, "text/x-unknown"), 400, "validation_error"),
    "no Content-Type": (post(ORDER, None), 400, "validation_error"),
    "a form": (post(b"market=KRW-BTC&side=bid", "application/x-www-form-urlencoded"), 400, "validation_error"),
    # query strings
    "invalid escape": (request("GET", b"/v1/ticker?markets=%zz"), 400, "validation_error"),
    "truncated escape": (request("GET", b"/v1/ticker?markets=KRW-BTC%"), 400, "validation_error"),
    "escaped bytes not UTF-8": (request("GET", b"/v1/ticker?markets=%ff%fe"), 400, "validation_error"),
    "raw bytes not UTF-8": (request("GET", b"/v1/ticker?markets=KRW-\xff"), 400, "validation_error"),
    "raw UTF-8 bytes": (request("GET", "/v1/ticker?markets=KRW-비트".encode()), 400, "validation_error"),
    "repeated parameter": (
        request("GET", b"/v1/candles/minutes/60?market=KRW-BTC&market=KRW-ETH"),
        400,
        "validation_error",
    ),
    "time past year 9999": (
        request("GET", b"/v1/candles/minutes/60?market=KRW-BTC&to=9999-12-31T23:59:59-09:00"),
        400,
        "validation_error",
    ),
    # around the handlers
    "unknown path": (request("GET", b"/v1/no-such-api"), 404, "not_found"),
    "wrong method": (request("PUT", b"/v1/orders"), 405, "method_not_allowed"),
    "GET on the WebSocket path": (request("GET", b"/websocket/v1"), 400, "validation_error"),
    "a handler's bug": (request("GET", b"/boom"), 500, "server_error"),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
async def test_bad_input_gets_upbits_error_shape(sim, caplog, name):
    data, status, error_name = BAD_REQUESTS[name]
    caplog.set_level(logging.INFO)
    reply = await send(sim, data)
    assert reply.status == status, reply
    assert upbit_error(reply)["name"] == error_name
    if status < 500:
        no_stack_at_error(caplog)


async def test_a_bug_keeps_its_stack_in_the_log(sim, caplog):
    caplog.set_level(logging.INFO)
    await send(sim, request("GET", b"/boom"))
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_wrong_method_names_the_allowed_ones(sim):
    reply = await send(sim, request("PUT", b"/v1/orders"))
    assert reply.headers["allow"] == "POST"


async def test_closed_orders_outside_the_calendar(sim, caplog):
    caplog.set_level(logging.INFO)
    async with Raw(sim.base_url) as raw:
        for name, value in (("start_time", "99999999999999999999999"), ("end_time", "0001-01-02T00:00:00Z")):
            reply = await raw.get("/v1/orders/closed", [(name, value)])
            assert reply.status_code == 400, reply.text
            assert reply.json()["error"]["name"] == "validation_error"
    no_stack_at_error(caplog)


async def test_correct_requests_are_answered_as_before(sim):
    async with Raw(sim.base_url) as raw:
        placed = await raw.post("/v1/orders", json.loads(ORDER))
        assert placed.status_code == 201 and placed.json()["market"] == "KRW-BTC"
        listed = await raw.get("/v1/orders/closed", [("states[]", "done"), ("states[]", "cancel")])
        assert listed.status_code == 200 and [o["uuid"] for o in listed.json()] == [placed.json()["uuid"]]
        assert (await raw.public("/v1/ticker", [("markets", "KRW-BTC")])).status_code == 200


BAD_WS_MESSAGES = {
    "binary frame not UTF-8": b"\xff\xfe[]",
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "nested under the parser's limit": '[{"ticket":"t"},{"type":"ticker","codes":' + "[" * 200 + "]" * 200 + "}]",
    "codes not a list": '[{"ticket":"t"},{"type":"ticker","codes":5}]',
}


@pytest.mark.parametrize("name", list(BAD_WS_MESSAGES))
async def test_bad_websocket_request_gets_an_error_message_and_the_connection_stays(sim, caplog, name):
    caplog.set_level(logging.INFO)
    message = BAD_WS_MESSAGES[name]
    async with aiohttp.ClientSession() as session, session.ws_connect(sim.ws_url) as ws:
        if isinstance(message, bytes):
            await ws.send_bytes(message)
        else:
            await ws.send_str(message)
        error = json.loads(await asyncio.wait_for(ws.receive_bytes(), 5))["error"]
        assert error["name"] == "WRONG_FORMAT" and error["message"]
        await ws.send_str("PING")
        assert json.loads((await asyncio.wait_for(ws.receive(), 5)).data) == {"status": "UP"}
    no_stack_at_error(caplog)
