"""Issue 14: whether a trade is live must be known before database files are replaced (fail closed), a
restore's progress reaches whoever started it, and the live-trading guard follows a profile switch.

Real homes, real SQLite files: the trading state's source fails the way it would for a user, through a
damaged row in the held-requests table the config-change gate reads when it is built.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3

import pytest
from helpers_profiles import make_container, mutate, snapshot

from upbit_auto_trading.application.profiles.change_database_location import ChangeLocationCommand
from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
from upbit_auto_trading.application.profiles.errors import UnsafeOperationError
from upbit_auto_trading.application.trading.live_guard import LiveModeRefused
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted
from upbit_auto_trading.domain.work import Progress


def _backed_up_home(home):
    """A home with one backup, changed since: a restore would change the files."""
    container = make_container(home)
    session = container.core.database_session()
    mutate(session, random.Random(1), 1)
    backup = container.profiles.create_backup().execute(CreateBackupCommand(note="before"))
    mutate(session, random.Random(2), 2)
    paths = session.paths()
    session.close_all()
    return backup.id, paths


def _damage_held_requests(settings_db) -> None:
    """A held request whose payload is not JSON: the gate cannot read what it holds, so it cannot be built."""
    with sqlite3.connect(settings_db) as conn:
        conn.execute(
            "INSERT INTO held_config_requests (request_id, kind, payload_json, may_wait, description, "
            "requested_at, held_at, last_error) VALUES ('r1', 'profile.switch', '{damaged', 1, 'switch', "
            "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', '')"
        )
    conn.close()


def test_a_trading_state_that_cannot_be_read_blocks_the_restore_and_the_backup(tmp_path, caplog):
    backup_id, paths = _backed_up_home(tmp_path)
    _damage_held_requests(paths["settings"])
    before = snapshot(paths)

    container = make_container(tmp_path)  # starts all the same: the failure is reported where it matters
    result = asyncio.run(container.profiles.restore_backup().execute(backup_id))

    assert result.status == "refused"
    assert "config-change gate is unavailable" in result.reason
    assert "whether a trade is live cannot be told" in result.reason and "JSONDecodeError" in result.reason
    assert snapshot(paths) == before  # nothing was restored
    assert any("gate is unavailable" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")

    # moving the databases asks the same source through GateTradingActivity in its safety check: blocked too
    with pytest.raises(UnsafeOperationError, match="whether a trade is live cannot be told"):
        container.profiles.change_location().execute(ChangeLocationCommand("development", tmp_path / "moved"))
    assert container.core.profile_registry().database_paths("development") == paths
    assert not (tmp_path / "moved").exists() or not any((tmp_path / "moved").iterdir())
    container.core.database_session().close_all()


def test_a_restore_reports_its_progress_to_the_caller(tmp_path):
    backup_id, paths = _backed_up_home(tmp_path)
    container = make_container(tmp_path)
    expected = snapshot(paths)
    seen: list[Progress] = []

    async def restore():
        bus = container.event_bus.bus()  # as in the desktop: the gate on a running bus
        await bus.start()
        try:
            return await container.profiles.restore_backup().execute(backup_id, progress=seen.append)
        finally:
            await bus.stop()

    result = asyncio.run(restore())
    assert result.status == "applied" and result.detail["pre_restore_backup"]
    assert [p.message for p in seen] == ["verify", "pre-restore backup", "replace", "reopen", "done"]
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert snapshot(paths) != expected  # the restore did replace the changed files
    container.core.database_session().close_all()


def test_a_held_restore_returns_no_progress_and_no_pre_restore_backup(tmp_path):
    backup_id, _ = _backed_up_home(tmp_path)
    container = make_container(tmp_path)
    seen: list[Progress] = []

    async def held_then_released():
        bus = container.event_bus.bus()
        await bus.start()
        try:
            await bus.publish(TradingStarted(strategy_id="s1", market="KRW-BTC"))
            await bus.join()
            result = await container.profiles.restore_backup().execute(backup_id, progress=seen.append)
            await bus.publish(TradingCompleted(strategy_id="s1", market="KRW-BTC"))
            await bus.join()
            return result
        finally:
            await bus.stop()

    result = asyncio.run(held_then_released())
    assert result.status == "held" and "pre_restore_backup" not in result.detail
    assert seen == []
    kinds = sorted(b.record.kind.value for b in container.profiles.list_backups().execute())
    assert kinds == ["manual", "pre_restore"]  # it was applied when the trade ended
    container.core.database_session().close_all()


def test_the_live_guard_follows_a_profile_switch(tmp_path):
    container = make_container(tmp_path)
    guard = container.trading.live_guard()  # built before the switch, as the engine's is
    with pytest.raises(LiveModeRefused, match="'development' is development"):
        guard.check(object(), "development")
    container.profiles.apply_switch().execute("testing")
    assert container.core.active_profile_id() == "testing"
    assert container.profiles.session_profile().current() == "testing"
    with pytest.raises(LiveModeRefused, match="'testing' is testing"):
        guard.check(object(), "testing")
    container.core.database_session().close_all()


def test_the_command_line_build_publishes_to_no_bus(tmp_path):
    from upbit_auto_trading.application.trigger.dto import TriggerDraft

    cli = build_container(home=tmp_path / "cli", runs_bus=False)
    cli.core.database_session()
    cli.triggers.create_trigger().execute(
        TriggerDraft(name="rsi low", variable_id="RSI", operator="lt", value="35")
    )
    assert sum(cli.event_bus.bus().stats().published.values()) == 0  # nothing waits in a bus nobody starts
    cli.core.database_session().close_all()

    desktop = build_container(home=tmp_path / "desktop")
    desktop.core.database_session()
    desktop.triggers.create_trigger().execute(
        TriggerDraft(name="rsi low", variable_id="RSI", operator="lt", value="35")
    )
    assert sum(desktop.event_bus.bus().stats().published.values()) == 1  # queued for the bus's start
    desktop.core.database_session().close_all()


def test_the_command_line_restore_shows_its_progress_on_stderr(tmp_path, capsys):
    import json

    from upbit_auto_trading.container.cli import cli_services
    from upbit_auto_trading.container.startup import startup
    from upbit_auto_trading.presentation.cli.app import run

    made = []

    def factory(args):  # as container/cli.py's open_cli_services, minus the log files and the seeding
        container = build_container(
            home=args.home,
            profile=args.profile,
            overrides={"market_data": {"seed_bundled": False}},
            runs_bus=False,
        )
        startup(container)
        made.append(container)
        return cli_services(container)

    home = tmp_path / "home"
    assert run(["--home", str(home), "backup", "create", "--json"], factory) == 0
    backup_id = json.loads(capsys.readouterr().out)["id"]
    code = run(["--home", str(home), "backup", "restore", backup_id, "--yes", "--json"], factory)
    for container in made:
        container.core.database_session().close_all()
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "applied"  # stdout stays one JSON document
    lines = [line for line in err.splitlines() if line.startswith("restore:")]
    assert lines[0] == "restore:   5% verify" and lines[-1] == "restore: 100% done" and len(lines) == 5
