"""Upbit request authentication: a JWT (HS256) signed with the secret key, per request.

Payload: ``access_key``, a fresh ``nonce`` (uuid4) and, for a request with parameters, ``query_hash`` =
SHA-512 hex of the exact query string sent (for a JSON body: the same ``k=v&...`` string built from the
body's fields in order) and ``query_hash_alg`` = ``SHA512``. Secrets never appear in logs or reprs.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

import jwt

QUERY_HASH_ALG = "SHA512"

Params = Mapping[str, object] | Sequence[tuple[str, object]]


@dataclass(frozen=True)
class UpbitCredentials:
    access_key: str
    secret_key: str = field(repr=False)

    def __repr__(self) -> str:  # never show the secret, and only a hint of the access key
        return f"UpbitCredentials(access_key={self.access_key[:4]}...)"


def _pairs(params: Params) -> list[tuple[str, str]]:
    items: Iterable[tuple[str, object]] = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, _text(v)) for v in value)
        else:
            pairs.append((key, _text(value)))
    return pairs


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_query(params: Params) -> str:
    """The percent-encoded query string to put on the wire (``states[]`` for list values is the caller's key)."""
    return urlencode(_pairs(params))


def hash_source(query_string: str) -> str:
    """The text Upbit hashes: the query string without percent-encoding (``states[]=wait&...``)."""
    return unquote(query_string)


def query_hash(query_string: str) -> str:
    """SHA-512 hex digest over the exact (un-percent-encoded) query string."""
    return hashlib.sha512(hash_source(query_string).encode("utf-8")).hexdigest()


def make_token(
    credentials: UpbitCredentials, query_string: str | None = None, nonce: str | None = None
) -> str:
    """A signed JWT for one request; ``query_string`` is what :func:`encode_query` produced (or None)."""
    payload: dict[str, str] = {"access_key": credentials.access_key, "nonce": nonce or str(uuid.uuid4())}
    if query_string:
        payload["query_hash"] = query_hash(query_string)
        payload["query_hash_alg"] = QUERY_HASH_ALG
    return jwt.encode(payload, credentials.secret_key, algorithm="HS256")


def authorization_header(credentials: UpbitCredentials, query_string: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(credentials, query_string)}"}
