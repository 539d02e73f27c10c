"""What the app is and where it keeps its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upbit_auto_trading import __version__
from upbit_auto_trading.application.system.ports import DatabaseInspector, DatabaseStatus


@dataclass(frozen=True)
class SystemInfo:
    version: str
    home: str
    profile: str
    environment: str
    databases: list[DatabaseStatus]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "home": self.home,
            "profile": self.profile,
            "environment": self.environment,
            "databases": {d.name: {"path": d.path, "schema_version": d.schema_version} for d in self.databases},
        }


class GetSystemInfo:
    def __init__(self, inspector: DatabaseInspector, home: str, profile: str, environment: str) -> None:
        self._inspector = inspector
        self._home = home
        self._profile = profile
        self._environment = environment

    def execute(self) -> SystemInfo:
        return SystemInfo(__version__, self._home, self._profile, self._environment, self._inspector.describe())
