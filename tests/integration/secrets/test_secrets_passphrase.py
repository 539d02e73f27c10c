"""Keys protected by a passphrase: nothing on disk opens them; the passphrase does, given in the process
(unlock) or in UPBIT_AUTO_TRADING_PASSPHRASE; a wrong or missing one is a message, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from upbit_auto_trading.application.credentials.errors import (
    PASSPHRASE_ENV,
    CredentialsLockedError,
    WeakPassphraseError,
    WrongPassphraseError,
)

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"
PASSPHRASE = "correct horse battery staple"


def _stored(home: Path, profile: str = "development") -> bytes:
    conn = sqlite3.connect(home / "data" / profile / "settings.sqlite3")
    try:
        return bytes(conn.execute("SELECT secret_key_ciphertext FROM api_credentials").fetchone()[0])
    finally:
        conn.close()


def test_saved_under_a_passphrase_then_locked_in_the_next_process(containers, app_home: Path) -> None:
    first = containers()
    status = first.secrets.save_api_keys().execute(ACCESS, SECRET, PASSPHRASE)
    assert status.readable and status.protection == "passphrase" and "scrypt" in status.location
    assert first.secrets.vault().load().secret_key == SECRET  # just typed: open in this process
    assert not (app_home / "config" / "secret.key").exists()  # no master key is made or needed
    assert _stored(app_home).startswith(b"uat-scrypt1$10$")  # the test's explicit low cost

    later = containers()
    status = later.secrets.get_api_key_status().execute()
    assert status.stored and status.locked and not status.readable and status.masked_access_key == ""
    assert "keys unlock" in status.problem and PASSPHRASE_ENV in status.problem and "keys set" in status.problem
    with pytest.raises(CredentialsLockedError):
        later.secrets.vault().load()

    with pytest.raises(WrongPassphraseError):
        later.secrets.unlock_api_keys().execute("correct horse battery stapler")
    assert later.secrets.get_api_key_status().execute().locked  # still locked

    status = later.secrets.unlock_api_keys().execute(PASSPHRASE)
    assert status.readable and status.masked_access_key.startswith("AbCd")
    assert later.secrets.vault().load().secret_key == SECRET


def test_the_passphrase_from_the_environment(containers, monkeypatch) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET, PASSPHRASE)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert containers().secrets.vault().load().access_key == ACCESS

    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase")
    other = containers()
    status = other.secrets.get_api_key_status().execute()
    assert not status.readable and not status.locked and PASSPHRASE_ENV in status.problem
    with pytest.raises(WrongPassphraseError, match=PASSPHRASE_ENV):
        other.secrets.vault().load()


def test_a_weak_passphrase_changes_nothing(containers, app_home: Path) -> None:
    container = containers()
    container.secrets.save_api_keys().execute(ACCESS, SECRET)
    before = _stored(app_home)
    with pytest.raises(WeakPassphraseError):
        container.secrets.save_api_keys().execute(ACCESS, SECRET, "short")
    assert _stored(app_home) == before


def test_the_production_cost_is_used_unless_a_test_lowers_it(containers, app_home: Path) -> None:
    containers(fast=False).secrets.save_api_keys().execute(ACCESS, SECRET, PASSPHRASE)
    assert _stored(app_home).startswith(b"uat-scrypt1$15$8$1$")


def test_live_trading_with_locked_keys_says_to_give_the_passphrase(containers) -> None:
    containers(profile="production").secrets.save_api_keys().execute(ACCESS, SECRET, PASSPHRASE)
    guard = containers(profile="production").trading.live_guard()
    with pytest.raises(CredentialsLockedError, match="passphrase"):
        guard.check(None, "production")


def test_a_damaged_sealed_value_is_reported(containers, app_home: Path) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET, PASSPHRASE)
    conn = sqlite3.connect(app_home / "data" / "development" / "settings.sqlite3")
    conn.execute("UPDATE api_credentials SET secret_key_ciphertext = ?", (b"uat-scrypt1$99$8$1$x$y",))
    conn.commit()
    conn.close()
    container = containers()
    status = container.secrets.get_api_key_status().execute()
    assert not status.readable and "damaged" in status.problem
    assert container.secrets.vault().load() is None
    assert not container.secrets.unlock_api_keys().execute(PASSPHRASE).readable
