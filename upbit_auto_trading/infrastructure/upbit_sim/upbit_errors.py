"""Upbit's error shape, ``{"error": {"name", "message"}}``, for every error the loopback server answers.

Errors arise at three depths, each answered here in that shape:
- a REST handler's refusal (SimRejection, AuthFailure): ``endpoint`` answers it, with Remaining-Req;
- what aiohttp raises around the handlers (no such path 404, wrong method 405, a body over the limit 413,
  a plain GET on the WebSocket path 400) and any unexpected exception: the middleware below. An unexpected
  exception is a bug of the server: it keeps its stack in the log and is answered 500 ``server_error``;
- a request aiohttp's HTTP parser refuses before any application code runs: ``http_protocol``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.jsonenc import error_body

log = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"
# Upbit documents ``validation_error`` ("잘못된 API 요청입니다.") for a malformed request; the other names are
# the sim's own (Upbit documents none for them) and match what it already sends (``not_found``, ``server_error``).
_NAMES: dict[int, tuple[str, str]] = {
    400: ("validation_error", "잘못된 API 요청입니다."),
    404: ("not_found", "요청한 API를 찾을 수 없습니다."),
    405: ("method_not_allowed", "허용되지 않은 HTTP 메서드입니다."),
    413: ("payload_too_large", "요청 본문이 너무 큽니다."),
    500: ("server_error", "서버 내부 오류입니다."),
}
# Headers of an aiohttp HTTPException worth keeping (405 names the allowed methods).
_KEPT_HEADERS = ("Allow",)


def error_response(
    status: int, message: str | None = None, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A reply in Upbit's error shape; the name and the default message follow from the status."""
    name, default = _NAMES.get(status) or _named_after(status)
    return web.Response(
        status=status,
        text=error_body(name, message or default),
        headers={**(headers or {}), "Content-Type": JSON_TYPE},
    )


def _named_after(status: int) -> tuple[str, str]:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return phrase.lower().replace(" ", "_").replace("-", "_"), phrase


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def upbit_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # a redirect or a success raised as an exception is no error
        kept = {k: exc.headers[k] for k in _KEPT_HEADERS if k in exc.headers}
        return error_response(exc.status, headers=kept)
    except Exception:
        log.exception("loopback Upbit server: unexpected error on %s %s", request.method, request.path)
        return error_response(500)
