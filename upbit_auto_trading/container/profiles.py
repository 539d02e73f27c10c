"""Providers of database profiles, backups and restores (issue 4)."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.profiles.apply_profile_switch import ApplyProfileSwitch
from upbit_auto_trading.application.profiles.apply_restore import ApplyRestore
from upbit_auto_trading.application.profiles.automatic_backup import TakeAutomaticBackup
from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeDatabaseLocation,
)
from upbit_auto_trading.application.profiles.create_backup import CreateBackup
from upbit_auto_trading.application.profiles.create_profile import CreateProfile
from upbit_auto_trading.application.profiles.delete_backup import DeleteBackup
from upbit_auto_trading.application.profiles.delete_profile import DeleteProfile
from upbit_auto_trading.application.profiles.edit_profile import EditProfile
from upbit_auto_trading.application.profiles.export_backup import ExportBackup
from upbit_auto_trading.application.profiles.gate_client import (
    BACKUP_RESTORE,
    PROFILE_SWITCH,
    GateClient,
)
from upbit_auto_trading.application.profiles.import_backup import ImportBackup
from upbit_auto_trading.application.profiles.list_backups import ListBackups
from upbit_auto_trading.application.profiles.list_profiles import ListProfiles
from upbit_auto_trading.application.profiles.prepare_profile import PrepareOpenedProfile
from upbit_auto_trading.application.profiles.rename_profile import RenameProfile
from upbit_auto_trading.application.profiles.restore_backup import RestoreBackup
from upbit_auto_trading.application.profiles.switch_profile import SwitchProfile
from upbit_auto_trading.application.profiles.system_safety_check import SystemSafetyCheck
from upbit_auto_trading.application.profiles.verify_backup import VerifyBackup
from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.infrastructure.profiles.backup_store import FileBackupStore
from upbit_auto_trading.infrastructure.profiles.database_files import SqliteDatabaseFiles
from upbit_auto_trading.infrastructure.profiles.live_trading_marker import LiveTradingMarker
from upbit_auto_trading.infrastructure.profiles.operation_lock import FileOperationLock
from upbit_auto_trading.infrastructure.profiles.replacement import JournaledReplacer
from upbit_auto_trading.infrastructure.profiles.safety_probe import SqliteSafetyProbe
from upbit_auto_trading.infrastructure.sqlite.write_access import SqliteWriterExclusion

log = logging.getLogger(__name__)


class CoreSessionProfile:
    """Which profile the open session belongs to; a switch repoints ``core.active_profile_id``."""

    def __init__(self, core: Any) -> None:
        self._core = core

    def current(self) -> str:
        return str(self._core.active_profile_id())

    def changed(self, profile_id: str) -> None:
        self._core.active_profile_id.override(providers.Object(profile_id))


class BusPublisher:
    """Publish domain events on the bus at MEDIUM_CONFIG from any thread; dropped (logged) when the bus
    is not running (the CLI)."""

    def __init__(self, event_bus: Any) -> None:
        self._event_bus = event_bus

    def publish(self, event: Event) -> None:
        try:
            bus = self._event_bus.bus()
        except Exception:  # no bus in this build
            log.debug("no event bus; %s not published", event.event_type)
            return
        if not bus.is_running or bus.loop is None:
            log.debug("event bus not running; %s not published", event.event_type)
            return
        try:
            if _on_loop_thread(bus.loop):
                bus.publish_nowait(event, EventPriority.MEDIUM_CONFIG)
            else:
                bus.publish_threadsafe(event, EventPriority.MEDIUM_CONFIG)
        except Exception:
            log.exception("could not publish %s", event.event_type)


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return getattr(loop, "_thread_id", None) == threading.get_ident()


class GateTradingActivity:
    def __init__(self, event_bus: Any) -> None:
        self._event_bus = event_bus

    def live_trade(self) -> str | None:
        try:
            gate = self._event_bus.gate()
        except Exception:
            return None
        return gate.state.describe() if gate.is_trading else None


def _in_thread(applier: Any) -> Any:
    """The gate runs appliers on the loop thread; the file work goes to a worker thread."""

    async def run(payload: dict) -> None:
        await asyncio.to_thread(applier, payload)

    return run


def _gate_client(
    event_bus: Any, switch: ApplyProfileSwitch, restore: ApplyRestore, marker: LiveTradingMarker
) -> GateClient:
    try:
        gate = event_bus.gate()
    except Exception:
        log.warning("no config-change gate; profile switches and restores are applied at once")
        gate = None
    try:
        marker.attach(event_bus.bus())  # other processes (the CLI, other windows) see our live trades
    except Exception:
        log.warning("no event bus; live trades of this process are not visible to other processes")
    client = GateClient(gate)
    client.register(PROFILE_SWITCH, _in_thread(switch))
    client.register(BACKUP_RESTORE, _in_thread(restore))
    return client


class ProfilesContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    event_bus = providers.DependenciesContainer()

    keep_automatic = providers.Callable(lambda c: int(c.config.backup.keep_automatic() or 10), core)
    session_profile = providers.Singleton(CoreSessionProfile, core=core)
    lock = providers.Singleton(
        FileOperationLock, folder=providers.Callable(lambda paths: paths.config_dir, core.app_paths)
    )
    replacer = providers.Singleton(
        JournaledReplacer, journal_dir=providers.Callable(lambda paths: paths.config_dir, core.app_paths)
    )
    files = providers.Singleton(SqliteDatabaseFiles, replacer=replacer)
    writers = providers.Singleton(SqliteWriterExclusion)
    backup_store = providers.Singleton(
        FileBackupStore, root=providers.Callable(lambda paths: paths.backups_dir, core.app_paths)
    )
    publisher = providers.Singleton(BusPublisher, event_bus=event_bus)
    trading = providers.Singleton(GateTradingActivity, event_bus=event_bus)
    trading_marker = providers.Singleton(
        LiveTradingMarker, folder=providers.Callable(lambda paths: paths.config_dir, core.app_paths)
    )
    probe = providers.Singleton(SqliteSafetyProbe, session=core.database_session)
    safety_check = providers.Factory(
        SystemSafetyCheck, probe=probe, trading=trading, elsewhere=trading_marker
    )

    # what an opened profile gets (bundled candles, sample strategies): steps added by container/startup.py
    preparation = providers.Singleton(PrepareOpenedProfile)
    apply_switch = providers.Singleton(
        ApplyProfileSwitch,
        profiles=core.profile_registry,
        files=files,
        session=core.database_session,
        session_profile=session_profile,
        lock=lock,
        publisher=publisher,
        elsewhere=trading_marker,
        writers=writers,
        preparation=preparation,
    )
    apply_restore = providers.Singleton(
        ApplyRestore,
        profiles=core.profile_registry,
        store=backup_store,
        files=files,
        session=core.database_session,
        session_profile=session_profile,
        safety=safety_check,
        lock=lock,
        publisher=publisher,
        keep_automatic=keep_automatic,
        writers=writers,
    )
    gate_client = providers.Singleton(
        _gate_client,
        event_bus=event_bus,
        switch=apply_switch,
        restore=apply_restore,
        marker=trading_marker,
    )

    list_profiles = providers.Factory(ListProfiles, profiles=core.profile_registry, files=files)
    create_profile = providers.Factory(CreateProfile, profiles=core.profile_registry, lock=lock, files=files)
    edit_profile = providers.Factory(EditProfile, profiles=core.profile_registry, lock=lock)
    rename_profile = providers.Factory(RenameProfile, profiles=core.profile_registry, lock=lock)
    delete_profile = providers.Factory(
        DeleteProfile,
        profiles=core.profile_registry,
        files=files,
        lock=lock,
        session_profile=session_profile,
        writers=writers,
    )
    switch_profile = providers.Factory(
        SwitchProfile,
        profiles=core.profile_registry,
        files=files,
        session_profile=session_profile,
        gate=gate_client,
        applier=apply_switch,
        elsewhere=trading_marker,
    )
    create_backup = providers.Factory(
        CreateBackup,
        profiles=core.profile_registry,
        files=files,
        store=backup_store,
        safety=safety_check,
        lock=lock,
        publisher=publisher,
        session_profile=session_profile,
        keep_automatic=keep_automatic,
    )
    list_backups = providers.Factory(ListBackups, store=backup_store)
    automatic_backup = providers.Factory(
        TakeAutomaticBackup,
        create=create_backup,
        list_backups=list_backups,
        daily=providers.Callable(lambda c: bool(c.config.backup.daily()), core),
        on_exit=providers.Callable(lambda c: bool(c.config.backup.on_exit()), core),
        profile_id=session_profile.provided.current,
    )
    verify_backup = providers.Factory(VerifyBackup, store=backup_store, lock=lock)
    delete_backup = providers.Factory(DeleteBackup, store=backup_store, lock=lock)
    restore_backup = providers.Factory(
        RestoreBackup,
        profiles=core.profile_registry,
        store=backup_store,
        session_profile=session_profile,
        gate=gate_client,
        applier=apply_restore,
        elsewhere=trading_marker,
    )
    export_backup = providers.Factory(ExportBackup, store=backup_store, lock=lock)
    import_backup = providers.Factory(ImportBackup, store=backup_store, lock=lock)
    change_location = providers.Factory(
        ChangeDatabaseLocation,
        profiles=core.profile_registry,
        files=files,
        session=core.database_session,
        session_profile=session_profile,
        safety=safety_check,
        lock=lock,
        publisher=publisher,
        writers=writers,
    )
