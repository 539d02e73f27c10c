"""The cross-process write protocol under fire: writer processes of every kind (trigger, strategy, candle,
journal entry) write through the app's repositories while this process restores, moves or switches
the profile at random moments. Every write a writer acknowledged must be accounted for:

- restore: in the restored live database or in one of the pre-restore backups;
- move and copy: in the profile's databases wherever they are now (the old files are retired);
- switch: in one of the two profiles.

A write may be refused (with a message); it may never be acknowledged and then be nowhere.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_profiles import make_container

from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeLocationCommand,
)
from upbit_auto_trading.application.profiles.create_profile import CreateProfileCommand
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.domain.profiles.values import BackupKind

SUPPORT = Path(__file__).resolve().parents[2] / "support"
WRITER = SUPPORT / "write_race.py"
KINDS = ("trigger", "strategy", "candle", "journal")
REPO_ROOT = Path(__file__).resolve().parents[3]

QUERIES = {
    "trigger": ("strategies", "SELECT name FROM trading_conditions WHERE name LIKE 'race-%'"),
    "strategy": ("strategies", "SELECT name FROM strategy_profiles WHERE name LIKE 'race-%'"),
    "journal": ("strategies", "SELECT identifier FROM order_journal WHERE identifier LIKE 'race-%'"),
    "candle": ("market_data", "SELECT start_utc FROM candles WHERE market = 'KRW-RACE'"),
}
T0 = 1_704_067_200  # write_race.T0


def _keys_in(paths: dict[str, Path]) -> dict[str, set[str]]:
    """What each kind of writer left in these database files (candles keyed by their hour offset)."""
    found: dict[str, set[str]] = {}
    for kind, (database, sql) in QUERIES.items():
        conn = sqlite3.connect(f"file:{paths[database]}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute(sql)]
        finally:
            conn.close()
        if kind == "candle":
            found[kind] = {str((int(r) - T0) // 3600) for r in rows}
        else:
            found[kind] = {str(r).rsplit("-", 1)[1] for r in rows}
    return found


class Writers:
    """One writer process per kind, all on the same home."""

    def __init__(self, home: Path, work: Path) -> None:
        self.home, self.work = home, work
        self.stop = work / "stop"
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        for kind in KINDS:
            self.processes[kind] = subprocess.Popen(
                [sys.executable, str(WRITER), str(self.home), kind, str(self.ack(kind)), str(self.stop)],
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                stderr=subprocess.PIPE,
                text=True,
            )
        deadline = time.monotonic() + 120
        while not all(self.acknowledged(k) for k in KINDS):  # every writer is up and writing
            assert time.monotonic() < deadline, "the writers did not start"
            for kind, process in self.processes.items():
                assert process.poll() is None, f"{kind} writer died: {process.stderr.read()}"
            time.sleep(0.1)

    def ack(self, kind: str) -> Path:
        return self.work / f"{kind}.ack"

    def lines(self, kind: str) -> list[list[str]]:
        path = self.ack(kind)
        if not path.exists():
            return []
        return [line.split(" ", 2) for line in path.read_text(encoding="utf-8").splitlines() if line]

    def acknowledged(self, kind: str) -> set[str]:
        return {parts[1].rsplit("-", 1)[1] for parts in self.lines(kind) if parts[0] == "ok"}

    def refusals(self) -> list[str]:
        return [parts[2] for kind in KINDS for parts in self.lines(kind) if parts[0] == "refused"]

    def finish(self) -> None:
        self.stop.touch()
        for kind, process in self.processes.items():
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, f"{kind} writer failed: {err}"


@pytest.fixture
def writers(home: Path, tmp_path: Path):
    container = make_container(home, market_data={"seed_bundled": False}, backup={"keep_automatic": 1000})
    startup(container)  # the sample strategy and its triggers: the trigger writer copies one
    w = Writers(home, tmp_path)
    yield container, w
    if not w.stop.exists():
        w.stop.touch()
        for process in w.processes.values():
            process.kill()
            process.wait()
    container.core.database_session().close_all()


def _profile(container) -> str:  # noqa: ANN001
    return container.profiles.session_profile().current()


def test_no_acknowledged_write_is_lost_to_restores(writers) -> None:
    container, w = writers
    profile = _profile(container)
    paths = container.core.profile_registry().database_paths(profile)
    store = container.profiles.backup_store()
    source = store.create(profile, "development", paths, BackupKind.MANUAL, "race source")
    apply_restore = container.profiles.apply_restore()
    rng = random.Random(20261205)
    w.start()
    pre_restore = []
    for _ in range(8):
        time.sleep(rng.random() * 0.3)
        pre_restore.append(apply_restore.execute(source.id, profile))
    w.finish()

    accounted: dict[str, set[str]] = _keys_in(paths)
    for backup_id in pre_restore:
        for kind, keys in _keys_in(store.file_paths(backup_id)).items():
            accounted[kind] |= keys
    for kind in KINDS:
        acknowledged = w.acknowledged(kind)
        assert len(acknowledged) > 8, f"the {kind} writer hardly wrote: {w.refusals()}"
        assert acknowledged <= accounted[kind], f"{kind} writes acknowledged and lost: {acknowledged - accounted[kind]}"
    # each restore put the source back: the writes after the last restore are all that is live
    assert all(len(keys) < len(w.acknowledged(k)) for k, keys in _keys_in(paths).items())


def test_no_acknowledged_write_is_lost_to_moves(writers, tmp_path: Path) -> None:
    container, w = writers
    profile = _profile(container)
    change = container.profiles.change_location()
    registry = container.core.profile_registry()
    default_folder = registry.database_paths(profile)["strategies"].parent
    folders = [tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "d"]
    rng = random.Random(7)
    w.start()
    for i, folder in enumerate(folders):
        time.sleep(0.2 + rng.random() * 0.3)
        change.execute(ChangeLocationCommand(profile, folder, move=i % 2 == 0))  # moves and copies
    time.sleep(0.5)  # the writers reopen at the new place and write there too
    w.finish()

    accounted = _keys_in(registry.database_paths(profile))
    for kind in KINDS:
        acknowledged = w.acknowledged(kind)
        assert acknowledged <= accounted[kind], f"{kind} writes acknowledged and lost: {acknowledged - accounted[kind]}"
    assert any("moved" in message or "gone" in message for message in w.refusals())
    # a move removes the old files, and no late writer created an empty database in their place
    for moved_from in (default_folder, folders[1]):
        assert not list(moved_from.glob("*.sqlite3")), "a database reappeared where one was moved away"
    for copied_from in (folders[0], folders[2]):  # a copy leaves its old files behind, retired
        assert len(list(copied_from.glob("*.sqlite3"))) == 3


def test_no_acknowledged_write_is_lost_to_switches(writers) -> None:
    container, w = writers
    first = _profile(container)
    create = container.profiles.create_profile()
    create.execute(CreateProfileCommand("other", "Other", "testing"))
    apply_switch = container.profiles.apply_switch()
    registry = container.core.profile_registry()
    w.start()
    rng = random.Random(3)
    for i in range(6):
        time.sleep(rng.random() * 0.3)
        apply_switch.execute("other" if i % 2 == 0 else first)
    w.finish()
    one, two = _keys_in(registry.database_paths(first)), _keys_in(registry.database_paths("other"))
    for kind in KINDS:
        acknowledged = w.acknowledged(kind)
        assert acknowledged <= one[kind] | two[kind], f"{kind} writes lost: {acknowledged - one[kind] - two[kind]}"
