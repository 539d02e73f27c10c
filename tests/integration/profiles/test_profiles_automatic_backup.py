from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from upbit_auto_trading.application.profiles.automatic_backup import TakeAutomaticBackup
from upbit_auto_trading.container.bootstrap import build_container


def _take(container, daily: bool, on_exit: bool, now: datetime) -> TakeAutomaticBackup:
    profiles = container.profiles
    return TakeAutomaticBackup(
        profiles.create_backup(),
        profiles.list_backups(),
        daily,
        on_exit,
        lambda: "development",
        clock=lambda: now,
    )


def test_daily_backup_only_when_due_and_exit_backup_when_enabled(app_home: Path) -> None:
    container = build_container(home=app_home, overrides={"market_data": {"seed_bundled": False}})
    container.core.database_session()
    now = datetime.now(UTC)
    assert _take(container, daily=False, on_exit=False, now=now).execute("daily") is None
    assert _take(container, daily=False, on_exit=False, now=now).execute("exit") is None
    first = _take(container, daily=True, on_exit=False, now=now).execute("daily")
    assert first is not None and first.record.kind.value == "automatic"
    assert _take(container, daily=True, on_exit=False, now=now + timedelta(hours=23)).execute("daily") is None
    later = _take(container, daily=True, on_exit=False, now=now + timedelta(days=1, minutes=1)).execute(
        "daily"
    )
    assert later is not None
    assert _take(container, daily=False, on_exit=True, now=now).execute("exit") is not None
    assert len(container.profiles.list_backups().execute("development")) == 3
    container.core.database_session().close_all()
