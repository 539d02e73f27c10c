from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs the CLI in a subprocess against one home; ``seed=False`` skips importing the bundled candles."""

    def __init__(self, home: Path, seed: bool = True) -> None:
        self.home = home
        self.seed = seed

    def run(self, *args: str, input_text: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
        env.pop("UPBIT_AUTO_TRADING_HOME", None)
        if not self.seed:
            env["UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED"] = "false"
        return subprocess.run(
            [sys.executable, "-m", "upbit_auto_trading", "--home", str(self.home), *args],
            capture_output=True,
            text=True,
            input=input_text,
            timeout=timeout,
            cwd=REPO_ROOT,
            env=env,
        )

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
