"""Requests aiohttp's HTTP parser refuses (raw non-ASCII bytes in the request line, a malformed header) are
answered in Upbit's error shape and logged as one line.

aiohttp answers them from ``RequestHandler.handle_error`` before any middleware runs: in plain text, after
logging the parser's exception with its stack at ERROR, as if the server had failed. It has no public hook
for this, so the runner's server makes its connection handlers of a subclass that only overrides
``handle_error`` (same slots, so the class of a handler aiohttp built can be swapped).
"""

from __future__ import annotations

import logging

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.upbit_errors import error_response

log = logging.getLogger(__name__)


class _UpbitRequestHandler(web.RequestHandler):
    __slots__ = ()

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        # aiohttp's parser messages run over several lines (the request line, a caret): keep the first.
        lines = (message or (str(exc) if exc else "")).strip().splitlines()
        detail = lines[0].rstrip(":") if lines else "malformed request"
        if status >= 500:
            log.error("loopback Upbit server: failed to answer %s: %s", request.remote, detail, exc_info=exc)
        else:  # the client's mistake, not ours: one line, no stack
            log.info("loopback Upbit server: refused a malformed request from %s: %s", request.remote, detail)
        if request.writer.output_size > 0:
            # as aiohttp does: part of a reply is out, another cannot follow
            raise ConnectionError("a reply was already being sent; cannot send the error reply")
        text = f"잘못된 HTTP 요청입니다. ({detail})" if status < 500 else None
        response = error_response(status, text)
        response.force_close()
        return response


class _UpbitServer(web.Server):
    def __call__(self) -> web.RequestHandler:
        handler = super().__call__()
        handler.__class__ = _UpbitRequestHandler
        return handler


def answer_parse_errors_in_upbit_shape(runner: web.BaseRunner) -> None:
    """Call after ``runner.setup()`` and before any site starts."""
    server = runner.server
    if server is None:
        raise RuntimeError("set the runner up first")
    server.__class__ = _UpbitServer
