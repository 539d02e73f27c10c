"""Profiles (create/edit/delete/relocate) and archive export/import on real files."""

from __future__ import annotations

import asyncio
import random

import pytest
from helpers_profiles import integrity_ok, make_container, mutate, snapshot, temp_files

from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeLocationCommand,
)
from upbit_auto_trading.application.profiles.create_profile import CreateProfileCommand
from upbit_auto_trading.application.profiles.edit_profile import EditProfileCommand
from upbit_auto_trading.domain.profiles.errors import InvalidProfileError, ProfileInUseError


def test_profile_life_cycle(tmp_path):
    container = make_container(tmp_path / "home")
    p = container.profiles
    p.create_profile().execute(
        CreateProfileCommand(
            "paper-2", "Paper 2", "testing", "for paper trading", {"settings": tmp_path / "x" / "s.db"}
        )
    )
    with pytest.raises(InvalidProfileError, match="already exists"):
        p.create_profile().execute(CreateProfileCommand("paper-2", "again", "testing"))
    with pytest.raises(InvalidProfileError, match="3 to 40"):
        p.create_profile().execute(CreateProfileCommand("ab", "short", "testing"))
    p.rename_profile().execute("paper-2", "Paper two")
    p.edit_profile().execute(EditProfileCommand("paper-2", description="changed", environment="production"))
    listed = {s.id: s for s in p.list_profiles().execute()}
    assert listed["paper-2"].name == "Paper two" and listed["paper-2"].environment == "production"
    assert listed["paper-2"].databases["settings"] == str(tmp_path / "x" / "s.db")
    assert asyncio.run(p.switch_profile().execute("paper-2")).done
    assert (tmp_path / "x" / "s.db").exists()
    with pytest.raises(ProfileInUseError):
        p.delete_profile().execute("paper-2")
    asyncio.run(p.switch_profile().execute("development"))
    p.delete_profile().execute("paper-2", delete_files=True)
    assert "paper-2" not in {s.id for s in p.list_profiles().execute()}
    assert not (tmp_path / "x" / "s.db").exists()


@pytest.mark.parametrize("move", [True, False])
def test_change_location_of_the_open_profile(tmp_path, move):
    container = make_container(tmp_path / "home")
    session = container.core.database_session()
    mutate(session, random.Random(5), 1)
    before = snapshot(session.paths())
    old = session.paths()
    targets = container.profiles.change_location().execute(
        ChangeLocationCommand("development", tmp_path / "elsewhere", move=move)
    )
    assert session.paths() == targets
    assert container.core.profile_registry().database_paths("development") == targets
    assert snapshot(targets) == before
    assert all(integrity_ok(p) for p in targets.values())
    assert all(p.exists() != move for p in old.values())
    mutate(session, random.Random(6), 2)  # the app keeps working on the new files
    assert temp_files(tmp_path) == []


def test_export_import_on_another_machine(tmp_path):
    first = make_container(tmp_path / "one")
    mutate(first.core.database_session(), random.Random(8), 1)
    backup = first.profiles.create_backup().execute()
    archive = first.profiles.export_backup().execute(backup.id, tmp_path)
    assert archive.is_file()

    second = make_container(tmp_path / "two")
    imported = second.profiles.import_backup().execute(archive)
    listed = {b.id: b for b in second.profiles.list_backups().execute()}
    assert imported.id in listed and listed[imported.id].record.verified is True
    assert asyncio.run(second.profiles.restore_backup().execute(imported.id)).done
    assert snapshot(second.core.database_session().paths()) == snapshot(first.core.database_session().paths())
    # importing the same archive again does not duplicate it
    count = len(second.profiles.list_backups().execute())
    assert second.profiles.import_backup().execute(archive).id == imported.id
    assert len(second.profiles.list_backups().execute()) == count


def test_backup_while_the_app_keeps_writing(tmp_path):
    import threading

    container = make_container(tmp_path / "home")
    session = container.core.database_session()
    stop = threading.Event()
    written = []

    def writer():
        n = 0
        while not stop.is_set():
            with session.market_data.transaction() as conn:
                conn.execute(
                    "INSERT INTO candles VALUES ('KRW-ETH', '1m', ?, '1', '1', '1', '1', '1', '1')", (n,)
                )
            written.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        ids = [container.profiles.create_backup().execute().id for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert len(written) > 10
    for backup_id in ids:
        assert container.profiles.verify_backup().execute(backup_id).ok
