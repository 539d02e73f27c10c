"""The configuration schema refuses every wrong value at start-up, in one line naming where it came from.

Real files and real environment mappings through ``load_config``/``build_container`` (in process: the
CLI path is covered once in tests/e2e/test_cli_foundation.py).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.infrastructure.config.loader import ConfigError, load_config

ENV = "UPBIT_AUTO_TRADING__"


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _refusal(config_file: Path, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(config_file, environ=environ or {})
    message = str(caught.value)
    assert "\n" not in message, message
    return message


# --- booleans: a string is not read as true ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("backup:\n  daily: 'no'\n", "backup.daily", "'no'"),
        ("backup:\n  on_exit: 'false'\n", "backup.on_exit", "'false'"),
        ("logging:\n  console: 'off'\n", "logging.console", "'off'"),
        ("market_data:\n  seed_bundled: 1\n", "market_data.seed_bundled", "1"),
    ],
)
def test_a_string_where_a_boolean_belongs_is_refused(tmp_path: Path, text: str, key: str, value: str) -> None:
    config_file = _file(tmp_path, text)
    message = _refusal(config_file)
    assert str(config_file) in message
    assert f"'{key}' is {value}" in message
    assert "true or false" in message


def test_yaml_booleans_still_work_in_the_file_and_the_environment(tmp_path: Path) -> None:
    config_file = _file(tmp_path, "backup:\n  daily: yes\n  on_exit: true\nlogging:\n  console: off\n")
    config = load_config(config_file, environ={})
    assert config["backup"]["daily"] is True and config["backup"]["on_exit"] is True
    assert config["logging"]["console"] is False
    config = load_config(
        config_file, environ={f"{ENV}BACKUP__DAILY": "false", f"{ENV}LOGGING__CONSOLE": "on"}
    )
    assert config["backup"]["daily"] is False and config["logging"]["console"] is True


def test_a_word_from_the_environment_where_a_boolean_belongs_names_the_variable(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "none.yaml", {f"{ENV}BACKUP__DAILY": "sometimes"})
    assert f"{ENV}BACKUP__DAILY" in message
    assert "'backup.daily' is 'sometimes'" in message and "true or false" in message


# --- numbers and URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("upbit:\n  timeout: .nan\n", "upbit.timeout", "nan"),
        ("upbit:\n  timeout: .inf\n", "upbit.timeout", "inf"),
        ("upbit:\n  timeout: -.inf\n", "upbit.timeout", "-inf"),
        ("event_bus:\n  publish_timeout: .nan\n", "event_bus.publish_timeout", "nan"),
        ("event_bus:\n  retry:\n    base_delay: .inf\n", "event_bus.retry.base_delay", "inf"),
        ("event_bus:\n  retry:\n    factor: .nan\n", "event_bus.retry.factor", "nan"),
    ],
)
def test_a_number_that_is_not_finite_is_refused(tmp_path: Path, text: str, key: str, value: str) -> None:
    config_file = _file(tmp_path, text)
    message = _refusal(config_file)
    assert str(config_file) in message and f"'{key}' is {value};" in message and "expected" in message


def test_a_non_finite_number_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "none.yaml", {f"{ENV}UPBIT__TIMEOUT": ".inf"})
    assert f"{ENV}UPBIT__TIMEOUT" in message and "'upbit.timeout' is inf" in message


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("upbit:\n  api_url: 42\n", "upbit.api_url", "42"),
        ("upbit:\n  api_url: not a url\n", "upbit.api_url", "'not a url'"),
        ("upbit:\n  api_url: ftp://api.upbit.com\n", "upbit.api_url", "'ftp://api.upbit.com'"),
        ("upbit:\n  api_url: 'https://'\n", "upbit.api_url", "'https://'"),
        ("upbit:\n  websocket_url: https://api.upbit.com/websocket/v1\n", "upbit.websocket_url",
         "'https://api.upbit.com/websocket/v1'"),
    ],
)  # fmt: skip
def test_an_upbit_url_must_be_a_url(tmp_path: Path, text: str, key: str, value: str) -> None:
    config_file = _file(tmp_path, text)
    message = _refusal(config_file)
    assert str(config_file) in message and f"'{key}' is {value};" in message and "URL" in message


def test_a_loopback_url_is_a_url(tmp_path: Path) -> None:
    config_file = _file(
        tmp_path, "upbit:\n  api_url: http://127.0.0.1:8765\n  websocket_url: ws://localhost:8765/ws\n"
    )
    config = load_config(config_file, environ={})
    assert config["upbit"]["api_url"] == "http://127.0.0.1:8765"  # kept as written: no slash added
    assert config["upbit"]["websocket_url"] == "ws://localhost:8765/ws"


def test_keep_automatic_is_at_least_one(tmp_path: Path) -> None:
    config_file = _file(tmp_path, "backup:\n  keep_automatic: 0\n")
    message = _refusal(config_file)
    assert str(config_file) in message and "'backup.keep_automatic' is 0;" in message and ">= 1" in message
    assert (
        load_config(_file(tmp_path, "backup:\n  keep_automatic: 1\n"), environ={})["backup"]["keep_automatic"]
        == 1
    )


# --- unreadable input ---------------------------------------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_one_line_naming_the_file(tmp_path: Path) -> None:
    config_file = _file(tmp_path, "ui:\n  theme: d\xe4rk\n".encode("latin-1"))
    message = _refusal(config_file)
    assert str(config_file) in message and "UTF-8" in message


@pytest.mark.parametrize("raw", ["[unclosed", ": x: y", "{a: 1"])
def test_an_environment_value_that_is_not_yaml_names_the_variable(tmp_path: Path, raw: str) -> None:
    message = _refusal(tmp_path / "none.yaml", {f"{ENV}UI__THEME": raw})
    assert f"{ENV}UI__THEME" in message and repr(raw) in message and "YAML" in message


@pytest.mark.parametrize("order", ["section first", "key first"])
def test_a_section_and_a_key_inside_it_from_the_environment_are_refused(tmp_path: Path, order: str) -> None:
    pairs = [(f"{ENV}LOGGING", "x"), (f"{ENV}LOGGING__LEVEL", "DEBUG")]
    environ = dict(pairs if order == "section first" else pairs[::-1])
    message = _refusal(tmp_path / "none.yaml", environ)
    assert re.search(f"{ENV}LOGGING(?!__)", message) and f"{ENV}LOGGING__LEVEL" in message


def test_a_section_from_the_environment_must_be_a_mapping(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "none.yaml", {f"{ENV}LOGGING": "x"})
    assert f"{ENV}LOGGING" in message and "'logging' is 'x'" in message and "mapping" in message


def test_an_unknown_key_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "none.yaml", {f"{ENV}UI__COLOUR": "red"})
    assert f"{ENV}UI__COLOUR" in message and "'ui.colour'" in message and "theme" in message


def test_a_refused_config_changes_nothing_not_even_a_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    with pytest.raises(ConfigError, match=f"{ENV}BACKUP__DAILY"):
        build_container(home=home, environ={f"{ENV}BACKUP__DAILY": "sometimes"})
    assert not home.exists()


# --- trading: risk limits (semantics kept) and the watchdog ----------------------------------------------


@pytest.mark.parametrize("off", ["", "null", "off", "None", " OFF "])
def test_risk_limits_are_turned_off_by_the_off_words_from_the_environment(tmp_path: Path, off: str) -> None:
    environ = {f"{ENV}TRADING__RISK__HALT_LOSS_PCT": off, f"{ENV}TRADING__RISK__MAX_POSITION_KRW": off}
    risk = load_config(tmp_path / "none.yaml", environ=environ)["trading"]["risk"]
    assert risk["halt_loss_pct"] is None and risk["max_position_krw"] is None


def test_risk_limits_accept_numbers_text_with_commas_and_null(tmp_path: Path) -> None:
    config_file = _file(
        tmp_path,
        "trading:\n  risk:\n    max_position_krw: '1,000,000'\n    max_total_krw: 3000000\n"
        "    max_open_positions: 3\n    caution_loss_pct: 2.5\n    halt_loss_pct: null\n",
    )
    risk = load_config(config_file, environ={})["trading"]["risk"]
    assert risk["max_position_krw"] == Decimal("1000000") and risk["max_total_krw"] == Decimal("3000000")
    assert risk["max_open_positions"] == 3 and risk["caution_loss_pct"] == Decimal("2.5")
    assert risk["halt_loss_pct"] is None and risk["defense_loss_pct"] == Decimal(5)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("trading:\n  risk:\n    max_position_krw: -1\n", "'trading.risk.max_position_krw' is -1;"),
        ("trading:\n  risk:\n    max_open_positions: 2.5\n", "'trading.risk.max_open_positions' is 2.5;"),
        ("trading:\n  risk:\n    halt_loss_pct: 100\n", "'trading.risk.halt_loss_pct' is 100;"),
        ("trading:\n  risk:\n    caution_loss_pct: .nan\n", "'trading.risk.caution_loss_pct' is nan;"),
        ("trading:\n  risk:\n    daily_loss_limit_krw: true\n", "'trading.risk.daily_loss_limit_krw' is True;"),
        ("trading:\n  risk:\n    defense_loss_pct: 2\n", "defense_loss_pct (2%) must not be below caution_loss_pct"),
        ("trading:\n  risk:\n    max_postion_krw: 1\n", "'trading.risk.max_postion_krw'"),
    ],
)  # fmt: skip
def test_a_bad_risk_limit_names_the_file_and_the_key(tmp_path: Path, text: str, needle: str) -> None:
    config_file = _file(tmp_path, text)
    message = _refusal(config_file)
    assert str(config_file) in message and needle in message


def test_a_risk_order_broken_across_layers_names_the_variable(tmp_path: Path) -> None:
    config_file = _file(tmp_path, "trading:\n  risk:\n    caution_loss_pct: 4\n")
    message = _refusal(config_file, {f"{ENV}TRADING__RISK__DEFENSE_LOSS_PCT": "3.5"})
    assert f"{ENV}TRADING__RISK__DEFENSE_LOSS_PCT" in message and "'trading.risk'" in message


def test_the_watchdog_timeout_defaults_to_30_seconds_within_5_to_3600(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.yaml", environ={})["trading"]["watchdog"]["timeout_seconds"] == 30
    for good in ("5", "3600", "12.5"):
        config = load_config(
            tmp_path / "none.yaml", environ={f"{ENV}TRADING__WATCHDOG__TIMEOUT_SECONDS": good}
        )
        assert config["trading"]["watchdog"]["timeout_seconds"] == float(good)
    for bad in ("4.9", "3601", ".nan", "soon", "true"):
        message = _refusal(tmp_path / "none.yaml", {f"{ENV}TRADING__WATCHDOG__TIMEOUT_SECONDS": bad})
        assert "'trading.watchdog.timeout_seconds'" in message and "5" in message and "3600" in message


def test_the_validated_values_reach_the_container(tmp_path: Path) -> None:
    environ = {
        f"{ENV}BACKUP__DAILY": "true",
        f"{ENV}BACKUP__KEEP_AUTOMATIC": "2",
        f"{ENV}UPBIT__TIMEOUT": "3",
    }
    container = build_container(home=tmp_path / "home", environ=environ)
    assert container.config.backup.daily() is True
    assert container.config.backup.keep_automatic() == 2
    assert container.config.upbit.timeout() == 3.0
    assert container.config.trading.watchdog.timeout_seconds() == 30
