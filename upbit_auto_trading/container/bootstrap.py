"""Build the application: paths, configuration, logging, the container and the migrated databases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dependency_injector import providers

from upbit_auto_trading.container import ApplicationContainer
from upbit_auto_trading.infrastructure.config.loader import load_config
from upbit_auto_trading.infrastructure.paths import AppPaths, resolve_home


def build_container(
    home: str | Path | None = None,
    profile: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ApplicationContainer:
    """Resolve the home, load the layered config (raises ConfigError) and return an unstarted container."""
    paths = AppPaths(resolve_home(home)).ensure()
    cli: dict[str, Any] = dict(overrides or {})
    if profile:
        cli["profile"] = profile
    config = load_config(paths.config_file, environ=environ, cli_overrides=cli)
    container = ApplicationContainer(home=paths.home)
    container.config.from_dict(config)
    container.upbit.credentials.override(providers.Callable(_upbit_credentials, container.secrets.vault))
    return container


def _upbit_credentials(vault: Any) -> Any:
    """The stored keys as the Upbit client wants them, or None (paper trading, public calls only)."""
    from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials

    keys = vault.load()
    return UpbitCredentials(keys.access_key, keys.secret_key) if keys is not None else None
