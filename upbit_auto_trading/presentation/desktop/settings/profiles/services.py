"""What the Settings -> Database page works with: the profile and backup use cases, the backups folder, the
bus it follows for switches and restores made elsewhere, and its background work. Filled in by
``container/screens.py``; presenter tests build it from fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.profiles.change_database_location import ChangeDatabaseLocation
from upbit_auto_trading.application.profiles.create_backup import CreateBackup
from upbit_auto_trading.application.profiles.create_profile import CreateProfile
from upbit_auto_trading.application.profiles.delete_backup import DeleteBackup
from upbit_auto_trading.application.profiles.delete_profile import DeleteProfile
from upbit_auto_trading.application.profiles.edit_profile import EditProfile
from upbit_auto_trading.application.profiles.export_backup import ExportBackup
from upbit_auto_trading.application.profiles.import_backup import ImportBackup
from upbit_auto_trading.application.profiles.list_backups import ListBackups
from upbit_auto_trading.application.profiles.list_profiles import ListProfiles
from upbit_auto_trading.application.profiles.restore_backup import RestoreBackup
from upbit_auto_trading.application.profiles.switch_profile import SwitchProfile
from upbit_auto_trading.application.profiles.verify_backup import VerifyBackup
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


@dataclass(frozen=True)
class DatabaseServices:
    list_profiles: ListProfiles
    create_profile: CreateProfile
    edit_profile: EditProfile
    delete_profile: DeleteProfile
    switch_profile: SwitchProfile
    create_backup: CreateBackup
    list_backups: ListBackups
    verify_backup: VerifyBackup
    restore_backup: RestoreBackup
    delete_backup: DeleteBackup
    backup_folder: Callable[[str | None], Path]  # a backup's folder (None: the folder of all backups)
    change_location: ChangeDatabaseLocation
    export_backup: ExportBackup
    import_backup: ImportBackup
    # the page reloads on ProfileSwitched / BackupRestored published here (None: only after its own actions)
    bus: EventBus | None = None
    # made with the page as its owner: results come back to the GUI thread while the page lives
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork
