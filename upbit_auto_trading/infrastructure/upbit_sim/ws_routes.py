"""The WebSocket half of the loopback server: Upbit's request format, snapshots and realtime pushes.

A request is a JSON array: ``[{"ticket": "..."}, {"type": "ticker", "codes": ["KRW-BTC"]}, {"format": "DEFAULT"}]``.
A new request on a connection replaces its subscriptions. Data go out as binary frames (as Upbit does);
``PING`` is answered with ``{"status":"UP"}``. ``/websocket/v1/private`` needs a Bearer token
(no query hash) and serves ``myOrder`` and ``myAsset``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from upbit_auto_trading.infrastructure.upbit_sim.auth import AuthFailure
from upbit_auto_trading.infrastructure.upbit_sim.jsonenc import dumps, error_body
from upbit_auto_trading.infrastructure.upbit_sim.messages import (
    WS_CANDLE_TYPES,
    orderbook_json,
    ticker_json,
    ws_candle,
)
from upbit_auto_trading.infrastructure.upbit_sim.request_input import MAX_BODY_DEPTH, deeper_than
from upbit_auto_trading.infrastructure.upbit_sim.state import STATE_KEY, SimState

log = logging.getLogger(__name__)

PUBLIC_TYPES = {"ticker", "trade", "orderbook", *WS_CANDLE_TYPES.values()}
PRIVATE_TYPES = {"myOrder", "myAsset"}


@dataclass(eq=False)
class WsClient:
    ws: web.WebSocketResponse
    access_key: str | None
    transport: Any = None
    subs: dict[str, set[str]] = field(default_factory=dict)

    def wants(self, type_: str, code: str | None) -> bool:
        codes = self.subs.get(type_)
        if codes is None:
            return False
        return not codes or code is None or code in codes


class WsHub:
    def __init__(self) -> None:
        self.clients: set[WsClient] = set()
        self.connections = 0  # accepted since start (tests count reconnects)

    async def send(self, client: WsClient, doc: dict[str, Any]) -> None:
        if client.ws.closed:
            return
        try:
            await client.ws.send_bytes(dumps(doc).encode("utf-8"))
        except (ConnectionError, RuntimeError):
            pass

    async def publish(
        self, type_: str, code: str | None, doc: dict[str, Any], access_key: str | None = None
    ) -> None:
        for client in list(self.clients):
            if access_key is not None and client.access_key != access_key:
                continue
            if client.wants(type_, code):
                await self.send(client, doc)

    async def drop_all(self) -> None:
        """Cut every connection abruptly (no close handshake), like a network failure."""
        for client in list(self.clients):
            if client.transport is not None:
                client.transport.abort()
            self.clients.discard(client)


HUB_KEY: web.AppKey[WsHub] = web.AppKey("upbit_sim_hub", WsHub)


async def websocket(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    hub = request.app[HUB_KEY]
    private = request.path.rstrip("/").endswith("/private")
    if state.faults.refuse_websockets:
        return web.Response(
            status=503,
            text=error_body("server_unavailable", "점검 중입니다."),
            content_type="application/json",
        )
    access_key = None
    if private:
        try:
            with state.lock:
                access_key = state.verifier.verify(request.headers.get("Authorization"), "")
        except AuthFailure as exc:
            return web.Response(
                status=exc.status,
                text=error_body("INVALID_AUTH", exc.message),
                content_type="application/json",
            )
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    client = WsClient(ws, access_key, request.transport)
    hub.clients.add(client)
    hub.connections += 1
    try:
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                continue
            try:
                text = msg.data.decode("utf-8") if isinstance(msg.data, bytes) else msg.data
            except UnicodeDecodeError:  # a binary frame is not checked by aiohttp as a text frame is
                await hub.send(client, _wrong_format("요청은 UTF-8 텍스트여야 합니다."))
                continue
            if text.strip().upper() == "PING":
                await ws.send_str('{"status":"UP"}')
                continue
            await _subscribe(state, hub, client, text, private)
    finally:
        hub.clients.discard(client)
    return ws


class _Refused(Exception):
    """A subscription request Upbit answers with an error message (the connection stays open)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.body = body


async def _subscribe(state: SimState, hub: WsHub, client: WsClient, text: str, private: bool) -> None:
    """Replace the client's subscriptions by the request's and send the snapshots it asks for; a request
    that is refused changes nothing."""
    try:
        subs, snapshots = _subscriptions(_request_items(text), private)
    except _Refused as exc:
        await hub.send(client, exc.body)
        return
    client.subs = subs
    for type_, code in snapshots:
        doc = _snapshot(state, type_, code)
        if doc is not None:
            await hub.send(client, doc)


def _request_items(text: str) -> list[dict[str, Any]]:
    """The request's objects (ticket, format, types), checked as Upbit does before the types."""
    try:
        request = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise _Refused(_wrong_format("요청 형식이 올바르지 않습니다.")) from None
    if not isinstance(request, list) or not all(isinstance(x, dict) for x in request):
        raise _Refused(_wrong_format("요청은 JSON 배열이어야 합니다."))
    if deeper_than(request, MAX_BODY_DEPTH):  # str() of the codes below must not recurse without end
        raise _Refused(_wrong_format("요청의 JSON 중첩이 너무 깊습니다."))
    if not any("ticket" in x for x in request):
        raise _Refused({"error": {"name": "NO_TICKET", "message": "ticket 필드가 없습니다."}})
    fmt = next((str(x["format"]) for x in request if "format" in x), "DEFAULT")
    if fmt not in ("DEFAULT", "JSON_LIST"):
        raise _Refused({"error": {"name": "INVALID_PARAM", "message": f"지원하지 않는 format: {fmt}"}})
    return request


def _subscriptions(
    request: list[dict[str, Any]], private: bool
) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """The codes to stream per type, and the (type, code) snapshots to send now."""
    types = [x for x in request if "type" in x]
    if not types:
        raise _Refused({"error": {"name": "NO_TYPE", "message": "type 필드가 없습니다."}})
    allowed = PRIVATE_TYPES if private else PUBLIC_TYPES
    subs: dict[str, set[str]] = {}
    snapshots: list[tuple[str, str]] = []
    for item in types:
        type_ = str(item["type"])
        if type_ not in allowed:
            raise _Refused({"error": {"name": "INVALID_PARAM", "message": f"지원하지 않는 type: {type_}"}})
        raw_codes = item.get("codes", [])
        if not isinstance(raw_codes, list):
            raise _Refused(_wrong_format("codes는 배열이어야 합니다."))
        codes = [str(c).split(".")[0] for c in raw_codes]
        if not codes and type_ not in PRIVATE_TYPES:
            raise _Refused({"error": {"name": "NO_CODES", "message": "codes 필드가 없습니다."}})
        if not item.get("is_only_snapshot"):
            subs[type_] = set(codes)
        if not item.get("is_only_realtime") and type_ not in PRIVATE_TYPES:
            snapshots.extend((type_, code) for code in codes)
    return subs, snapshots


def _wrong_format(message: str) -> dict[str, Any]:
    return {"error": {"name": "WRONG_FORMAT", "message": message}}


def _snapshot(state: SimState, type_: str, code: str) -> dict[str, Any] | None:
    with state.lock:
        if type_ == "ticker":
            doc = ticker_json(state.market, code)
            return (
                None
                if doc is None
                else {"type": "ticker", "code": doc.pop("market"), **doc, "stream_type": "SNAPSHOT"}
            )
        if type_ == "orderbook":
            doc = orderbook_json(state.market, code)
            return (
                None
                if doc is None
                else {"type": "orderbook", "code": doc.pop("market"), **doc, "stream_type": "SNAPSHOT"}
            )
        if type_.startswith("candle."):
            tf = next((k for k, v in WS_CANDLE_TYPES.items() if v == type_), None)
            series = state.market.series(code, tf) if tf else None
            if series is None or series.latest is None:
                return None
            return ws_candle(series.latest, "SNAPSHOT")
    return None


def add_ws_routes(app: web.Application) -> None:
    app[HUB_KEY] = WsHub()
    app.router.add_get("/websocket/v1", websocket)
    app.router.add_get("/websocket/v1/private", websocket)

    async def close_all(app: web.Application) -> None:
        hub = app[HUB_KEY]
        await asyncio.gather(*(c.ws.close() for c in list(hub.clients)), return_exceptions=True)

    app.on_shutdown.append(close_all)
