from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.startup import startup

SAMPLE = "Basic 7-rule (기본 7규칙)"
_SUPPORT = Path(__file__).resolve().parents[2] / "support" / "trading_drills.py"


def _drills() -> ModuleType:
    """tests/support/trading_drills.py (tests are not a package under importlib mode)."""
    name = "trading_drills"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SUPPORT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home seeded once per run (bundled KRW-BTC hours, the sample strategy and its triggers); tests copy it."""
    return _drills().seed_home(tmp_path_factory.mktemp("seeded") / "home")


@pytest.fixture(scope="module")
def trading_home(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded home per module."""
    return _drills().copy_home(seeded_template, tmp_path_factory.mktemp("trading-home") / "home")


@pytest.fixture
def container(trading_home: Path) -> Iterator[object]:
    # The risk limits are the one engine rule the backtest does not know (docs/trading-engine.md): off here,
    # so the replay can be compared with the backtest trade for trade.
    off = {"caution_loss_pct": None, "defense_loss_pct": None, "halt_loss_pct": None}
    c = build_container(home=trading_home, overrides={"trading": {"risk": off}})
    startup(c)
    yield c
    c.core.database_session().close_all()


@pytest.fixture
def drills() -> ModuleType:
    """The fault-drill helpers (tests/support/trading_drills.py)."""
    return _drills()


@pytest.fixture
async def drill(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[object]:
    """A fresh seeded home for one test, hooks in the replay feed, and clean-up of every engine it starts."""
    module = _drills()
    hooks = module.FeedHooks()
    hooks.install(monkeypatch)
    drill = module.Drill(module.copy_home(seeded_template, tmp_path / "home"), hooks)
    yield drill
    await drill.close()
