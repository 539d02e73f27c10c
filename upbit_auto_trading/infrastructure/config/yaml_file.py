"""The file layer: ``<home>/config/config.yaml`` read as a mapping of keys (missing file: no keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from upbit_auto_trading.infrastructure.config.errors import ConfigError


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}  # no file (or no home yet): the defaults
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}); "
            "expected a YAML file saved as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(f"{path}{where}: not valid YAML: {' '.join(str(problem).split())}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: not usable YAML: nested too deeply") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys, not {type(loaded).__name__}")
    return loaded
