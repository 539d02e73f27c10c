"""The passphrase rule, the scrypt derivation and the sealed-value format, with real cryptography."""

from __future__ import annotations

import unicodedata

import pytest
from cryptography.fernet import InvalidToken

from upbit_auto_trading.application.credentials.errors import WeakPassphraseError
from upbit_auto_trading.application.credentials.passphrase import check_new_passphrase
from upbit_auto_trading.infrastructure.secrets.passphrase_cipher import (
    DEFAULT_SCRYPT_N,
    ScryptParams,
    derive,
    is_sealed,
    seal,
    unseal,
)

FAST = 2**4  # tests only: the cost is an explicit argument, the default stays DEFAULT_SCRYPT_N


@pytest.mark.parametrize("weak", ["", "       ", "short", "1234567", "eight ch\nars", "x" * 1025])
def test_weak_passphrases_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassphraseError):
        check_new_passphrase(weak)


@pytest.mark.parametrize("good", ["correct horse", "  spaced  out  ", "비밀번호는여덟자", "x" * 1024])
def test_passphrases_are_kept_exactly(good: str) -> None:
    assert check_new_passphrase(good) == good


def test_the_default_cost_is_the_production_one() -> None:
    assert DEFAULT_SCRYPT_N == 2**15
    assert ScryptParams.new().log_n == 15


def test_sealed_values_round_trip_and_carry_their_salt() -> None:
    params = ScryptParams.new(FAST)
    value = seal(derive("correct horse", params).encrypt(b"payload"), params)
    assert is_sealed(value) and not is_sealed(b"gAAAAA-a-plain-fernet-token")
    read_params, token = unseal(value)
    assert read_params == params  # salt and cost come back from the stored value alone
    assert derive("correct horse", read_params).decrypt(token) == b"payload"
    with pytest.raises(InvalidToken):
        derive("correct horsf", read_params).decrypt(token)


def test_each_save_gets_a_new_salt() -> None:
    first, second = ScryptParams.new(FAST), ScryptParams.new(FAST)
    assert first.salt != second.salt
    with pytest.raises(InvalidToken):  # same words, other salt: another key
        derive("same words", second).decrypt(derive("same words", first).encrypt(b"x"))


def test_a_korean_passphrase_matches_however_the_keyboard_composed_it() -> None:
    composed = "한글 암호 문장"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    params = ScryptParams.new(FAST)
    token = derive(composed, params).encrypt(b"x")
    assert derive(decomposed, params).decrypt(token) == b"x"


def test_a_well_formed_value_parses() -> None:
    params, token = unseal(b"uat-scrypt1$15$8$1$c2FsdHNhbHRzYWx0$tok")
    assert (params.log_n, params.r, params.p, params.salt, token) == (15, 8, 1, b"saltsaltsalt", b"tok")


@pytest.mark.parametrize(
    "value",
    [
        b"uat-scrypt1$30$8$1$c2FsdHNhbHRzYWx0$tok",  # n = 2**30: 128 GiB of memory, refused
        b"uat-scrypt1$15$64$1$c2FsdHNhbHRzYWx0$tok",
        b"uat-scrypt1$15$8$1$c2FsdA$tok",  # a 4-byte salt
        b"uat-scrypt1$x$8$1$c2FsdHNhbHRzYWx0$tok",
        b"uat-scrypt1$15$8$1$c2FsdHNhbHRzYWx0",
        b"gAAAAABplain",
    ],
)
def test_damaged_or_hostile_values_are_refused_before_any_derivation(value: bytes) -> None:
    with pytest.raises(ValueError):
        unseal(value)


@pytest.mark.parametrize("n", [0, 3, 2**21])
def test_a_bad_cost_is_refused(n: int) -> None:
    with pytest.raises(ValueError):
        ScryptParams.new(n)
