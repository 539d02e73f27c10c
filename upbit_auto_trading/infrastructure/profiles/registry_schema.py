"""The schema of ``<home>/config/profiles.json``, and the profile-id rule the configuration shares.

The registry names the files every profile opens, so a wrong entry is refused when the file is read, before
start-up recovery or a database session acts on the paths it lists: an id that is not a plain folder name
(``../x``), a relative path (it would follow the working directory), a folder, an unknown environment,
two profiles with one id, an active profile that is not listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.profiles.values import DatabaseName, ProfileId
from upbit_auto_trading.infrastructure.config.rules import RULE, Allowed, Section, choice

PROFILE_ID_RULE = (
    "3 to 40 characters: lower-case letters, digits, '-' or '_', starting with a letter or digit"
)


def _profile_id(value: str) -> str:
    try:
        ProfileId(value)  # the domain's rule: the id is also a folder name under <home>/data/
    except DomainError:
        raise ValueError("not a profile id") from None
    return value


def _profile_id_or_empty(value: str) -> str:
    return value and _profile_id(value)


def _database_file(value: str | None) -> str | None:
    if not value:
        return None  # empty: the profile's default file in <home>/data/<id>/
    path = Path(value)
    if not path.is_absolute() or value.endswith(("/", "\\")) or path.name in ("", ".", ".."):
        raise ValueError("not an absolute file path")
    try:
        is_folder = path.is_dir()
    except OSError:
        is_folder = False  # unreadable parent: opening the database will say why
    if is_folder:
        raise ValueError("a folder")
    return value


def _text(value: Any) -> Any:
    return "" if value is None else value


ProfileIdText = Annotated[str, AfterValidator(_profile_id), Allowed("profile id", PROFILE_ID_RULE)]
ProfileSetting = Annotated[
    str,
    AfterValidator(_profile_id_or_empty),
    Allowed("profile id", f"empty (the registry's active profile) or a profile id: {PROFILE_ID_RULE}"),
]
Text = Annotated[str, BeforeValidator(_text), Allowed("text", "text")]
# Spelled out for the type checker; a unit test keeps it equal to the domain's Environment values.
EnvironmentValue = Literal["development", "testing", "production"]
EnvironmentName = Annotated[EnvironmentValue, *choice(EnvironmentValue, any_case=True)]
DatabaseFile = Annotated[
    str | None,
    AfterValidator(_database_file),
    Allowed(
        "path", "an absolute path to a database file (not a folder), or empty/null for <home>/data/<id>/"
    ),
]

# One key per database of a profile, from the domain's list, so a new database cannot be forgotten here.
_database_fields: dict[str, Any] = {
    name.value: (DatabaseFile, Field(None, description=f"the {name.value} database")) for name in DatabaseName
}
DatabasePaths = create_model("DatabasePaths", __base__=Section, **_database_fields)


def _mapping_or_empty(value: Any) -> Any:
    return {} if value is None else value


class ProfileEntry(Section):
    id: ProfileIdText = Field(description="also the folder name under <home>/data/")
    name: Text = Field("", description="shown in the app; empty: the id")
    environment: EnvironmentName = Field(
        "development", description="production is the only one allowed to trade live"
    )
    description: Text = Field("", description="free text shown with the profile")
    databases: Annotated[DatabasePaths, BeforeValidator(_mapping_or_empty)] = Field(
        default_factory=DatabasePaths, description="absolute paths that replace the default files"
    )


class RegistryDocument(Section):
    active: ProfileIdText = Field("development", description="the profile opened when none is asked for")
    profiles: list[ProfileEntry] = Field(min_length=1, description="every profile, at least one")

    @model_validator(mode="after")
    def _consistent(self) -> RegistryDocument:
        first: dict[str, int] = {}
        for index, profile in enumerate(self.profiles):
            if profile.id in first:
                raise PydanticCustomError(
                    RULE,
                    "{text}",
                    {"key": ("profiles", index, "id"),
                     "text": f"is {profile.id!r}; expected a unique id (profiles[{first[profile.id]}] has it too)"},
                )  # fmt: skip
            first[profile.id] = index
        if self.active not in first:
            raise PydanticCustomError(
                RULE,
                "{text}",
                {"key": ("active",), "text": f"is {self.active!r}; expected one of {', '.join(first)}"},
            )
        return self
