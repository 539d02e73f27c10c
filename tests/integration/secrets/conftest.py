from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from dependency_injector import providers

from upbit_auto_trading.container.bootstrap import build_container

_SUPPORT = Path(__file__).resolve().parents[2] / "support"
FAST_SCRYPT_N = 2**10  # tests only, through the container's explicit scrypt_n; production uses 2**15


def support_module(name: str) -> ModuleType:
    """A module of tests/support/ (tests are not a package under importlib mode)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SUPPORT / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def scan() -> ModuleType:
    return support_module("secret_scan")


@pytest.fixture
def machine_keyring() -> Iterator[Callable[[], object]]:
    """``machine_keyring()`` installs a new, empty in-memory OS keyring (a new machine) and returns it;
    the suite's "no keyring" is put back afterwards."""
    import keyring
    from keyring.backends import fail

    memory = support_module("memory_keyring")

    def install(kind: str = "MemoryKeyring") -> object:
        backend = getattr(memory, kind)()
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def containers(app_home: Path) -> Iterator[Callable[..., object]]:
    """``containers(home=None, profile=None)``: a new container (a new process) on the home; closed at the end."""
    built: list[object] = []

    def make(home: Path | None = None, profile: str | None = None, fast: bool = True) -> object:
        container = build_container(home=home or app_home, profile=profile)
        if fast:
            container.secrets.scrypt_n.override(providers.Object(FAST_SCRYPT_N))
        built.append(container)
        return container

    yield make
    for container in built:
        container.core.database_session().close_all()
