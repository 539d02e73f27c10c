"""The Trading tab on a real qasync loop, a seeded home (bundled KRW-BTC hours, the drill strategies), the real
loopback Upbit server and the real engine: no mocks."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import qasync

_SUPPORT = Path(__file__).resolve().parents[2] / "support" / "trading_drills.py"


def _drills() -> ModuleType:
    name = "trading_drills"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SUPPORT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_drills()  # now: the tests of this folder import their shared helpers from it (``from trading_drills import``)


@pytest.fixture
def drills() -> ModuleType:
    return _drills()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _drills().seed_home(tmp_path_factory.mktemp("seeded-ui") / "home")


@pytest.fixture
def home(seeded_template: Path, tmp_path: Path) -> Path:
    return _drills().copy_home(seeded_template, tmp_path / "home")


@pytest.fixture
def qloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:  # noqa: ANN001 - pytest-qt's QApplication
    # as the app does (entrypoints/desktop.py): closing the tab's window must not end the loop under a test
    quits = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()
    qapp.setQuitOnLastWindowClosed(quits)
