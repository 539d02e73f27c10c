"""Bad input gets a clear error and changes nothing."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from helpers_profiles import make_container, mutate, snapshot, temp_files

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
from upbit_auto_trading.application.profiles.errors import (
    BackupInvalidError,
    BackupNotFoundError,
    OperationBusyError,
    ProfileUnusableError,
    UnsafeOperationError,
)
from upbit_auto_trading.infrastructure.files.errors import ArchiveError, DiskFullError, NotWritableError
from upbit_auto_trading.infrastructure.files.fsutil import sha256_file


@pytest.fixture
def app(tmp_path):
    import random

    container = make_container(tmp_path / "home")
    session = container.core.database_session()
    mutate(session, random.Random(1), 1)
    backup = container.profiles.create_backup().execute(CreateBackupCommand(note="good"))
    mutate(session, random.Random(2), 2)
    return container, backup


def _rewrite_manifest(folder, database, path):
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["database"] == database:
            entry["bytes"] = path.stat().st_size
            entry["sha256"] = sha256_file(path)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _restore_refused(container, backup_id, error_type, match):
    session = container.core.database_session()
    before = snapshot(session.paths())
    backups_before = {b.id for b in container.profiles.list_backups().execute()}
    with pytest.raises(error_type, match=match):
        asyncio.run(container.profiles.restore_backup().execute(backup_id))
    assert snapshot(session.paths()) == before
    assert {b.id for b in container.profiles.list_backups().execute()} <= backups_before
    assert temp_files(container.core.app_paths().home) == []


def _damage(app, database, damage):
    container, backup = app
    path = backup.path / f"{database}.sqlite3"
    damage(path)
    return container, backup, path


def test_truncated_backup(app):
    container, backup, path = _damage(app, "market_data", lambda p: p.write_bytes(p.read_bytes()[:8192]))
    problems = container.profiles.verify_backup().execute(backup.id).problems
    assert any("truncated" in p for p in problems)
    _restore_refused(container, backup.id, BackupInvalidError, "truncated")


def test_truncated_backup_with_matching_manifest_is_caught_by_sqlite(app):
    container, backup, path = _damage(app, "market_data", lambda p: p.write_bytes(p.read_bytes()[:8192]))
    _rewrite_manifest(backup.path, "market_data", path)
    problems = container.profiles.verify_backup().execute(backup.id).problems
    assert problems and any("market_data" in p for p in problems)
    _restore_refused(container, backup.id, BackupInvalidError, "market_data")


def test_not_sqlite(app):
    container, backup, path = _damage(app, "settings", lambda p: p.write_bytes(b"hello" * 5000))
    _rewrite_manifest(backup.path, "settings", path)
    assert container.profiles.verify_backup().execute(backup.id).problems == [
        "settings: not a SQLite database"
    ]
    _restore_refused(container, backup.id, BackupInvalidError, "not a SQLite database")


def test_wrong_kind_of_database(app):
    container, backup = app
    target = backup.path / "settings.sqlite3"
    shutil.copyfile(backup.path / "market_data.sqlite3", target)
    _rewrite_manifest(backup.path, "settings", target)
    manifest = json.loads((backup.path / "manifest.json").read_text())
    mine = {f["database"]: f for f in manifest["files"]}
    mine["settings"]["schema_version"] = mine["market_data"]["schema_version"]
    (backup.path / "manifest.json").write_text(json.dumps(manifest))
    problems = container.profiles.verify_backup().execute(backup.id).problems
    assert any("not a settings database (it looks like a market_data database)" in p for p in problems)
    _restore_refused(container, backup.id, BackupInvalidError, "looks like a market_data database")


def test_schema_newer_than_code(app):
    container, backup = app
    path = backup.path / "strategies.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 9999")
    conn.commit()
    conn.close()
    _rewrite_manifest(backup.path, "strategies", path)
    problems = container.profiles.verify_backup().execute(backup.id).problems
    assert any("newer than this app" in p for p in problems)
    _restore_refused(container, backup.id, BackupInvalidError, "newer than this app")


def test_checksum_mismatch(app):
    def flip(path):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    container, backup, _ = _damage(app, "strategies", flip)
    assert any(
        "checksum mismatch" in p for p in container.profiles.verify_backup().execute(backup.id).problems
    )
    _restore_refused(container, backup.id, BackupInvalidError, "checksum mismatch")


@pytest.mark.parametrize("content", [None, "{not json", '{"format": "something else"}'])
def test_missing_or_corrupt_manifest(app, content):
    container, backup = app
    manifest = backup.path / "manifest.json"
    if content is None:
        manifest.unlink()
    else:
        manifest.write_text(content)
    result = container.profiles.verify_backup().execute(backup.id)
    assert not result.ok and "manifest" in result.problems[0]
    assert backup.id not in {b.id for b in container.profiles.list_backups().execute()}
    _restore_refused(container, backup.id, BackupInvalidError, "manifest")


def test_missing_folder(app):
    container, backup = app
    shutil.rmtree(backup.path)
    with pytest.raises(BackupNotFoundError):
        container.profiles.verify_backup().execute(backup.id)
    _restore_refused(container, backup.id, BackupNotFoundError, "missing")


def test_damaged_target_profile_is_not_switched_to(app):
    container, _ = app
    registry = container.core.profile_registry()
    settings = registry.database_paths("testing")["settings"]
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_bytes(b"garbage" * 100)
    with pytest.raises(ProfileUnusableError, match="not a SQLite database"):
        asyncio.run(container.profiles.switch_profile().execute("testing"))
    assert container.core.active_profile_id() == "development"
    assert registry.active_profile_id() == "development"


def _mount_tmpfs(folder, options):
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


def _umount(folder):
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_read_only_destination(tmp_path, app):
    container, _ = app
    store = container.profiles.backup_store()
    readonly = tmp_path / "readonly"
    import os

    if os.geteuid() == 0:
        if not _mount_tmpfs(readonly, "ro,size=64m"):
            pytest.skip("running as root without permission to mount a read-only tmpfs")
        cleanup = lambda: _umount(readonly)  # noqa: E731
    else:
        readonly.mkdir()
        readonly.chmod(0o555)
        cleanup = lambda: readonly.chmod(0o755)  # noqa: E731
    try:
        store.root = readonly
        before = snapshot(container.core.database_session().paths())
        with pytest.raises(NotWritableError, match="cannot be written"):
            container.profiles.create_backup().execute()
        assert snapshot(container.core.database_session().paths()) == before
    finally:
        cleanup()


def test_full_disk_is_refused_before_starting(app):
    container, _ = app
    container.profiles.probe().measure_free_bytes = lambda p: 1000
    try:
        count = len(container.profiles.list_backups().execute())
        with pytest.raises(UnsafeOperationError, match="not enough free disk space"):
            container.profiles.create_backup().execute()
        with pytest.raises(UnsafeOperationError, match="not enough free disk space"):
            asyncio.run(container.profiles.restore_backup().execute(app[1].id))
        assert len(container.profiles.list_backups().execute()) == count
    finally:
        container.profiles.probe().measure_free_bytes = None


def test_disk_filling_up_mid_backup(tmp_path, app):
    import os

    if os.geteuid() != 0 or not _mount_tmpfs(tmp_path / "tiny", "size=160k"):
        pytest.skip("needs a small tmpfs (root) to fill a disk for real")
    container, _ = app
    store = container.profiles.backup_store()
    try:
        store.root = tmp_path / "tiny"
        container.profiles.probe().measure_free_bytes = lambda p: 10**12
        with pytest.raises(DiskFullError, match="disk is full"):
            container.profiles.create_backup().execute()
        assert list((tmp_path / "tiny").iterdir()) == []
    finally:
        _umount(tmp_path / "tiny")


def test_second_operation_waits_then_is_refused(app):
    container, backup = app
    lock = container.profiles.lock()
    lock.wait_seconds = 0.3
    held, release = threading.Event(), threading.Event()

    def hold():
        with lock.hold("a long backup"):
            held.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    try:
        before = snapshot(container.core.database_session().paths())
        with pytest.raises(OperationBusyError, match="a long backup"):
            container.profiles.create_backup().execute()
        with pytest.raises(OperationBusyError):
            asyncio.run(container.profiles.restore_backup().execute(backup.id))
        assert snapshot(container.core.database_session().paths()) == before
    finally:
        release.set()
        worker.join()
    lock.wait_seconds = 5
    # once free, the waiting one goes through
    release.clear()
    held.clear()
    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    container.profiles.create_backup().execute()
    assert time.monotonic() - started >= 0.15
    worker.join()


def test_lock_is_held_across_processes(app, tmp_path):
    container, _ = app
    lock_path = container.profiles.lock().path
    script = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(lock_path)!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        container.profiles.lock().wait_seconds = 0.2
        with pytest.raises(OperationBusyError):
            container.profiles.create_backup().execute()
    finally:
        proc.kill()
        proc.wait()


def test_another_program_holding_the_files_blocks_restore(app):
    container, backup = app
    settings = container.core.database_session().paths()["settings"]
    script = (
        f"import sqlite3, time\nc = sqlite3.connect({str(settings)!r})\n"
        "c.execute('select count(*) from app_settings').fetchall()\nprint('open', flush=True)\ntime.sleep(5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        _restore_refused(container, backup.id, UnsafeOperationError, f"process {proc.pid}")
    finally:
        proc.kill()
        proc.wait()


def test_import_rejects_bad_archives(app, tmp_path):
    import zipfile

    container, backup = app
    importer = container.profiles.import_backup()
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError, match="not a backup archive"):
        importer.execute(not_zip)
    evil = tmp_path / "evil.zip"
    archive = container.profiles.export_backup().execute(backup.id, tmp_path)
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr(f"{backup.id}/../../escape.txt", "x")
    with pytest.raises(ArchiveError, match="unexpected entries"):
        importer.execute(evil)
    assert temp_files(container.core.app_paths().home) == []
