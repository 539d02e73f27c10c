"""Run the CLI as a user's shell does: a subprocess of this interpreter, on one home. Imported by the e2e
tests (``tests/e2e/conftest.py`` puts this folder on ``sys.path``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without a home override, offscreen Qt, UTF-8 output."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.pop("UPBIT_AUTO_TRADING_HOME", None)
    env.update(extra or {})
    return env


def run_cli(
    home: Path,
    *args: str,
    check: bool = True,
    timeout: float = 300,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``upbit-auto-trading --home HOME ARGS...``; with ``check`` a non-zero exit fails the test with stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True, text=True, input=stdin, timeout=timeout, cwd=REPO_ROOT, env=cli_env(env),
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}: {result.stderr}")
    return result


def copy_home(template: Path, destination: Path) -> Path:
    """A copy of a home whose development profile is already created and seeded (bundled candles, sample
    strategy): what a fresh home holds after its first command, without paying for the seeding again."""
    shutil.copytree(template, destination, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.lock", "logs"))  # fmt: skip
    return destination
