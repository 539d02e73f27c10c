"""Where the application keeps its data, configuration, logs and backups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import InfrastructureError

HOME_ENV = "UPBIT_AUTO_TRADING_HOME"


class HomeNotUsableError(InfrastructureError):
    """The home folder cannot be created or written; pick another one."""
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class AppPaths:
    """Every folder the app writes to lives under one home, so instances (and tests) can run side by side."""

    home: Path

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def config_dir(self) -> Path:
        return self.home / "config"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.yaml"

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.config_dir, self.logs_dir, self.backups_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HomeNotUsableError(
                    f"Cannot use {self.home} as the application home ({folder.name}: {exc.strerror or exc}); "
                    f"choose another with --home or {HOME_ENV}."
                ) from exc
        return self


def _checkout_root() -> Path | None:
    """The project folder when running from a source checkout, else None (installed package)."""
    root = _PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "run_desktop_ui.py").is_file():
        return root
    return None


def default_home() -> Path:
    checkout = _checkout_root()
    if checkout is not None:
        return checkout
    from platformdirs import user_data_path

    return user_data_path("upbit-auto-trading", appauthor=False)


def resolve_home(cli_home: str | os.PathLike[str] | None = None) -> Path:
    """Command line beats environment beats the default."""
    if cli_home:
        return Path(cli_home).expanduser().resolve()
    env_home = os.environ.get(HOME_ENV)
    if env_home:
        return Path(env_home).expanduser().resolve()
    return default_home()
