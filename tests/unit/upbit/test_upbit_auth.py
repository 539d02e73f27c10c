from __future__ import annotations

import hashlib

import jwt
import pytest

from upbit_auto_trading.infrastructure.upbit.auth import (
    UpbitCredentials,
    encode_query,
    hash_source,
    make_token,
    query_hash,
)

CREDS = UpbitCredentials("access-key-for-tests-000000000000000", "secret-key-for-tests-000000000000000")


def test_query_hash_is_sha512_of_the_exact_unescaped_query_string():
    qs = encode_query([("market", "KRW-BTC"), ("states[]", "wait"), ("states[]", "watch"), ("limit", 100)])
    assert qs == "market=KRW-BTC&states%5B%5D=wait&states%5B%5D=watch&limit=100"
    assert hash_source(qs) == "market=KRW-BTC&states[]=wait&states[]=watch&limit=100"
    expected = hashlib.sha512(b"market=KRW-BTC&states[]=wait&states[]=watch&limit=100").hexdigest()
    assert query_hash(qs) == expected


def test_query_hash_depends_on_parameter_order_and_values():
    a = query_hash(encode_query({"market": "KRW-BTC", "side": "bid"}))
    b = query_hash(encode_query({"side": "bid", "market": "KRW-BTC"}))
    c = query_hash(encode_query({"market": "KRW-ETH", "side": "bid"}))
    assert len({a, b, c}) == 3


def test_token_carries_hash_and_fresh_nonce_and_verifies_with_secret():
    qs = encode_query({"market": "KRW-BTC"})
    t1, t2 = make_token(CREDS, qs), make_token(CREDS, qs)
    p1 = jwt.decode(t1, CREDS.secret_key, algorithms=["HS256"])
    p2 = jwt.decode(t2, CREDS.secret_key, algorithms=["HS256"])
    assert p1["access_key"] == CREDS.access_key
    assert p1["query_hash"] == query_hash(qs) and p1["query_hash_alg"] == "SHA512"
    assert p1["nonce"] != p2["nonce"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(t1, "another-secret-key-000000000000000000", algorithms=["HS256"])


def test_token_without_parameters_has_no_query_hash():
    payload = jwt.decode(make_token(CREDS), CREDS.secret_key, algorithms=["HS256"])
    assert set(payload) == {"access_key", "nonce"}


def test_credentials_repr_hides_the_secret():
    assert CREDS.secret_key not in repr(CREDS)
    assert CREDS.access_key not in repr(CREDS)
