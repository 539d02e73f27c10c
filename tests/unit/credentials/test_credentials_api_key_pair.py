from __future__ import annotations

import pytest

from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair, InvalidApiKeyError

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"


def test_repr_never_shows_the_keys() -> None:
    pair = ApiKeyPair(ACCESS, SECRET)
    assert SECRET not in repr(pair)
    assert ACCESS not in repr(pair)
    assert pair.masked_access_key.startswith("AbCd") and "*" in pair.masked_access_key


@pytest.mark.parametrize("access, secret", [("", SECRET), (ACCESS, ""), ("short", SECRET), (ACCESS, "has space" * 3), (ACCESS + "\n", SECRET)])
def test_malformed_keys_are_refused(access: str, secret: str) -> None:
    with pytest.raises(InvalidApiKeyError):
        ApiKeyPair(access, secret)
