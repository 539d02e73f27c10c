"""Integrity and schema version of every database of the active profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upbit_auto_trading.application.system.ports import DatabaseInspector, DatabaseStatus


@dataclass(frozen=True)
class DatabaseCheckReport:
    databases: list[DatabaseStatus]

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.databases)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "databases": {
                d.name: {
                    "integrity": d.integrity,
                    "schema_version": d.schema_version,
                    "latest_version": d.latest_version,
                    "path": d.path,
                }
                for d in self.databases
            },
        }


class CheckDatabases:
    def __init__(self, inspector: DatabaseInspector) -> None:
        self._inspector = inspector

    def execute(self) -> DatabaseCheckReport:
        return DatabaseCheckReport(self._inspector.check())
