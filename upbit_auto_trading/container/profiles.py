"""Providers of database profiles, backups and restores (issue 4)."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.profiles.apply_profile_switch import ApplyProfileSwitch
from upbit_auto_trading.application.profiles.apply_restore import ApplyRestore
from upbit_auto_trading.application.profiles.automatic_backup import TakeAutomaticBackup
from upbit_auto_trading.application.profiles.change_appliers import profiles_gate_client
from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeDatabaseLocation,
)
from upbit_auto_trading.application.profiles.create_backup import CreateBackup
from upbit_auto_trading.application.profiles.create_profile import CreateProfile
from upbit_auto_trading.application.profiles.delete_backup import DeleteBackup
from upbit_auto_trading.application.profiles.delete_profile import DeleteProfile
from upbit_auto_trading.application.profiles.edit_profile import EditProfile
from upbit_auto_trading.application.profiles.export_backup import ExportBackup
from upbit_auto_trading.application.profiles.gate_trading_activity import GateTradingActivity
from upbit_auto_trading.application.profiles.import_backup import ImportBackup
from upbit_auto_trading.application.profiles.list_backups import ListBackups
from upbit_auto_trading.application.profiles.list_profiles import ListProfiles
from upbit_auto_trading.application.profiles.prepare_profile import PrepareOpenedProfile
from upbit_auto_trading.application.profiles.rename_profile import RenameProfile
from upbit_auto_trading.application.profiles.restore_backup import RestoreBackup
from upbit_auto_trading.application.profiles.switch_profile import SwitchProfile
from upbit_auto_trading.application.profiles.system_safety_check import SystemSafetyCheck
from upbit_auto_trading.application.profiles.verify_backup import VerifyBackup
from upbit_auto_trading.infrastructure.profiles.backup_store import FileBackupStore
from upbit_auto_trading.infrastructure.profiles.database_files import SqliteDatabaseFiles
from upbit_auto_trading.infrastructure.profiles.live_trading_marker import LiveTradingMarker
from upbit_auto_trading.infrastructure.profiles.operation_lock import FileOperationLock
from upbit_auto_trading.infrastructure.profiles.replacement import JournaledReplacer
from upbit_auto_trading.infrastructure.profiles.safety_probe import SqliteSafetyProbe
from upbit_auto_trading.infrastructure.sqlite.write_access import SqliteWriterExclusion


class ProfilesContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    event_bus = providers.DependenciesContainer()

    keep_automatic = providers.Callable(lambda c: int(c.config.backup.keep_automatic() or 10), core)
    # the one holder of the session's profile: a switch changes it, core.active_profile_id reads it
    session_profile = core.session_profile
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
    publisher = event_bus.publisher
    # asks the gate on every check (the gate's provider, so a gate that cannot be built blocks: fail closed)
    trading = providers.Singleton(GateTradingActivity, gate=event_bus.gate.provider)
    # follows this process's bus, so other processes (the CLI, other windows) see our live trades
    trading_marker = providers.Singleton(
        LiveTradingMarker.following,
        folder=providers.Callable(lambda paths: paths.config_dir, core.app_paths),
        bus=event_bus.bus,
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
    # one per restore: ``apply_restore(progress=...)`` reports to that restore's progress callback
    apply_restore = providers.Factory(
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
    # registers the profile.switch and backup.restore appliers on the process's gate (at start-up)
    gate_client = providers.Singleton(
        profiles_gate_client,
        gate=event_bus.gate.provider,
        switch=apply_switch,
        restore=apply_restore.provider,
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
