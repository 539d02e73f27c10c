"""Load the layered configuration once at start-up: defaults < file < environment < command line.

The layers are merged key by key and the result is validated by the schema (``schema.Settings``) after each
layer, so a refusal names the layer that brought the value: the file, the environment variable, or the
command line. Nothing is created or changed before the whole configuration is valid.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from upbit_auto_trading.infrastructure.config.defaults import DEFAULTS
from upbit_auto_trading.infrastructure.config.environment import (
    ENV_PREFIX,
    environment_overrides,
    read_environment,
)
from upbit_auto_trading.infrastructure.config.errors import ConfigError
from upbit_auto_trading.infrastructure.config.messages import Loc, describe
from upbit_auto_trading.infrastructure.config.schema import Settings
from upbit_auto_trading.infrastructure.config.yaml_file import read_config_file

__all__ = [
    "ENV_PREFIX",
    "ConfigError",
    "LoadedConfig",
    "environment_overrides",
    "load_config",
    "load_layered_config",
]

COMMAND_LINE = "command line"


@dataclass
class LoadedConfig:
    """The validated values, and which layer set each key last (for messages about a value found later)."""

    values: dict[str, Any]
    origins: dict[Loc, str] = field(default_factory=dict)

    def origin_of(self, dotted: str) -> str:
        loc = tuple(dotted.split("."))
        for keys in sorted(self.origins, key=len, reverse=True):
            if loc[: len(keys)] == keys:
                return self.origins[keys]
        return "the built-in default"


def _merge(base: dict[str, Any], override: Mapping[Any, Any]) -> dict[str, Any]:
    """Override key by key; a mapping replaces a value that is not one (the schema then says what is wrong)."""
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _leaves(values: Mapping[Any, Any], prefix: Loc = ()) -> list[Loc]:
    found: list[Loc] = []
    for key, value in values.items():
        if isinstance(value, Mapping) and value:
            found += _leaves(value, (*prefix, key))
        else:
            found.append((*prefix, key))
    return found


def _validated(config: dict[str, Any], origin_of: Callable[[Loc], str]) -> dict[str, Any]:
    try:
        return Settings.model_validate(config).model_dump()
    except ValidationError as exc:
        raise ConfigError(describe(exc, Settings, origin_of)) from None


def load_layered_config(
    config_file: Path,
    environ: Mapping[str, str] | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
) -> LoadedConfig:
    """Every layer merged and validated; raises ConfigError naming the file or variable, key and value."""
    environment = read_environment(os.environ if environ is None else environ)
    layers: list[tuple[Mapping[str, Any], Callable[[Loc], str]]] = [
        (read_config_file(config_file), lambda loc: str(config_file)),
        (environment.values, environment.origin_of),
        (dict(cli_overrides or {}), lambda loc: COMMAND_LINE),
    ]
    loaded = LoadedConfig(copy.deepcopy(DEFAULTS))
    for values, origin_of in layers:
        if not values:
            continue
        loaded.values = _validated(_merge(loaded.values, values), origin_of)
        for loc in _leaves(values):
            loaded.origins[loc] = origin_of(loc)
    return loaded


def load_config(
    config_file: Path,
    environ: Mapping[str, str] | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """defaults < file < environment < command line, validated once per layer; raises ConfigError."""
    return load_layered_config(config_file, environ, cli_overrides).values
