from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SUPPORT = Path(__file__).resolve().parents[2] / "support" / "robustness_support.py"


def robustness_support():  # noqa: ANN201 - a module
    if "robustness_support" not in sys.modules:
        spec = importlib.util.spec_from_file_location("robustness_support", SUPPORT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["robustness_support"] = module
        spec.loader.exec_module(module)
    return sys.modules["robustness_support"]


@pytest.fixture
def rs(support):  # noqa: ANN001, ANN201 - the robustness support module (after strategy_app_support)
    return robustness_support()
