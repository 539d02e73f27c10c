"""Data handed to the CLI and the screens (plain values, JSON-ready through ``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.profiles.ports import DatabaseHealth
from upbit_auto_trading.domain.profiles.backup_record import BackupRecord
from upbit_auto_trading.domain.profiles.values import DATABASE_NAMES


def utc_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ProfileSummary:
    id: str
    name: str
    environment: str
    description: str
    active: bool
    databases: dict[str, str]
    health: tuple[DatabaseHealth, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "environment": self.environment,
            "active": self.active,
            "databases": dict(self.databases),
            "description": self.description,
        }
        if self.health:
            data["health"] = {
                h.name: {
                    "exists": h.exists,
                    "bytes": h.bytes,
                    "schema_version": h.schema_version,
                    "problem": h.problem,
                }
                for h in self.health
            }
        return data


@dataclass(frozen=True)
class BackupSummary:
    record: BackupRecord
    path: Path

    @property
    def id(self) -> str:
        return self.record.id

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        files = sorted(r.files, key=lambda f: DATABASE_NAMES.index(f.database))
        return {
            "id": r.id,
            "path": str(self.path),
            "files": [
                {
                    "database": f.database.value,
                    "bytes": f.bytes,
                    "sha256": f.sha256,
                    "schema_version": f.schema_version,
                }
                for f in files
            ],
            "kind": r.kind.value,
            "created_at": utc_text(r.created_at),
            "profile": r.profile_id.value,
            "environment": r.environment.value,
            "app_version": r.app_version,
            "note": r.note,
            "bytes": r.total_bytes,
            "verified": r.verified,
        }


@dataclass(frozen=True)
class VerifyResult:
    backup_id: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems)}


@dataclass(frozen=True)
class ChangeResult:
    """What became of a switch or restore: applied now, held until the live trade ends, or refused."""

    status: str  # "applied" | "held" | "refused"
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status == "applied"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, **self.detail}


@dataclass(frozen=True)
class SafetyReport:
    blockers: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.blockers

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "blockers": list(self.blockers), "warnings": list(self.warnings)}
