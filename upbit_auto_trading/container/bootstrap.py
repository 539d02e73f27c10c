"""Build the application: paths, configuration, logging, the container and the migrated databases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dependency_injector import providers

from upbit_auto_trading.application.ports.event_publisher import NullPublisher
from upbit_auto_trading.container import ApplicationContainer
from upbit_auto_trading.infrastructure.config.errors import ConfigError
from upbit_auto_trading.infrastructure.config.loader import LoadedConfig, load_layered_config
from upbit_auto_trading.infrastructure.paths import AppPaths, resolve_home
from upbit_auto_trading.infrastructure.profiles.registry import ProfileRegistry


def build_container(
    home: str | Path | None = None,
    profile: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    runs_bus: bool = True,
) -> ApplicationContainer:
    """Resolve the home, load the layered config and the profile registry and return an unstarted container.

    ``runs_bus=False``: this process runs no event bus for its use cases (the CLI), so they announce their
    events to the ``NullPublisher``; otherwise to the bus (queued until it starts).

    Raises ConfigError / ProfileRegistryError before anything is created: the home's folders are made only
    once the configuration and the registry are known to be valid.
    """
    paths = AppPaths(resolve_home(home))
    cli: dict[str, Any] = dict(overrides or {})
    if profile:
        cli["profile"] = profile
    config = load_layered_config(paths.config_file, environ=environ, cli_overrides=cli)
    _check_profile(ProfileRegistry(paths), config, "command line option --profile" if profile else None)
    paths.ensure()
    container = ApplicationContainer(home=paths.home)
    container.config.from_dict(config.values)
    container.upbit.credentials.override(providers.Callable(_upbit_credentials, container.secrets.vault))
    if not runs_bus:
        container.event_bus.publisher.override(
            providers.Singleton(NullPublisher, reason="this command runs no event bus for data changes")
        )
    return container


def _check_profile(registry: ProfileRegistry, config: LoadedConfig, origin: str | None) -> None:
    """Validate profiles.json (ProfileRegistryError names the file) and the profile the config asks for,
    naming where that name came from: the file, the environment variable or --profile."""
    known = registry.profile_ids()
    requested = config.values["profile"]
    if requested and requested not in known:
        raise ConfigError(
            f"{origin or config.origin_of('profile')}: key 'profile' is {requested!r}; "
            f"expected one of the profiles in {registry.file}: {', '.join(known)}"
        )


def _upbit_credentials(vault: Any) -> Any:
    """The stored keys as the Upbit client wants them, or None (paper trading, public calls only)."""
    from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials

    keys = vault.load()
    return UpbitCredentials(keys.access_key, keys.secret_key) if keys is not None else None
