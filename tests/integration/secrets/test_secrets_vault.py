from __future__ import annotations

import stat
from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.credentials.api_key_pair import InvalidApiKeyError

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"


@pytest.fixture
def container(app_home: Path):
    container = build_container(home=app_home)
    yield container
    container.core.database_session().close_all()


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "secret.key")


def test_keys_are_stored_as_ciphertext_only(container, app_home: Path) -> None:
    status = container.secrets.save_api_keys().execute(ACCESS, SECRET)
    assert status.stored and status.masked_access_key.startswith("AbCd")
    container.core.database_session().close_all()  # checkpoint the WAL into the file
    everything = _all_bytes(app_home)
    assert ACCESS.encode() not in everything
    assert SECRET.encode() not in everything
    key_file = app_home / "config" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_round_trip_and_upbit_credentials(container) -> None:
    container.secrets.save_api_keys().execute(ACCESS, SECRET)
    loaded = container.secrets.vault().load()
    assert (loaded.access_key, loaded.secret_key) == (ACCESS, SECRET)
    credentials = container.upbit.credentials()
    assert credentials.access_key == ACCESS
    assert container.secrets.delete_api_keys().execute() is True
    assert container.upbit.credentials() is None
    assert container.secrets.get_api_key_status().execute().stored is False


def test_invalid_keys_change_nothing(container) -> None:
    container.secrets.save_api_keys().execute(ACCESS, SECRET)
    with pytest.raises(InvalidApiKeyError):
        container.secrets.save_api_keys().execute("bad key", SECRET)
    assert container.secrets.vault().load().access_key == ACCESS


def test_a_lost_master_key_is_reported_not_crashed(container, app_home: Path) -> None:
    container.secrets.save_api_keys().execute(ACCESS, SECRET)
    (app_home / "config" / "secret.key").unlink()
    fresh = build_container(home=app_home)
    status = fresh.secrets.get_api_key_status().execute()
    assert status.stored and not status.readable
    assert fresh.secrets.vault().load() is None
    fresh.core.database_session().close_all()
