"""profiles.json is validated by a schema: every refusal is one line naming the file, the key and the value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.profiles.values import Environment
from upbit_auto_trading.infrastructure.config.loader import ConfigError
from upbit_auto_trading.infrastructure.paths import AppPaths
from upbit_auto_trading.infrastructure.profiles.registry import ProfileRegistry, ProfileRegistryError

ENV = "UPBIT_AUTO_TRADING__"


def _profile(pid: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": pid, "environment": "development", "description": "", "databases": {}, **extra}


def _write_registry(home: Path, document: Any) -> Path:
    paths = AppPaths(home).ensure()
    file = paths.config_dir / "profiles.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    return file


def _refusal(home: Path) -> str:
    with pytest.raises(ProfileRegistryError) as caught:
        ProfileRegistry(AppPaths(home)).load()
    message = str(caught.value)
    assert "\n" not in message, message
    return message


@pytest.mark.parametrize(
    ("profiles", "needles"),
    [
        ([_profile("development"), _profile("development")], ["'profiles[1].id' is 'development'", "unique"]),
        ([_profile("development"), _profile("../escape")], ["'profiles[1].id' is '../escape'", "lower-case"]),
        ([_profile("development", databases={"settings": "rel/settings.sqlite3"})],
         ["'profiles[0].databases.settings' is 'rel/settings.sqlite3'", "absolute"]),
        ([_profile("development", databases={"settings": "/somewhere/folder/"})],
         ["'profiles[0].databases.settings' is '/somewhere/folder/'", "file"]),
        ([_profile("development", databases={"journal": "/x/journal.sqlite3"})],
         ["'profiles[0].databases.journal'", "settings, strategies, market_data"]),
        ([_profile("development", environment="staging")],
         ["'profiles[0].environment' is 'staging'", "development, testing, production"]),
        ([_profile("development", name=5)], ["'profiles[0].name' is 5", "text"]),
        ([{"name": "no id"}], ["'profiles[0].id' is missing"]),
        ([], ["'profiles'", "at least one"]),
    ],
)  # fmt: skip
def test_a_broken_registry_names_the_file_the_key_and_the_value(
    app_home: Path, profiles: list[Any], needles: list[str]
) -> None:
    file = _write_registry(app_home, {"active": "development", "profiles": profiles})
    message = _refusal(app_home)
    assert str(file) in message
    for needle in needles:
        assert needle in message, message


def test_a_database_path_that_is_an_existing_folder_is_refused(app_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    file = _write_registry(
        app_home,
        {"active": "development", "profiles": [_profile("development", databases={"settings": str(folder)})]},
    )
    message = _refusal(app_home)
    assert str(file) in message and f"is {str(folder)!r}" in message and "folder" in message


@pytest.mark.parametrize(
    ("document", "needle"),
    [
        ({"active": "ghost", "profiles": [_profile("development")]}, "'active' is 'ghost'"),
        ({"active": "development"}, "'profiles' is missing"),
        ([1, 2], "a mapping"),
        ({"active": "development", "profiles": [_profile("development")], "extra": 1}, "'extra'"),
    ],
)
def test_a_broken_registry_document_names_the_file(app_home: Path, document: Any, needle: str) -> None:
    file = _write_registry(app_home, document)
    message = _refusal(app_home)
    assert str(file) in message and needle in message


def test_a_registry_that_is_not_utf8_or_not_json_names_the_file(app_home: Path) -> None:
    file = _write_registry(app_home, {})
    for content in (b'{"active": "d\xe4v"}', b"{not json"):
        file.write_bytes(content)
        assert str(file) in _refusal(app_home)


def test_a_valid_registry_keeps_its_meaning(app_home: Path, tmp_path: Path) -> None:
    custom = tmp_path / "elsewhere" / "settings.sqlite3"
    _write_registry(
        app_home,
        {
            "active": "paper-2",
            "profiles": [
                _profile("development"),
                {
                    "id": "paper-2",
                    "environment": " Testing ",
                    "databases": {"settings": str(custom), "strategies": ""},
                },
            ],
        },
    )
    registry = ProfileRegistry(AppPaths(app_home))
    assert registry.profile_ids() == ["development", "paper-2"]
    assert registry.active_profile_id() == "paper-2"
    assert registry.environment("paper-2") == "testing"
    paths = registry.database_paths("paper-2")
    assert paths["settings"] == custom
    assert paths["strategies"] == app_home / "data" / "paper-2" / "strategies.sqlite3"  # empty: the default
    profile = registry.load_configuration().get("paper-2")
    assert profile.name == "paper-2"  # no name: the id


def test_the_registry_allows_exactly_the_environments_of_the_domain(app_home: Path) -> None:
    # The schema spells the environments out (a Literal, for the type checker): a new one in the domain
    # must be added there too, or profiles of it could not be read back.
    for environment in Environment:
        profile = _profile("development", environment=environment.value.upper())
        _write_registry(app_home, {"active": "development", "profiles": [profile]})
        assert ProfileRegistry(AppPaths(app_home)).environment("development") == environment.value
    _write_registry(app_home, {"active": "development", "profiles": [_profile("development", environment="x")]})
    assert f"expected one of {', '.join(e.value for e in Environment)} (any case)" in _refusal(app_home)


def test_a_broken_registry_stops_start_up_before_anything_is_opened(app_home: Path) -> None:
    file = _write_registry(
        app_home, {"active": "development", "profiles": [_profile("development", environment="staging")]}
    )
    before = file.read_bytes()
    with pytest.raises(ProfileRegistryError, match="staging"):
        build_container(home=app_home, environ={})
    assert file.read_bytes() == before
    assert not (app_home / "data" / "development").exists()


def test_an_unknown_profile_from_the_environment_names_the_variable(app_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        build_container(home=app_home, environ={f"{ENV}PROFILE": "nope"})
    message = str(caught.value)
    assert f"{ENV}PROFILE" in message and "'profile' is 'nope'" in message
    assert "development, testing, production" in message and "profiles.json" in message


def test_an_unknown_profile_from_the_command_line_names_the_option(app_home: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"--profile.*'profile' is 'nope'.*development, testing, production"
    ):
        build_container(home=app_home, profile="nope", environ={})


def test_an_unknown_profile_from_the_config_file_names_the_file(app_home: Path) -> None:
    config_file = AppPaths(app_home).ensure().config_file
    config_file.write_text("profile: nope\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'profile' is 'nope'") as caught:
        build_container(home=app_home, environ={})
    assert str(config_file) in str(caught.value)


def test_a_malformed_profile_id_in_the_config_is_refused_by_the_schema(app_home: Path) -> None:
    with pytest.raises(ConfigError, match=rf"{ENV}PROFILE.*'profile' is '\.\./x'"):
        build_container(home=app_home, environ={f"{ENV}PROFILE": "../x"})
