"""Start-up recovery, run before anything opens the databases.

Completes or rolls back a replacement a crash interrupted (see replacement.py), then removes temporary
files left by killed operations (partial backup folders, temp files beside databases and the registry).
Skipped while another process holds the operation lock (its temp files are in use).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from upbit_auto_trading.infrastructure.files.fsutil import TEMP_MARK
from upbit_auto_trading.infrastructure.profiles.operation_lock import FileOperationLock
from upbit_auto_trading.infrastructure.profiles.replacement import JournaledReplacer

log = logging.getLogger(__name__)


def _referenced(registry: Any) -> set[Path]:
    paths: set[Path] = set()
    for profile_id in registry.profile_ids():
        paths.update(registry.database_paths(profile_id).values())
    return paths


def _sweep(folder: Path, registry_tmp: bool = False) -> int:
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        is_ours = TEMP_MARK in entry.name
        is_registry_temp = registry_tmp and entry.name.startswith(".") and entry.name.endswith(".tmp")
        if not (is_ours or is_registry_temp):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def recover_interrupted_operations(registry: Any) -> str | None:
    """``registry`` is the ProfileRegistry (gives the app paths and every profile's files)."""
    paths = registry.app_paths
    lock = FileOperationLock(paths.config_dir)
    with lock.try_hold_now() as got:
        if not got:
            log.info("another process is working on the databases; start-up recovery skipped")
            return None
        outcome = JournaledReplacer(paths.config_dir).recover(lambda: _referenced(registry))
        removed = _sweep(paths.config_dir, registry_tmp=True) + _sweep(paths.backups_dir)
        if paths.backups_dir.is_dir():
            for backup in paths.backups_dir.iterdir():
                if backup.is_dir():
                    removed += _sweep(backup, registry_tmp=True)
        folders = {p.parent for p in _referenced(registry)}
        for folder in folders:
            removed += _sweep(folder)
        if removed:
            log.warning("removed %d temporary files left by an interrupted operation", removed)
        return outcome
