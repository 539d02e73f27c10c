"""Domain rules of profiles, backups and the configuration aggregate."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.profiles.backup_record import BackupFile, BackupRecord
from upbit_auto_trading.domain.profiles.configuration import DatabaseConfiguration
from upbit_auto_trading.domain.profiles.errors import (
    DatabaseConfigurationError,
    InvalidProfileError,
    ProfileInUseError,
    UnknownProfileError,
)
from upbit_auto_trading.domain.profiles.events import ProfileSwitched
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import (
    BackupId,
    BackupKind,
    DatabaseName,
    DatabasePath,
    Environment,
    ProfileId,
)


def profile(pid: str, env: str = "development", **kw) -> DatabaseProfile:
    return DatabaseProfile(ProfileId(pid), kw.pop("name", pid), Environment.parse(env), **kw)


@pytest.mark.parametrize("bad", ["", "ab", "Dev", "-dev", "with space", "x" * 41, "a/b"])
def test_profile_id_rules(bad):
    with pytest.raises(InvalidProfileError):
        ProfileId(bad)


def test_profile_id_accepts_three_characters():
    assert ProfileId("abc").value == "abc"


def test_environment_parse_and_unknown():
    assert Environment.parse(" Production ") is Environment.PRODUCTION
    with pytest.raises(InvalidProfileError, match="development, testing, production"):
        Environment.parse("staging")


def test_paths_must_be_absolute_and_distinct():
    with pytest.raises(InvalidProfileError, match="absolute"):
        DatabasePath(Path("relative.db"))
    same = DatabasePath(Path("/data/x.db"))
    with pytest.raises(InvalidProfileError, match="own file"):
        profile("abc", custom_paths={DatabaseName.SETTINGS: same, DatabaseName.STRATEGIES: same})


def test_rename_and_edit():
    p = profile("abc", description="d")
    p.rename("  New   name ")
    assert p.name == "New name"
    with pytest.raises(InvalidProfileError):
        p.rename("   ")
    p.edit(environment=Environment.PRODUCTION, description="x")
    assert p.is_production and p.description == "x"


def test_configuration_switch_records_event_and_delete_rules():
    config = DatabaseConfiguration([profile("dev"), profile("prod", "production")], ProfileId("dev"))
    with pytest.raises(ProfileInUseError):
        config.remove("dev")
    with pytest.raises(UnknownProfileError, match="known profiles: dev, prod"):
        config.get("nope")
    config.switch_to("prod")
    assert config.active_id == ProfileId("prod")
    [event] = config.events
    assert isinstance(event, ProfileSwitched) and isinstance(event, Event)
    assert (event.previous_profile_id, event.profile_id, event.environment) == ("dev", "prod", "production")
    config.switch_to("prod")
    assert len(config.events) == 1  # no event when nothing changes
    config.remove("dev")
    with pytest.raises(InvalidProfileError, match="already exists"):
        config.add(profile("prod"))


def _files(names=("settings", "strategies", "market_data")):
    return tuple(BackupFile(DatabaseName(n), f"{n}.sqlite3", 10, "a" * 64, 1) for n in names)


def test_backup_record_needs_one_file_per_database_and_utc():
    now = datetime.now(UTC)
    record = BackupRecord(
        BackupId("b-001"), ProfileId("dev"), Environment.DEVELOPMENT, BackupKind.MANUAL, now, "0.1", _files()
    )
    assert record.total_bytes == 30
    assert record.file(DatabaseName.MARKET_DATA).file_name == "market_data.sqlite3"
    with pytest.raises(DatabaseConfigurationError, match="exactly one file per database"):
        BackupRecord(
            BackupId("b-002"),
            ProfileId("dev"),
            Environment.DEVELOPMENT,
            BackupKind.MANUAL,
            now,
            "0.1",
            _files(("settings",)),
        )
    with pytest.raises(DatabaseConfigurationError, match="timezone"):
        BackupRecord(
            BackupId("b-003"),
            ProfileId("dev"),
            Environment.DEVELOPMENT,
            BackupKind.MANUAL,
            now.replace(tzinfo=None),
            "0.1",
            _files(),
        )
    with pytest.raises(DatabaseConfigurationError, match="plain file name"):
        BackupFile(DatabaseName.SETTINGS, "../x", 1, "a" * 64, 1)


def test_only_manual_backups_are_kept_forever():
    assert BackupKind.MANUAL.retained_forever
    assert not BackupKind.AUTOMATIC.retained_forever and not BackupKind.PRE_RESTORE.retained_forever
