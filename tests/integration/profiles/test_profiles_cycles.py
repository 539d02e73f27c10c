"""100 consecutive backup -> mutate -> restore cycles: the content equals the backed-up state each time."""

from __future__ import annotations

import asyncio
import random

from helpers_profiles import make_container, mutate, snapshot, temp_files

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand


def test_hundred_backup_mutate_restore_cycles(home):
    container = make_container(home)
    session = container.core.database_session()
    rng = random.Random(4)
    create = container.profiles.create_backup()
    restore = container.profiles.restore_backup()
    delete = container.profiles.delete_backup()
    mutate(session, rng, 0)
    loop = asyncio.new_event_loop()  # one loop for every cycle
    for cycle in range(100):
        backup = create.execute(CreateBackupCommand(note=f"cycle {cycle}"))
        expected = snapshot(session.paths())
        mutate(session, rng, cycle + 1)
        assert snapshot(session.paths()) != expected
        result = loop.run_until_complete(restore.execute(backup.id))
        assert result.done
        assert snapshot(session.paths()) == expected, f"cycle {cycle}"
        # the app keeps working on the restored files through the same session
        mutate(session, rng, cycle + 1000)
        delete.execute(backup.id)
    loop.close()
    automatic = [b for b in container.profiles.list_backups().execute() if b.record.kind.value != "manual"]
    assert len(automatic) == 3  # retention: keep_automatic = 3 pre-restore backups
    assert temp_files(home) == []
