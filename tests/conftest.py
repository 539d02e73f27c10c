"""Suite-wide settings: no display, no network, and never the checkout's own home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("UPBIT_AUTO_TRADING_HOME", None)
for _name in [n for n in os.environ if n.startswith("UPBIT_AUTO_TRADING__")]:
    os.environ.pop(_name)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_home(tmp_path: Path) -> Path:
    """A fresh, isolated application home."""
    home = tmp_path / "home"
    home.mkdir()
    return home
