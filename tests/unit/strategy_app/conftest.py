from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def load_support():  # noqa: ANN201
    name = "strategy_app_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def support():  # noqa: ANN201
    return load_support()
