"""Suite-wide settings: no display, no network, and never the checkout's own home."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("UPBIT_AUTO_TRADING_HOME", None)
for _name in [n for n in os.environ if n.startswith("UPBIT_AUTO_TRADING__")]:
    os.environ.pop(_name)
os.environ.pop("UPBIT_AUTO_TRADING_PASSPHRASE", None)
# Never the developer's real keyring (a test would write master keys into the macOS Keychain or Secret
# Service): no keyring, as on CI, in this process and every CLI subprocess. Tests of the keyring path
# register an in-memory backend themselves.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

REPO_ROOT = Path(__file__).resolve().parents[1]

# The suite starts hundreds of CLI subprocesses. Where bytecode writing is switched off (this machine and
# CI set PYTHONDONTWRITEBYTECODE), each of them compiled the whole package again; one bytecode cache
# outside the checkout, shared by the subprocesses of this run, lets every start after the first skip it.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
    import tempfile

    os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "upbit-auto-trading-test-pycache")


@pytest.fixture
def app_home(tmp_path: Path) -> Path:
    """A fresh, isolated application home."""
    home = tmp_path / "home"
    home.mkdir()
    return home


def load_support(name: str):  # noqa: ANN201 - a module
    """A shared test-support module from tests/support/ (tests are not a package under importlib mode)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tests" / "support" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def support():  # noqa: ANN201 - the strategy/backtest support module (fakes, builders)
    return load_support("strategy_app_support")


@pytest.fixture(autouse=True)
def _default_language():  # noqa: ANN202
    """Every test starts in the app's default language (Korean), whatever the test before it on this worker
    chose: a test that reads English text says so itself."""
    from upbit_auto_trading.presentation.desktop.i18n import set_language

    set_language("ko")
    yield
    set_language("ko")
