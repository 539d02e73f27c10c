"""DatabaseProfile: a named set of the three databases (settings, strategies, market_data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from upbit_auto_trading.domain.profiles.errors import InvalidProfileError
from upbit_auto_trading.domain.profiles.values import (
    DATABASE_NAMES,
    DatabaseName,
    DatabasePath,
    Environment,
    ProfileId,
)

MAX_NAME = 60
MAX_DESCRIPTION = 500


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise InvalidProfileError("A profile needs a name")
    if len(name) > MAX_NAME:
        raise InvalidProfileError(f"A profile name has at most {MAX_NAME} characters")
    return name


@dataclass(eq=False)
class DatabaseProfile:
    """An entity: identity is the id. ``custom_paths`` holds only the paths the user chose; the others
    are the profile's default location (decided by infrastructure)."""

    profile_id: ProfileId
    name: str
    environment: Environment
    description: str = ""
    custom_paths: dict[DatabaseName, DatabasePath] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.name = _clean_name(self.name)
        self._check_description(self.description)
        unknown = set(self.custom_paths) - set(DATABASE_NAMES)
        if unknown:
            raise InvalidProfileError(f"Unknown databases in profile paths: {sorted(unknown)}")
        self._check_distinct(self.custom_paths)

    @property
    def id(self) -> str:
        return self.profile_id.value

    @staticmethod
    def _check_description(description: str) -> None:
        if len(description) > MAX_DESCRIPTION:
            raise InvalidProfileError(f"A profile description has at most {MAX_DESCRIPTION} characters")

    @staticmethod
    def _check_distinct(paths: Mapping[DatabaseName, DatabasePath]) -> None:
        values = [p.path for p in paths.values()]
        if len(set(values)) != len(values):
            raise InvalidProfileError("Each database of a profile needs its own file")

    def rename(self, name: str) -> None:
        self.name = _clean_name(name)

    def edit(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        environment: Environment | None = None,
    ) -> None:
        if name is not None:
            self.rename(name)
        if description is not None:
            self._check_description(description)
            self.description = description
        if environment is not None:
            self.environment = environment

    def relocate(self, paths: Mapping[DatabaseName, DatabasePath]) -> None:
        merged = {**self.custom_paths, **paths}
        self._check_distinct(merged)
        self.custom_paths = merged

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION
