"""What the sync and async REST clients share: the call description, request building, reply decoding."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials, authorization_header, encode_query
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitAuthError,
    UpbitError,
    UpbitProtocolError,
    error_for,
)
from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = "upbit-auto-trading"


@dataclass(frozen=True)
class Call(Generic[T]):
    """One Upbit endpoint call. ``retry_safe`` is False for anything that could duplicate an order."""

    method: str
    path: str
    parse: Callable[[Any], T]
    params: tuple[tuple[str, object], ...] = ()
    group: str = "default"
    private: bool = False
    json_body: bool = False
    retry_safe: bool = True


@dataclass(frozen=True)
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None


class RestCore:
    """Builds requests (a fresh token each attempt) and turns replies into values or typed errors."""

    def __init__(
        self,
        base_url: str,
        credentials: UpbitCredentials | None = None,
        *,
        timeout: float = 10.0,
        limiter: RateLimiter | None = None,
        max_read_retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.limiter = limiter or RateLimiter()
        self.max_read_retries = max_read_retries
        self.retries = 0  # how many times a call was re-sent (429, timeouts, 5xx): for tests and benchmarks

    def prepare(self, call: Call[Any]) -> PreparedRequest:
        query = encode_query(call.params) if call.params else ""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        content: bytes | None = None
        url = self.base_url + call.path
        if call.json_body:
            body = {k: v for k, v in call.params}
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        elif query:
            url = f"{url}?{query}"
        if call.private:
            if self.credentials is None:
                raise UpbitAuthError(
                    "This Upbit request needs API keys; save an access key and secret key in settings first.",
                    name="no_credentials",
                )
            headers.update(authorization_header(self.credentials, query or None))
        return PreparedRequest(call.method, url, headers, content)

    def interpret(self, call: Call[T], status: int, remaining_req: str | None, text: str) -> T:
        """The parsed value of a 2xx reply, or raise the typed error for the reply."""
        self.limiter.observe(remaining_req)
        if 200 <= status < 300:
            try:
                data = json.loads(text, parse_float=Decimal) if text else None
            except ValueError as exc:
                raise UpbitProtocolError(
                    f"Upbit {call.path} replied with non-JSON text", status=status
                ) from exc
            try:
                return call.parse(data)
            except UpbitError:
                raise
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                raise UpbitProtocolError(
                    f"unexpected Upbit {call.path} reply: {exc!r}", status=status
                ) from exc
        raise self.error_from_reply(status, text)

    @staticmethod
    def error_from_reply(status: int, text: str) -> UpbitError:
        name, message = "", text.strip()[:200]
        try:
            data = json.loads(text)
            err = data.get("error", {}) if isinstance(data, dict) else {}
            name = str(err.get("name", "")) if isinstance(err, dict) else ""
            message = str(err.get("message", message)) if isinstance(err, dict) else message
        except ValueError:
            pass
        return error_for(status, name, message)
