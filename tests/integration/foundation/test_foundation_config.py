from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.infrastructure.config.loader import ConfigError, load_config
from upbit_auto_trading.infrastructure.paths import AppPaths, resolve_home


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_layers_defaults_file_environment_command_line(tmp_path: Path) -> None:
    config_file = _write(tmp_path / "config.yaml", "ui:\n  theme: dark\nlogging:\n  level: warning\n")
    config = load_config(config_file, environ={})
    assert config["ui"]["theme"] == "dark"
    assert config["logging"]["level"] == "WARNING"
    assert config["ui"]["language"] == "auto"  # default kept
    config = load_config(config_file, environ={"UPBIT_AUTO_TRADING__LOGGING__LEVEL": "DEBUG"})
    assert config["logging"]["level"] == "DEBUG"
    config = load_config(
        config_file, environ={"UPBIT_AUTO_TRADING__UI__THEME": "light"}, cli_overrides={"ui": {"theme": "dark"}}
    )
    assert config["ui"]["theme"] == "dark"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("ui:\n  theme: [unclosed\n", "line"),
        ("ui:\n  colour: red\n", "ui.colour"),
        ("logging:\n  level: LOUD\n", "logging.level"),
        ("backup:\n  keep_automatic: -1\n", "backup.keep_automatic"),
        ("- just\n- a list\n", "mapping"),
        ("ui: dark\n", "ui"),
    ],
)
def test_broken_config_names_the_file_and_the_key(tmp_path: Path, text: str, needle: str) -> None:
    config_file = _write(tmp_path / "config.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(config_file, environ={})
    assert str(config_file) in str(info.value)
    assert needle in str(info.value)


def test_bad_environment_value_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="environment"):
        load_config(tmp_path / "none.yaml", environ={"UPBIT_AUTO_TRADING__TRADING__MODE": "yolo"})


def test_home_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPBIT_AUTO_TRADING_HOME", str(tmp_path / "from_env"))
    assert resolve_home(None) == (tmp_path / "from_env").resolve()
    assert resolve_home(tmp_path / "from_cli") == (tmp_path / "from_cli").resolve()


def test_container_creates_folders_and_databases_under_home(app_home: Path) -> None:
    container = build_container(home=app_home)
    paths: AppPaths = container.core.app_paths()
    for folder in (paths.data_dir, paths.config_dir, paths.logs_dir, paths.backups_dir):
        assert folder.is_dir()
    session = container.core.database_session()
    for name, path in session.paths().items():
        assert path.is_file(), name
        assert str(path).startswith(str(app_home))
    info = container.core.get_system_info().execute().to_dict()
    assert info["profile"] == "development"
    assert set(info["databases"]) == {"settings", "strategies", "market_data"}
    session.close_all()


def test_two_homes_are_isolated(tmp_path: Path) -> None:
    a = build_container(home=tmp_path / "a")
    b = build_container(home=tmp_path / "b", profile="testing")
    pa, pb = a.core.database_session().paths(), b.core.database_session().paths()
    assert pa["settings"] != pb["settings"]
    assert "testing" in str(pb["settings"])
    a.core.database_session().close_all()
    b.core.database_session().close_all()
