"""Load and validate the layered configuration once at start-up."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from upbit_auto_trading.infrastructure.config.defaults import DEFAULTS
from upbit_auto_trading.infrastructure.errors import InfrastructureError

ENV_PREFIX = "UPBIT_AUTO_TRADING__"
_LANGUAGES = {"auto", "ko", "en"}
_THEMES = {"light", "dark"}
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
_MODES = {"paper", "live"}


class ConfigError(InfrastructureError):
    """The configuration is invalid; the message names the file and the key to fix."""


def _merge(base: dict, override: Mapping[str, Any], origin: str, prefix: str = "") -> dict:
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in base:
            raise ConfigError(f"{origin}: unknown key '{dotted}'")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{origin}: key '{dotted}' must be a mapping")
            _merge(base[key], value, origin, dotted + ".")
        else:
            base[key] = value
    return base


def _coerce(value: str) -> Any:
    loaded = yaml.safe_load(value)
    return value if loaded is None else loaded


def environment_overrides(environ: Mapping[str, str]) -> dict:
    """``UPBIT_AUTO_TRADING__LOGGING__LEVEL=DEBUG`` -> ``{"logging": {"level": "DEBUG"}}``."""
    result: dict = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__") if k]
        node = result
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if keys:
            node[keys[-1]] = _coerce(raw)
    return result


def read_config_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    return loaded


def _check_choice(config: dict, section: str, key: str, allowed: set[str], origin: str) -> None:
    value = config[section][key]
    if not isinstance(value, str) or (value.upper() if section == "logging" else value) not in allowed:
        raise ConfigError(f"{origin}: key '{section}.{key}' is {value!r}; expected one of {sorted(allowed)}")


def _check_positive_int(config: dict, section: str, key: str, origin: str) -> None:
    value = config[section][key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{origin}: key '{section}.{key}' is {value!r}; expected a whole number >= 0")


def _check_number(
    config: dict, dotted: str, minimum: float, origin: str, *, whole: bool, strict: bool
) -> None:
    node: Any = config
    for part in dotted.split("."):
        node = node[part]
    ok = isinstance(node, int if whole else int | float) and not isinstance(node, bool)
    if not ok or node < minimum or (strict and node == minimum):
        kind = "a whole number" if whole else "a number"
        raise ConfigError(
            f"{origin}: key '{dotted}' is {node!r}; expected {kind} {'>' if strict else '>='} {minimum}"
        )


def _check_event_bus(config: dict, origin: str) -> None:
    for name in config["event_bus"]["capacity"]:
        _check_number(config, f"event_bus.capacity.{name}", 1, origin, whole=True, strict=False)
    _check_number(config, "event_bus.publish_timeout", 0, origin, whole=False, strict=True)
    _check_number(config, "event_bus.starvation_limit", 1, origin, whole=True, strict=False)
    _check_number(config, "event_bus.retry.max_retries", 0, origin, whole=True, strict=False)
    _check_number(config, "event_bus.retry.base_delay", 0, origin, whole=False, strict=False)
    _check_number(config, "event_bus.retry.factor", 1, origin, whole=False, strict=False)


def _check_risk(config: dict, origin: str) -> None:
    from upbit_auto_trading.domain.trading.risk import RiskConfigError, RiskLimits

    try:
        RiskLimits.from_mapping(config["trading"]["risk"])
    except RiskConfigError as exc:
        raise ConfigError(f"{origin}: key 'trading.risk': {exc}") from None


def validate(config: dict, origin: str) -> dict:
    _check_choice(config, "ui", "language", _LANGUAGES, origin)
    _check_choice(config, "ui", "theme", _THEMES, origin)
    _check_choice(config, "logging", "level", _LEVELS, origin)
    _check_choice(config, "trading", "mode", _MODES, origin)
    for key in ("file_max_bytes", "file_backups"):
        _check_positive_int(config, "logging", key, origin)
    _check_positive_int(config, "backup", "keep_automatic", origin)
    if not isinstance(config["upbit"]["timeout"], int | float) or config["upbit"]["timeout"] <= 0:
        raise ConfigError(f"{origin}: key 'upbit.timeout' must be a positive number of seconds")
    if not isinstance(config["market_data"]["seed_bundled"], bool):
        raise ConfigError(f"{origin}: key 'market_data.seed_bundled' must be true or false")
    _check_event_bus(config, origin)
    _check_risk(config, origin)
    config["logging"]["level"] = str(config["logging"]["level"]).upper()
    return config


def load_config(
    config_file: Path, environ: Mapping[str, str] | None = None, cli_overrides: Mapping[str, Any] | None = None
) -> dict:
    """defaults < file < environment < command line, validated once; raises ConfigError naming file and key."""
    config = copy.deepcopy(DEFAULTS)
    _merge(config, read_config_file(config_file), str(config_file))
    validate(config, str(config_file))
    _merge(config, environment_overrides(os.environ if environ is None else environ), "environment")
    validate(config, f"environment ({ENV_PREFIX}...)")
    _merge(config, dict(cli_overrides or {}), "command line")
    return validate(config, "command line")
