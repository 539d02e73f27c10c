"""Verify Upbit request tokens exactly as the exchange does: signature, nonce reuse, query hash."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

import jwt


@dataclass
class AuthFailure(Exception):
    status: int
    name: str
    message: str


class TokenVerifier:
    def __init__(
        self, secrets: Mapping[str, str], expired: set[str] | None = None, nonce_memory: int = 100_000
    ):
        self._secrets = dict(secrets)
        self._expired = set(expired or ())
        self._nonces: set[tuple[str, str]] = set()
        self._order: deque[tuple[str, str]] = deque()
        self._memory = nonce_memory

    def add_key(self, access_key: str, secret_key: str) -> None:
        self._secrets[access_key] = secret_key

    def verify(self, authorization: str | None, hash_source: str) -> str:
        """Return the access key of a valid request, or raise AuthFailure with Upbit's error name.

        ``hash_source`` is the un-percent-encoded query string (GET/DELETE) or the ``k=v&...`` text of a
        JSON body, empty when the request has no parameters.
        """
        if not authorization or not authorization.startswith("Bearer "):
            raise AuthFailure(401, "jwt_verification", "Jwt 토큰 검증에 실패했습니다. (no bearer token)")
        token = authorization[len("Bearer ") :].strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthFailure(401, "jwt_verification", f"Jwt 토큰 검증에 실패했습니다. ({exc})") from exc
        access_key = str(unverified.get("access_key", ""))
        secret = self._secrets.get(access_key)
        if secret is None:
            raise AuthFailure(401, "invalid_access_key", "잘못된 엑세스 키입니다.")
        try:
            payload = jwt.decode(token, secret, algorithms=["HS256", "HS512"])
        except jwt.PyJWTError as exc:
            raise AuthFailure(401, "jwt_verification", "Jwt 토큰 검증에 실패했습니다.") from exc
        if access_key in self._expired:
            raise AuthFailure(401, "expired_access_key", "API 키가 만료되었습니다.")
        nonce = str(payload.get("nonce", ""))
        if not nonce:
            raise AuthFailure(401, "invalid_query_payload", "nonce가 없습니다.")
        if (access_key, nonce) in self._nonces:
            raise AuthFailure(401, "nonce_used", "이미 요청한 nonce값이 다시 사용되었습니다.")
        if hash_source:
            alg = str(payload.get("query_hash_alg", "SHA512")).upper()
            if alg != "SHA512":
                raise AuthFailure(401, "invalid_query_payload", f"지원하지 않는 query_hash_alg: {alg}")
            expected = hashlib.sha512(hash_source.encode("utf-8")).hexdigest()
            if payload.get("query_hash") != expected:
                raise AuthFailure(
                    401, "invalid_query_payload", "쿼리 해시가 요청 파라미터와 일치하지 않습니다."
                )
        self._remember(access_key, nonce)
        return access_key

    def _remember(self, access_key: str, nonce: str) -> None:
        key = (access_key, nonce)
        self._nonces.add(key)
        self._order.append(key)
        if len(self._order) > self._memory:
            self._nonces.discard(self._order.popleft())


def query_hash_source(raw_query: str) -> str:
    return unquote(raw_query)


def body_hash_source(body: Mapping[str, object]) -> str:
    """The query string Upbit hashes for a JSON body: its fields in order, list values repeated."""
    pairs: list[tuple[str, str]] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, list):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    return unquote(urlencode(pairs))
