from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))  # cli_process: the CLI as a subprocess

from cli_process import copy_home, run_cli  # noqa: E402


class Cli:
    """Runs the CLI in a subprocess against one home; ``seed=False`` skips importing the bundled candles."""

    def __init__(self, home: Path, seed: bool = True) -> None:
        self.home = home
        self.seed = seed

    def run(self, *args: str, input_text: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {} if self.seed else {"UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED": "false"}
        return run_cli(self.home, *args, check=False, timeout=timeout, stdin=input_text, env=env)

    def json(self, *args: str) -> object:
        result = self.run("--json", *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(app_home: Path) -> Cli:
    return Cli(app_home)


@pytest.fixture
def cli_unseeded(app_home: Path) -> Cli:
    """For commands that need no candles: a home whose start-up does not import the bundled files."""
    return Cli(app_home, seed=False)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home per test worker, seeded by a first command (bundled candles, sample strategy)."""
    home = tmp_path_factory.mktemp("seeded_template") / "home"
    run_cli(home, "strategies", "list")
    return home


@pytest.fixture(scope="session")
def seeded_home(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """``seeded_home(name)``: a new home holding what a fresh home holds after its first command."""

    def make(name: str) -> Path:
        return copy_home(seeded_template, tmp_path_factory.mktemp(name) / "home")

    return make
