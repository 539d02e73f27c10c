"""The registry of database profiles, kept outside the profile databases themselves.

It lives in ``<home>/config/profiles.json`` so that switching never depends on the database being
switched away from. It is also the ProfileRepository port of the database-configuration use cases:
every write is atomic (temp file beside it, fsync, rename, folder fsync).

Document: ``{"active": ID, "profiles": [{"id", "name", "environment", "description",
"databases": {NAME: absolute path}}]}``; a database without a path lives in ``<home>/data/<id>/``.
Every read is validated by ``registry_schema.RegistryDocument`` (listed in docs/configuration-reference.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.profiles.configuration import DatabaseConfiguration
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import (
    DatabaseName,
    DatabasePath,
    Environment,
    ProfileId,
)
from upbit_auto_trading.infrastructure.config.messages import describe
from upbit_auto_trading.infrastructure.errors import InfrastructureError
from upbit_auto_trading.infrastructure.files.fsutil import atomic_write_text
from upbit_auto_trading.infrastructure.paths import AppPaths
from upbit_auto_trading.infrastructure.profiles.registry_schema import RegistryDocument

BUILTIN_PROFILES = ("development", "testing", "production")
DATABASE_FILES = {
    "settings": "settings.sqlite3",
    "strategies": "strategies.sqlite3",
    "market_data": "market_data.sqlite3",
}


class ProfileRegistryError(InfrastructureError):
    """The profile registry file is unreadable, breaks its schema or names an unknown profile; the message
    names the file (and the key and value at fault)."""


class ProfileRegistry:
    def __init__(self, paths: AppPaths) -> None:
        self._paths = paths

    @property
    def app_paths(self) -> AppPaths:
        return self._paths

    @property
    def file(self) -> Path:
        return self._paths.config_dir / "profiles.json"

    def _default_document(self) -> dict:
        return {
            "active": "development",
            "profiles": [
                {"id": pid, "name": pid, "environment": pid, "description": "", "databases": {}}
                for pid in BUILTIN_PROFILES
            ],
        }

    # -- the foundation's document API (kept: other code uses it) --------------------------------------
    def load(self) -> dict:
        """The validated document (``registry_schema.RegistryDocument``); ProfileRegistryError names the
        file, the key, the value and what is allowed."""
        if not self.file.exists():
            return self._default_document()
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise ProfileRegistryError(
                f"Cannot read the profile registry {self.file}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                f"at position {exc.start})"
            ) from None
        except (OSError, ValueError, RecursionError) as exc:
            raise ProfileRegistryError(f"Cannot read the profile registry {self.file}: {exc}") from exc
        try:
            return RegistryDocument.model_validate(raw).model_dump()
        except ValidationError as exc:
            raise ProfileRegistryError(describe(exc, RegistryDocument, lambda loc: str(self.file))) from None

    def save(self, document: dict) -> None:
        atomic_write_text(self.file, json.dumps(document, ensure_ascii=False, indent=2))

    def profile_ids(self) -> list[str]:
        return [p["id"] for p in self.load()["profiles"]]

    def active_profile_id(self) -> str:
        return str(self.load().get("active", "development"))

    def default_paths(self, profile_id: str) -> dict[str, Path]:
        folder = self._paths.data_dir / profile_id
        return {name: folder / filename for name, filename in DATABASE_FILES.items()}

    def database_paths(self, profile_id: str) -> dict[str, Path]:
        for profile in self.load()["profiles"]:
            if profile["id"] == profile_id:
                custom = profile.get("databases") or {}
                defaults = self.default_paths(profile_id)
                return {
                    name: Path(custom[name]) if custom.get(name) else defaults[name]
                    for name in DATABASE_FILES
                }
        raise ProfileRegistryError(f"Unknown profile '{profile_id}' in {self.file}")

    def environment(self, profile_id: str) -> str:
        for profile in self.load()["profiles"]:
            if profile["id"] == profile_id:
                return str(profile.get("environment", "development"))
        raise ProfileRegistryError(f"Unknown profile '{profile_id}' in {self.file}")

    # -- the ProfileRepository port ----------------------------------------------------------------
    def load_configuration(self) -> DatabaseConfiguration:
        document = self.load()
        try:
            profiles = [
                DatabaseProfile(
                    profile_id=ProfileId(str(p["id"])),
                    name=str(p.get("name") or p["id"]),
                    environment=Environment.parse(str(p.get("environment", "development"))),
                    description=str(p.get("description", "")),
                    custom_paths={
                        DatabaseName.parse(name): DatabasePath(Path(path))
                        for name, path in (p.get("databases") or {}).items()
                        if path
                    },
                )
                for p in document["profiles"]
            ]
            return DatabaseConfiguration(profiles, ProfileId(str(document.get("active", "development"))))
        except (DomainError, KeyError, TypeError) as exc:
            raise ProfileRegistryError(
                f"The profile registry {self.file} is invalid: {exc}; fix or delete it"
            ) from exc

    def save_configuration(self, configuration: DatabaseConfiguration) -> None:
        document = {
            "active": configuration.active_id.value,
            "profiles": [
                {
                    "id": p.id,
                    "name": p.name,
                    "environment": p.environment.value,
                    "description": p.description,
                    "databases": {name.value: str(path) for name, path in sorted(p.custom_paths.items())},
                }
                for p in configuration.profiles()
            ],
        }
        self.save(document)
