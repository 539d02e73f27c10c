"""The master-key file (no keyring here): made private on creation, repaired when others can read it,
refused when it cannot be repaired, reported (never a traceback) when damaged."""

from __future__ import annotations

import io
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.presentation.cli.app import run

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_world_readable_key_file_is_repaired_with_a_warning(containers, app_home: Path, caplog) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    key_file = app_home / "config" / "secret.key"
    assert _mode(key_file) == 0o600
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        status = containers().secrets.get_api_key_status().execute()
    assert status.readable and status.protection == "file" and status.location == str(key_file)
    assert _mode(key_file) == 0o600
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "secret.key" in r.getMessage()]
    assert len(warnings) == 1 and "0644" in warnings[0].getMessage() and "0600" in warnings[0].getMessage()


def test_a_group_readable_key_file_is_repaired_before_it_is_used_for_a_save(containers, app_home: Path) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    key_file = app_home / "config" / "secret.key"
    key_file.chmod(0o640)
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    assert _mode(key_file) == 0o600


def test_a_key_file_that_cannot_be_made_private_is_refused(containers, app_home: Path, monkeypatch, capsys) -> None:
    """A file system that ignores chmod (a FAT or SMB mount): fchmod "succeeds" and the mode stays 0644.
    The key is not used: the status says why, saving refuses, and the CLI prints one line."""
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    key_file = app_home / "config" / "secret.key"
    key_file.chmod(0o644)
    monkeypatch.setattr(os, "fchmod", lambda fd, mode: None)  # the file system's behaviour, not our code's

    container = containers()
    status = container.secrets.get_api_key_status().execute()
    assert status.stored and not status.readable
    assert "readable by other users" in status.problem and "0644" in status.problem
    assert container.secrets.vault().load() is None

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ACCESS}\n{SECRET}\n"))
    code = run(["keys", "set", "--stdin"], lambda args: cli_services(container))
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "0644" in err
    assert "Traceback" not in err
    assert _mode(key_file) == 0o644  # untouched, and nothing written with it


def test_a_damaged_key_file_is_reported_not_crashed(containers, app_home: Path) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    (app_home / "config" / "secret.key").write_bytes(b"not a key")
    status = containers().secrets.get_api_key_status().execute()
    assert status.stored and not status.readable and "damaged" in status.problem


def test_keys_from_another_home_are_unreadable_with_what_to_do(containers, app_home: Path) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    (app_home / "config" / "secret.key").unlink()
    containers().secrets.vault()  # a new process of the same home: creates no key just by looking
    status = containers().secrets.get_api_key_status().execute()
    assert status.stored and not status.readable and "keys set" in status.problem
    assert not (app_home / "config" / "secret.key").exists()


def test_two_first_saves_at_once_agree_on_one_key(app_home: Path) -> None:
    """Each process found no key file and made its own key: the second to store it gets the first's key
    back (and leaves the file alone), so neither encrypts with a key that is then overwritten."""
    from cryptography.fernet import Fernet

    from upbit_auto_trading.infrastructure.secrets.master_key import MasterKeyFile

    path = app_home / "config" / "secret.key"
    first, second = Fernet.generate_key(), Fernet.generate_key()
    assert MasterKeyFile(path).create(first) == first
    assert MasterKeyFile(path).create(second) == first
    assert path.read_bytes() == first and _mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
