"""The config-change gate's appliers of the profiles feature, and the gate client that registers them.

A restore's applier builds a fresh ``ApplyRestore`` for every request, reporting to that request's progress
callback, and returns the pre-restore backup's id to the submitter through the gate; a switch's applier is
the one ``ApplyProfileSwitch``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from upbit_auto_trading.application.profiles.apply_profile_switch import ApplyProfileSwitch
from upbit_auto_trading.application.profiles.apply_restore import ApplyRestore
from upbit_auto_trading.application.profiles.gate_client import (
    BACKUP_RESTORE,
    PROFILE_SWITCH,
    ChangeGate,
    GateClient,
)
from upbit_auto_trading.domain.work import ProgressCallback

RestoreFactory = Callable[..., ApplyRestore]  # (progress=ProgressCallback) -> ApplyRestore


class RestoreApplier:
    """Applier of ``backup.restore`` (payload ``backup_id``, ``profile_id``) -> the pre-restore backup's id."""

    def __init__(self, build: RestoreFactory) -> None:
        self._build = build

    def __call__(self, payload: Mapping[str, Any], progress: ProgressCallback) -> str:
        restore = self._build(progress=progress)
        return restore.execute(str(payload["backup_id"]), str(payload["profile_id"]))


def profiles_gate_client(
    gate: Callable[[], ChangeGate], switch: ApplyProfileSwitch, restore: RestoreFactory
) -> GateClient:
    """The gate client with the profile switch and restore appliers registered on the process's gate."""
    client = GateClient.from_source(gate)
    client.register(PROFILE_SWITCH, switch)
    client.register(BACKUP_RESTORE, RestoreApplier(restore))
    return client
