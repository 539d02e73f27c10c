"""The master key in the OS keyring: a real keyring backend class (in memory; one instance is one
machine's keyring) registered with ``keyring.set_keyring``; the app's code, files and encryption are real."""

from __future__ import annotations

import shutil
from pathlib import Path

import keyring
from keyring.backends import fail

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"
SERVICE = "upbit-auto-trading"


def _entry(home: Path) -> str:
    return (home / "config" / "secret.keyring").read_text().strip()


def test_with_a_keyring_the_home_holds_no_master_key(containers, machine_keyring, app_home: Path, scan) -> None:
    ring = machine_keyring()
    status = containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    assert status.protection == "keyring" and "MemoryKeyring" in status.location
    assert not (app_home / "config" / "secret.key").exists()
    master_key = ring.entries[(SERVICE, _entry(app_home))]
    containers().core.database_session().close_all()
    assert scan.leaks([app_home], {"access": ACCESS, "secret": SECRET, "master key": master_key}) == []

    fresh = containers()  # another process on the same machine reads them
    loaded = fresh.secrets.vault().load()
    assert (loaded.access_key, loaded.secret_key) == (ACCESS, SECRET)
    assert fresh.secrets.get_api_key_status().execute().protection == "keyring"


def test_a_key_file_is_moved_into_a_keyring_that_appears(containers, machine_keyring, app_home: Path) -> None:
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)  # no keyring yet: the file
    key_file = app_home / "config" / "secret.key"
    file_key = key_file.read_bytes().strip()
    ring = machine_keyring()
    status = containers().secrets.get_api_key_status().execute()
    assert status.readable and status.protection == "keyring"
    assert not key_file.exists()
    assert ring.entries[(SERVICE, _entry(app_home))].encode() == file_key
    assert containers().secrets.vault().load().secret_key == SECRET


def test_an_interrupted_move_is_finished(containers, machine_keyring, app_home: Path) -> None:
    """Killed after recording the keyring entry and before removing the file: the next use removes it."""
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    key_file = app_home / "config" / "secret.key"
    saved_file = key_file.read_bytes()
    machine_keyring()
    containers().secrets.get_api_key_status().execute()
    key_file.write_bytes(saved_file)  # as if the removal had not happened
    key_file.chmod(0o600)
    status = containers().secrets.get_api_key_status().execute()
    assert status.readable and status.protection == "keyring" and not key_file.exists()


def test_a_copy_of_the_home_on_another_machine_cannot_read_the_keys(
    containers, machine_keyring, app_home: Path, tmp_path: Path
) -> None:
    machine_keyring()
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    containers().core.database_session().close_all()
    copy = tmp_path / "other-machine-home"
    shutil.copytree(app_home, copy)

    machine_keyring()  # the other machine: its own keyring, without this home's entry
    other = containers(home=copy)
    status = other.secrets.get_api_key_status().execute()
    assert status.stored and not status.readable and status.protection == "keyring"
    assert "another machine" in status.problem and "keys set" in status.problem
    assert other.secrets.vault().load() is None
    other.secrets.save_api_keys().execute(ACCESS, SECRET)  # entering them again works
    assert containers(home=copy).secrets.get_api_key_status().execute().readable


def test_a_home_whose_keyring_is_gone_reports_it_and_falls_back_to_the_file(
    containers, machine_keyring, app_home: Path
) -> None:
    machine_keyring()
    containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    keyring.set_keyring(fail.Keyring())  # the same home, now without a keyring (a headless session)
    status = containers().secrets.get_api_key_status().execute()
    assert not status.readable and "no keyring is available here" in status.problem

    status = containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    assert status.readable and status.protection == "file"
    assert (app_home / "config" / "secret.key").exists()
    assert not (app_home / "config" / "secret.keyring").exists()  # the keyring must not win over the file later
    machine_keyring()  # a keyring again: the file's key moves into it, the keys stay readable
    assert containers().secrets.vault().load().secret_key == SECRET


def test_a_keyring_that_refuses_every_request_means_the_file(containers, machine_keyring, app_home: Path) -> None:
    machine_keyring("LockedKeyring")
    status = containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    assert status.readable and status.protection == "file"
    assert (app_home / "config" / "secret.key").exists()


def test_the_null_keyring_is_no_keyring(containers, app_home: Path) -> None:
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())
    try:
        status = containers().secrets.save_api_keys().execute(ACCESS, SECRET)
    finally:
        keyring.set_keyring(fail.Keyring())
    assert status.protection == "file" and (app_home / "config" / "secret.key").exists()
