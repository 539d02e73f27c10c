"""Ports the system use cases need from the outside."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DatabaseStatus:
    name: str
    path: str
    schema_version: int
    latest_version: int
    integrity: str | None = None  # "ok" or the problem; None when not checked

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.schema_version == self.latest_version


class DatabaseInspector(Protocol):
    def describe(self) -> list[DatabaseStatus]:
        """Path and schema version of each database of the active profile."""
        ...

    def check(self) -> list[DatabaseStatus]:
        """Like describe, plus ``PRAGMA integrity_check`` of each."""
        ...
