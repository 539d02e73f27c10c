"""Core providers: paths, configuration, profiles, the database session."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from upbit_auto_trading.application.profiles.session_profile import SessionProfileHolder
from upbit_auto_trading.application.system.check_databases import CheckDatabases
from upbit_auto_trading.application.system.get_system_info import GetSystemInfo
from upbit_auto_trading.infrastructure.logging.memory_sink import MemoryLogSink
from upbit_auto_trading.infrastructure.paths import AppPaths
from upbit_auto_trading.infrastructure.profiles.registry import ProfileRegistry
from upbit_auto_trading.infrastructure.sqlite.inspector import SqliteDatabaseInspector
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


def _opened_profile(registry: ProfileRegistry, requested: str) -> str:
    """The profile the session opens: ``--profile`` / the config's ``profile``, else the registry's active one."""
    return requested or registry.active_profile_id()


def _open_session(registry: ProfileRegistry, profile_id: str) -> DatabaseSession:
    from upbit_auto_trading.infrastructure.profiles.recovery import recover_interrupted_operations

    registry.load()  # a broken profiles.json is refused before recovery acts on the paths it lists
    recover_interrupted_operations(registry)  # finish or roll back a crashed restore before opening anything
    session = DatabaseSession(registry.database_paths(profile_id))
    session.migrate_all()
    return session


class CoreContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    home: providers.Dependency[Path] = providers.Dependency()

    app_paths = providers.Singleton(AppPaths, home=home)
    log_sink = providers.Singleton(MemoryLogSink)
    profile_registry = providers.Singleton(ProfileRegistry, paths=app_paths)
    # Which profile the open session belongs to; a profile switch changes it (ApplyProfileSwitch).
    session_profile = providers.Singleton(
        SessionProfileHolder,
        profile_id=providers.Callable(_opened_profile, registry=profile_registry, requested=config.profile),
    )
    # read on every call: after a switch, the new profile (a Singleton given the id would keep the old one)
    active_profile_id = providers.Callable(SessionProfileHolder.current, session_profile)
    database_session = providers.Singleton(
        _open_session, registry=profile_registry, profile_id=active_profile_id
    )

    active_environment = providers.Callable(ProfileRegistry.environment, profile_registry, active_profile_id)
    database_inspector = providers.Factory(SqliteDatabaseInspector, session=database_session)
    get_system_info = providers.Factory(
        GetSystemInfo,
        inspector=database_inspector,
        home=providers.Callable(str, home),
        profile=active_profile_id,
        environment=active_environment,
    )
    check_databases = providers.Factory(CheckDatabases, inspector=database_inspector)
