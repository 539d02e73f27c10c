"""What a REST request brings (its query string and JSON body), checked before any handler reads it.

Anything malformed is refused with 400 ``validation_error`` (Upbit's documented name for a bad request) and a
message saying what is wrong; a body over the size limit with 413. Never an exception that would reach aiohttp
as a bare 500: the engine's tests count on the exchange answering bad input in its own error shape.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, NoReturn
from urllib.parse import unquote_plus

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.orders import SimRejection

# Upbit's bodies are flat (scalars, a list of scalars); anything much deeper is garbage, and refusing it
# early keeps str()/repr() of the values (the query hash, the order fields) far from Python's recursion limit.
MAX_BODY_DEPTH = 8
MAX_BODY_BYTES = 1024**2  # the server's client_max_size (aiohttp's default): Upbit's bodies are a few hundred bytes
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _refuse(message: str, status: int = 400, name: str = "validation_error") -> NoReturn:
    raise SimRejection(status, name, message)


def check_query(raw_query: str) -> None:
    """Refuse a query string Upbit could not read: a broken ``%`` escape, bytes that are not UTF-8 once
    unescaped, a parameter given twice (only array parameters, ``name[]``, repeat)."""
    if _BAD_ESCAPE.search(raw_query):
        _refuse("쿼리 문자열의 퍼센트 인코딩이 올바르지 않습니다.")
    names: list[str] = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        try:
            names.append(unquote_plus(name, errors="strict"))
            unquote_plus(value, errors="strict")
        except UnicodeDecodeError:
            _refuse("쿼리 문자열은 UTF-8 이어야 합니다.")
    repeated = sorted(n for n, count in Counter(names).items() if count > 1 and not n.endswith("[]"))
    if repeated:
        _refuse(f"중복된 파라미터입니다: {', '.join(repeated)}")


async def read_json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object ({} without a body), or SimRejection."""
    if not request.can_read_body:
        return {}
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        # aiohttp stops reading at the app's client_max_size (1 MiB) and would answer in plain text.
        _refuse(
            f"요청 본문이 너무 큽니다. (최대 {MAX_BODY_BYTES} bytes)",
            413,
            "payload_too_large",
        )
    if not raw:
        return {}
    if request.content_type != "application/json":  # aiohttp reads a missing header as octet-stream
        _refuse("Content-Type은 application/json 이어야 합니다.")
    charset = request.charset or "utf-8"
    try:
        text = raw.decode(charset)
    except LookupError:  # unknown, or not a text encoding (base64, rot13)
        _refuse(f"지원하지 않는 charset 입니다: {charset}")
    except UnicodeDecodeError:
        _refuse(f"요청 본문이 {charset} 텍스트가 아닙니다.")
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        _refuse("요청 본문의 JSON 중첩이 너무 깊습니다.")
    except ValueError:
        _refuse("요청 본문이 올바른 JSON이 아닙니다.")
    if not isinstance(body, dict):
        _refuse("요청 본문은 JSON 객체여야 합니다.")
    if deeper_than(body, MAX_BODY_DEPTH):
        _refuse("요청 본문의 JSON 중첩이 너무 깊습니다.")
    return body


def _no_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON (Python accepts them by default; Upbit's parser does not).
    raise ValueError(f"not JSON: {name}")


def deeper_than(value: Any, limit: int) -> bool:
    """Whether JSON ``value`` nests more than ``limit`` levels of objects and arrays."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:  # iterative: the point is to never recurse on untrusted depth
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
