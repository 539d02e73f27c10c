"""SIGKILL at points of backup, restore and switch, then restart: every database passes integrity_check
and equals the state before or after the operation, and no temporary file remains.

The operation runs in a forked child (the app is already imported, so each kill costs milliseconds)
that kills itself at a named step, or is killed by the parent after a random delay.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time

import pytest
from helpers_profiles import integrity_ok, make_container, mutate, snapshot, temp_files

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

RESTORE_POINTS = [
    "journal-written",
    "staged-settings",
    "staged-strategies",
    "staged-market_data",
    "committing",
    "replaced-settings",
    "replaced-strategies",
    "replaced-market_data",
    "backup-strategies",  # inside the pre-restore backup
    "backup-manifest",
]
BACKUP_POINTS = ["backup-settings", "backup-strategies", "backup-market_data", "backup-manifest"]


def _prepare(home):
    container = make_container(home)
    session = container.core.database_session()
    rng = random.Random(7)
    for step in range(10):
        mutate(session, rng, step)
    backup = container.profiles.create_backup().execute(CreateBackupCommand(note="target"))
    after = snapshot(session.paths())
    for step in range(10, 20):
        mutate(session, rng, step)
    before = snapshot(session.paths())
    session.close_all()
    return backup.id, before, after, session.paths()


def _run_child(home, operation, kill_at=None, kill_after=None):
    pid = os.fork()
    if pid == 0:  # child: never returns
        code = 1
        try:
            container = make_container(home)

            def hook(point):
                if point == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)

            container.profiles.replacer().kill_hook = hook
            container.profiles.backup_store().kill_hook = hook
            operation(container)
            code = 0
        finally:
            os._exit(code)
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    return status


def _check_after_restart(home, paths, allowed_states):
    container = make_container(home)  # start-up recovery runs here, before the session opens
    assert container.core.database_session().paths() == paths
    container.core.database_session().close_all()
    for path in paths.values():
        assert integrity_ok(path), path
    state = snapshot(paths)
    assert state in allowed_states
    assert temp_files(home) == []
    assert not (home / "config" / "database-operation.journal.json").exists()
    for backup in container.profiles.list_backups().execute():
        assert container.profiles.verify_backup().execute(backup.id).ok, backup.id
    return allowed_states.index(state)


@pytest.mark.parametrize("point", RESTORE_POINTS)
def test_kill_during_restore(home, point):
    backup_id, before, after, paths = _prepare(home)
    status = _run_child(
        home, lambda c: asyncio.run(c.profiles.restore_backup().execute(backup_id)), kill_at=point
    )
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    outcome = _check_after_restart(home, paths, [before, after])
    expected = 1 if point in ("committing",) or point.startswith("replaced-") else 0
    assert outcome == expected


def test_kill_during_restore_at_random_times(home):
    backup_id, before, after, paths = _prepare(home)
    rng = random.Random(11)

    def restore_forever(container):
        while True:
            asyncio.run(container.profiles.restore_backup().execute(backup_id))

    seen = set()
    for _ in range(4):
        _run_child(home, restore_forever, kill_after=rng.uniform(0.05, 0.35))
        seen.add(_check_after_restart(home, paths, [before, after]))
    assert 1 in seen


@pytest.mark.parametrize("point", BACKUP_POINTS + ["random"] * 2)
def test_kill_during_backup(home, point):
    _, before, _, paths = _prepare(home)
    count = len(list((home / "backups").iterdir()))

    def backup_forever(container):
        while True:
            container.profiles.create_backup().execute(CreateBackupCommand(note="crash"))

    if point == "random":
        _run_child(home, backup_forever, kill_after=random.uniform(0.05, 0.3))
    else:
        _run_child(home, lambda c: c.profiles.create_backup().execute(), kill_at=point)
    _check_after_restart(home, paths, [before])
    if point != "random":
        assert len(list((home / "backups").iterdir())) == count


@pytest.mark.parametrize("seed", range(6))
def test_kill_during_switch(home, seed):
    container = make_container(home)
    asyncio.run(container.profiles.switch_profile().execute("testing"))
    asyncio.run(container.profiles.switch_profile().execute("development"))
    registry = container.core.profile_registry()
    states = {p: snapshot(registry.database_paths(p)) for p in ("development", "testing")}
    container.core.database_session().close_all()

    def switch_forever(c):
        target = "testing"
        while True:
            asyncio.run(c.profiles.switch_profile().execute(target))
            target = "development" if target == "testing" else "testing"

    _run_child(home, switch_forever, kill_after=random.Random(seed).uniform(0.02, 0.25))
    restarted = make_container(home)
    active = restarted.core.active_profile_id()
    assert active in ("development", "testing")
    assert restarted.core.database_session().paths() == registry.database_paths(active)
    restarted.core.database_session().close_all()
    for profile, state in states.items():
        paths = registry.database_paths(profile)
        assert all(integrity_ok(p) for p in paths.values())
        assert snapshot(paths) == state
    assert temp_files(home) == []
