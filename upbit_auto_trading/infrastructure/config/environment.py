"""The environment layer: ``UPBIT_AUTO_TRADING__LOGGING__LEVEL=DEBUG`` -> ``{"logging": {"level": "DEBUG"}}``.

Values are read as YAML, like the file (``false``, ``10``, ``0.5``); text that is not YAML at all (``[x``)
is refused naming the variable rather than guessed at. The layer remembers which variable set which key,
so a refusal names the variable to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from upbit_auto_trading.infrastructure.config.errors import ConfigError

ENV_PREFIX = "UPBIT_AUTO_TRADING__"
_ANY_VARIABLE = f"environment ({ENV_PREFIX}...)"


@dataclass(frozen=True)
class EnvironmentLayer:
    values: dict[str, Any] = field(default_factory=dict)
    variables: dict[tuple[str, ...], str] = field(default_factory=dict)  # keys -> the variable that set them

    def origin_of(self, loc: tuple[Any, ...]) -> str:
        """The variables that set ``loc``, a section around it or a key inside it."""
        names = [
            name
            for keys, name in self.variables.items()
            if keys == loc[: len(keys)] or loc == keys[: len(loc)]
        ]
        if not names:
            return _ANY_VARIABLE  # a rule over keys that an earlier layer set
        plural = "s" if len(names) > 1 else ""
        return f"environment variable{plural} {', '.join(sorted(names))}"


def _keys(name: str) -> tuple[str, ...]:
    return tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__") if part)


def _value(name: str, keys: tuple[str, ...], raw: str) -> Any:
    try:
        loaded = yaml.safe_load(raw)
    except (yaml.YAMLError, RecursionError) as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigError(
            f"environment variable {name}: key '{'.'.join(keys)}' is {raw!r}, which is not valid YAML ({problem}); "
            "expected a value such as true, 10, 0.5 or text (quote text that starts with [ { : or contains ': ')"
        ) from None
    return raw if loaded is None else loaded  # "", "null", "~" stay text: risk limits read them as "off"


def read_environment(environ: Mapping[str, str]) -> EnvironmentLayer:
    """The layer from every ``UPBIT_AUTO_TRADING__...`` variable; two variables for one key, or for a
    section and a key inside it, are refused (which one wins would depend on their order)."""
    found = sorted((_keys(name), name, raw) for name, raw in environ.items() if name.startswith(ENV_PREFIX))
    layer = EnvironmentLayer()
    for keys, name, raw in found:
        if not keys:
            continue
        for other_keys, other in layer.variables.items():
            shorter = min(len(keys), len(other_keys))
            if keys[:shorter] == other_keys[:shorter]:
                overlap = ".".join(keys[:shorter])
                raise ConfigError(
                    f"environment variables {other} and {name} both set '{overlap}' "
                    f"({other}={environ[other]!r}, {name}={raw!r}); expected only one of them"
                )
        value = _value(name, keys, raw)
        node = layer.values
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
        layer.variables[keys] = name
    return layer


def environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Only the values of :func:`read_environment`."""
    return read_environment(environ).values
