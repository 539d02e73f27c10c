from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


def _support():  # noqa: ANN202
    name = "strategy_app_support"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "unit" / "strategy_app" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def support():  # noqa: ANN201
    return _support()


@pytest.fixture
def session(tmp_path: Path):  # noqa: ANN201
    s = DatabaseSession({n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    s.migrate_all()
    yield s
    s.close_all()
