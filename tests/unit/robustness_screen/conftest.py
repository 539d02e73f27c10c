from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.robustness.list_parameters import ListSweepParameters
from upbit_auto_trading.application.robustness.studies import DeleteStudy, ListStudies
from upbit_auto_trading.application.robustness.walk_forward import GetWalkForward
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.robustness.services import RobustnessServices

SUPPORT = Path(__file__).resolve().parents[2] / "support" / "robustness_support.py"


def robustness_support():  # noqa: ANN201 - a module
    if "robustness_support" not in sys.modules:
        spec = importlib.util.spec_from_file_location("robustness_support", SUPPORT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["robustness_support"] = module
        spec.loader.exec_module(module)
    return sys.modules["robustness_support"]


class StoredSeries:
    """The candle store's listing of the world's series (what the form's market and timeframe offer)."""

    def __init__(self, reader) -> None:  # noqa: ANN001
        self._reader = reader

    def series(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(market=s.market, timeframe=s.timeframe, count=len(s),
                                first_utc=datetime.fromtimestamp(int(s.start[0]), UTC),
                                last_utc=datetime.fromtimestamp(int(s.start[-1]), UTC))
                for s in self._reader.series.values()]  # fmt: skip


@pytest.fixture
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def bench(support, tmp_path, english):  # noqa: ANN001, ANN201 - the sweep use cases over fakes, a real study store
    rs = robustness_support()
    w = rs.world(tmp_path)
    w.services = RobustnessServices(
        list_strategies=ListStrategies(w.strategies), list_series=ListSeries(StoredSeries(w.reader)),
        list_parameters=ListSweepParameters(w.loader), run_sweep=w.run_sweep, resume_sweep=w.resume_sweep,
        rerun_sweep=w.rerun_sweep, get_sweep=w.get_sweep, run_walk_forward=w.walk_forward,
        get_walk_forward=GetWalkForward(w.store), list_studies=ListStudies(w.store),
        delete_study=DeleteStudy(w.store), ray_address=lambda: "",
    )  # fmt: skip
    return w
