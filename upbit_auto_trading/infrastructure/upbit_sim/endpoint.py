"""The wrapper of every REST handler: rate limit, authentication, Upbit's error shapes, Remaining-Req."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.auth import AuthFailure, body_hash_source, query_hash_source
from upbit_auto_trading.infrastructure.upbit_sim.jsonenc import dumps, error_body
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.request_input import check_query, read_json_body
from upbit_auto_trading.infrastructure.upbit_sim.state import STATE_KEY, SimState

Handler = Callable[[web.Request, SimState, str | None, dict[str, Any]], Awaitable[Any]]


class DropReply(Exception):
    """Raised by a handler whose work is done but whose reply must be lost: the connection is cut."""


def _reply(status: int, body: str, group: str, remaining: int | None) -> web.Response:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if remaining is not None:
        headers["Remaining-Req"] = f"group={group}; min=1800; sec={remaining}"
    return web.Response(status=status, text=body, headers=headers)


def endpoint(group: str, private: bool = False):
    """Wrap a handler: rate limit, authentication, Upbit error shapes, Remaining-Req on every reply."""

    def wrap(handler: Handler):
        async def run(request: web.Request) -> web.Response:
            state = request.app[STATE_KEY]
            with state.lock:
                state.requests += 1
                verdict = state.limiter.check(group)
            # The limiter answers first: a request it refuses is counted but never read or parsed.
            if verdict.status == 418:
                message = f"요청 수 제한 초과로 {int(verdict.block_left) + 1}초 동안 요청이 차단되었습니다."
                return _reply(418, error_body("too_many_requests", message), group, None)
            if verdict.status == 429:
                return _reply(429, error_body("too_many_requests", "Too many API requests."), group, 0)
            try:
                check_query(request.rel_url.raw_query_string)
                body = await read_json_body(request)
                access_key = None
                if private:
                    source = (
                        body_hash_source(body)
                        if body
                        else query_hash_source(request.rel_url.raw_query_string)
                    )
                    with state.lock:
                        access_key = state.verifier.verify(request.headers.get("Authorization"), source)
                data = await handler(request, state, access_key, body)
            except AuthFailure as exc:
                return _reply(exc.status, error_body(exc.name, exc.message), group, verdict.remaining)
            except SimRejection as exc:
                return _reply(exc.status, error_body(exc.name, exc.message), group, verdict.remaining)
            except DropReply:
                # Cut the connection without a byte of reply (the client sees a reset); aiohttp drops the
                # response returned below quietly because its transport is gone.
                if request.transport is not None:
                    request.transport.abort()
                return _reply(500, "", group, None)
            except ValueError:  # a parameter a handler could not convert (count=abc, a bad date)
                return _reply(
                    400, error_body("validation_error", "잘못된 API 요청입니다."), group, verdict.remaining
                )
            return _reply(201 if request.method == "POST" else 200, dumps(data), group, verdict.remaining)

        return run

    return wrap
