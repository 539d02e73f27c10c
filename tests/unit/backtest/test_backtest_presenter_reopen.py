"""Issue 13 item 9: reopening a stored run puts its settings back into the backtest form and sets the
status line for that run (it kept the previous run's text). Presenter against a fake view, no Qt."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.domain.strategy import strategy_from_dict, strategy_to_dict
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.backtest.model import RunForm
from upbit_auto_trading.presentation.desktop.backtest.presenter import (
    BacktestPresenter,
    BacktestServices,
    parse_form,
)
from upbit_auto_trading.presentation.desktop.backtest.reopen import period_fields
from upbit_auto_trading.presentation.desktop.i18n import set_language


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


class _Series:
    def __init__(self, candles, present: bool = True) -> None:  # noqa: ANN001
        self.candles, self.present = candles, present

    def execute(self, with_gaps: bool = True):  # noqa: ANN201
        c = self.candles
        if not self.present:
            return []
        first = datetime.fromtimestamp(int(c.start[0]), UTC)
        last = datetime.fromtimestamp(int(c.start[-1]), UTC)
        return [SimpleNamespace(market=c.market, timeframe=c.timeframe, first=first, last=last, count=len(c))]


class FakeView:
    """Records the calls; ``line`` is what the widget's one status label would show."""

    def __init__(self) -> None:
        self.forms: list[RunForm] = []
        self.line = ("", False)  # (text, is_error)
        self.results: list = []

    def show_strategies(self, names) -> None:  # noqa: ANN001
        pass

    def show_series(self, options) -> None:  # noqa: ANN001
        pass

    def show_runs(self, rows) -> None:  # noqa: ANN001
        pass

    def show_result(self, result) -> None:  # noqa: ANN001
        self.results.append(result)

    def set_form(self, form: RunForm) -> None:
        self.forms.append(form)

    def show_status(self, message: str) -> None:
        self.line = (message, False)

    def show_error(self, message: str) -> None:
        self.line = (message, True)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress = (fraction, text)


@pytest.fixture
def bench(support):  # noqa: ANN201
    w = support.world()
    w.create.execute(support.rsi_document())
    w.series = _Series(w.candles)
    w.services = BacktestServices(ListStrategies(w.strategies), w.series, None, ListRuns(w.runs), w.open_run,
                                  DeleteRun(w.runs))  # fmt: skip
    return w


def _presenter(bench) -> tuple[BacktestPresenter, FakeView]:  # noqa: ANN001
    view = FakeView()
    p = BacktestPresenter(view, bench.services, ImmediateBackgroundWork())
    p.start()
    return p, view


def _run(bench, **kw):  # noqa: ANN001, ANN003, ANN202
    return bench.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", **kw))


def test_opening_a_stored_run_fills_the_form_with_its_settings(bench):
    _run(bench, start=datetime(2024, 1, 10, 5, tzinfo=UTC), end=datetime(2024, 2, 1, 23, 59, 59, tzinfo=UTC),
         initial_capital=Decimal("5000000"), fee_rate=Decimal("0.001"), slippage_rate=Decimal("0.0002"))  # fmt: skip
    p, view = _presenter(bench)
    p.open_run(1)
    assert view.forms == [
        RunForm(strategy="RSI swing", market="KRW-BTC", timeframe="1h", start="2024-01-10 05:00",
                end="2024-02-01", capital="5,000,000", fee_pct="0.1", slippage_pct="0.02")
    ]  # fmt: skip
    # Run on the restored form repeats the stored run: the same candles and the same settings
    again = bench.run.execute(parse_form(view.forms[0]))
    first = bench.runs.get(1).record
    assert (again.record.data_start, again.record.data_end) == (first.data_start, first.data_end)
    assert again.record.settings == first.settings and again.record.result_hash == first.result_hash


def test_a_run_ending_within_a_day_restores_the_hour(bench):
    _run(bench, end=datetime(2024, 2, 1, 12, tzinfo=UTC))
    p, view = _presenter(bench)
    p.open_run(1)
    form = view.forms[-1]
    assert (form.start, form.end) == ("2024-01-01", "2024-02-01 12:00")
    assert (form.capital, form.fee_pct, form.slippage_pct) == ("10,000,000", "0.05", "0")
    assert bench.run.execute(parse_form(form)).record.data_end == "2024-02-01T12:00:00Z"


def test_opening_a_stored_run_replaces_the_previous_status_line(bench):
    _run(bench)
    _run(bench, start=datetime(2024, 2, 1, tzinfo=UTC))
    p, view = _presenter(bench)
    view.show_status("Done: 12.34%, 7 trades")  # what the last finished run left there
    p.open_run(2)
    text, is_error = view.line
    record = bench.runs.get(2).record
    assert text.startswith("Stored run #2 (ran ") and not is_error
    assert (
        f"{record.metrics['total_return'] * 100:,.2f}%" in text
        and f"{record.metrics['trades']} trades" in text
    )
    assert "12.34%" not in text and "⚠" not in text
    view.show_error("Pick a strategy")  # an error before is replaced too
    p.open_run(1)
    assert view.line[0].startswith("Stored run #1") and not view.line[1]


def test_the_status_line_says_what_the_form_cannot_reproduce(bench):
    _run(bench, exchange_rules=False)
    stored = bench.strategies.get("RSI swing")
    edited = {**strategy_to_dict(stored.strategy), "sizing": {"mode": "cash_percent", "value": 30}}
    # a new version of the strategy since the run
    bench.strategies.save_version(stored.strategy_id, strategy_from_dict(edited))
    p, view = _presenter(bench)
    p.open_run(1)
    text = view.line[0]
    assert "strategy edited since: Run uses its current version" in text and "--no-exchange-rules" in text

    bench.strategies.delete(stored.strategy_id)
    bench.series.present = False
    p.refresh()
    p.open_run(1)
    text = view.line[0]
    assert (
        "the strategy 'RSI swing' is no longer saved" in text
        and "no KRW-BTC 1h candles stored any more" in text
    )
    assert view.forms[-1].strategy == "RSI swing"  # the form is still given it; the view keeps what it can


def test_status_line_in_korean(bench):
    _run(bench, initial_capital=Decimal(4000))
    set_language("ko")
    p, view = _presenter(bench)
    p.open_run(1)
    assert view.line[0].startswith("저장된 실행 #1") and "거부된 주문" in view.line[0]


@pytest.mark.parametrize(
    ("start", "end", "timeframe", "expected"),
    [
        ("2024-01-01T00:00:00Z", "2024-03-01T23:00:00Z", "1h", ("2024-01-01", "2024-03-01")),
        ("2024-01-01T09:00:00Z", "2024-03-01T16:00:00Z", "4h", ("2024-01-01 09:00", "2024-03-01 16:00")),
        ("2024-01-01T00:00:00Z", "2024-03-01T20:00:00Z", "4h", ("2024-01-01", "2024-03-01")),
        ("2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z", "1d", ("2024-01-01", "2024-03-01")),
        ("2024-01-01T00:00:00Z", "2024-12-01T00:00:00Z", "1M", ("2024-01-01", "2024-12-01")),
        ("2024-01-01T00:03:00Z", "2024-01-01T23:58:00Z", "1m", ("2024-01-01 00:03", "2024-01-01 23:58")),
    ],
)  # fmt: skip
def test_period_fields_select_exactly_the_runs_candles(start, end, timeframe, expected):
    assert period_fields(start, end, timeframe) == expected
