"""Issue 13 item 9: the comparison shows each run's capital, fee, slippage and period (KST), and flags the
runs whose period differs from the others'. The table builder and the presenter, no Qt."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.presentation.desktop.analysis.comparison import compare
from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import set_language


def _load(name: str) -> ModuleType:
    """A module of tests/support/ (loaded by path: tests are not a package)."""
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


analysis_support = _load("analysis_screen_support")


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


def run(run_id: int, start: str, end: str, timeframe: str = "1h", **settings) -> SimpleNamespace:  # noqa: ANN003
    record = SimpleNamespace(
        market="KRW-BTC", timeframe=timeframe, data_start=start, data_end=end, candle_count=100,
        settings={"initial_capital": "10000000", "fee_rate": "0.0005", "slippage_rate": "0", **settings},
        metrics={"total_return": 0.1, "trades": 3}, final_equity="11000000",
    )  # fmt: skip
    return SimpleNamespace(run_id=run_id, strategy_name="RSI swing", record=record)


YEAR = ("2022-01-01T00:00:00Z", "2022-12-31T23:00:00Z")


def test_each_run_is_a_row_with_its_capital_fee_slippage_and_period():
    c = compare(
        [run(1, *YEAR), run(2, *YEAR, initial_capital="5000000.5", fee_rate="0.001", slippage_rate="0.0002")]
    )
    assert c.headers[:5] == ["Market", "Period (KST)", "Capital", "Fee (per fill)", "Slippage"]
    assert "Total return" in c.headers and "Trades" in c.headers
    assert c.run_labels == ["#1 RSI swing", "#2 RSI swing"] and c.run_ids == [1, 2]
    assert c.rows[0][:5] == [
        "KRW-BTC 1h",
        "2022-01-01 09:00 ~ 2023-01-01 08:00",
        "10,000,000 KRW",
        "0.05%",
        "0%",
    ]
    assert c.rows[1][2:5] == ["5,000,000.5 KRW", "0.1%", "0.02%"]
    assert (
        c.rows[0][c.headers.index("Total return")] == "10.00%" and c.rows[0][c.headers.index("Trades")] == "3"
    )
    assert c.flags == ["", ""] and c.notice == ""  # same period: nothing flagged


def test_the_run_over_another_period_is_flagged():
    c = compare([run(1, *YEAR), run(2, "2022-06-01T00:00:00Z", YEAR[1]), run(3, *YEAR)])
    assert [bool(f) for f in c.flags] == [False, True, False]
    assert "2022-06-01 09:00 ~ 2023-01-01 08:00" in c.flags[1] and "2022-01-01 09:00" in c.flags[1]
    assert "not directly comparable" in c.flags[1]
    assert c.notice.startswith(
        "⚠ Different period: #2 (the others cover 2022-01-01 09:00 ~ 2023-01-01 08:00 KST)"
    )


def test_without_a_shared_period_every_run_is_flagged():
    c = compare([run(1, *YEAR), run(2, "2022-06-01T00:00:00Z", YEAR[1])])
    assert all(c.flags) and "2 different periods" in c.notice


def test_other_timeframes_over_the_same_days_are_the_same_period():
    """A 1d run's last candle starts at midnight, a 1h run's at 23:00: both cover the whole of the year."""
    c = compare([run(1, *YEAR), run(2, YEAR[0], "2022-12-31T00:00:00Z", timeframe="1d")])
    assert c.flags == ["", ""] and c.notice == ""


def test_korean_headers_and_notice():
    set_language("ko")
    c = compare([run(1, *YEAR), run(2, "2022-06-01T00:00:00Z", YEAR[1]), run(3, *YEAR)])
    assert c.headers[:5] == ["시장", "기간 (KST)", "초기 자본", "수수료 (체결당)", "슬리피지"]
    assert c.notice.startswith("⚠ 기간이 다른 실행: #2") and "비교할 수 없습니다" in c.notice


FakeView = analysis_support.RecordingView  # records what the presenter shows


def test_presenter_compares_stored_runs_and_flags_the_other_period(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    mid = datetime.fromtimestamp(int(w.candles.start[700]), UTC)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", start=mid))
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h",
                                  initial_capital=Decimal(3_000_000), fee_rate=Decimal("0.001")))  # fmt: skip
    view = FakeView()
    p = AnalysisPresenter(
        view, analysis_support.services(w), ImmediateBackgroundWork()
    )
    p.start()
    view.checked = [1, 2, 3]
    p.selection_changed()
    c = view.comparison
    assert c.run_ids == [1, 2, 3] and [bool(f) for f in c.flags] == [False, True, False]
    assert [row[2] for row in c.rows] == ["10,000,000 KRW", "10,000,000 KRW", "3,000,000 KRW"]
    assert [row[3] for row in c.rows] == ["0.05%", "0.05%", "0.1%"]
    assert "#2" in c.notice and [curve.label for curve in view.curves] == c.run_labels
    assert view.errors == []
