"""The market-data presenter against a fake view, fake use cases and an ``ImmediateBackgroundWork`` (no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from upbit_auto_trading.application.market_data.delete_series import DeleteSeries
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.market_data.dto import ParsedCandles
from upbit_auto_trading.application.market_data.errors import AmbiguousNumbersError, MarketMismatchError
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.market_data.resample_series import ResampleSeries
from upbit_auto_trading.application.ports.candle_page_fetcher import NetworkUnavailableError
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import language, set_language
from upbit_auto_trading.presentation.desktop.market_data.model import DownloadRequest, ImportRequest
from upbit_auto_trading.presentation.desktop.market_data.presenter import (
    MarketDataPresenter,
    resample_targets,
)

H = 3600
BASE = 1_704_067_200


@pytest.fixture(autouse=True)
def _english():
    before = language()
    set_language("en")
    yield
    set_language(before)


class FakeView:
    def __init__(self) -> None:
        self.rows = []
        self.selected = None
        self.chart = None
        self.messages: list[str] = []
        self.errors: list[str] = []
        self.busy_log: list[tuple] = []
        self.import_request = None
        self.download_request = None
        self.resample_answer = None
        self.confirm_answer = False
        self.questions: list[str] = []

    def show_series(self, rows):
        self.rows = list(rows)

    def selected_series(self):
        return self.selected

    def select_series(self, market, timeframe):
        self.selected = (market, timeframe)

    def show_chart(self, arrays):
        self.chart = arrays

    def clear_chart(self):
        self.chart = None

    def ask_import(self):
        return self.import_request

    def ask_download(self, market, timeframe):
        return self.download_request

    def ask_resample_target(self, choices):
        self.choices = list(choices)
        return self.resample_answer

    def confirm(self, question):
        self.questions.append(question)
        return self.confirm_answer

    def set_busy(self, busy, message="", progress=None, cancellable=False):
        self.busy_log.append((busy, progress, cancellable))

    def show_message(self, text):
        self.messages.append(text)

    def show_error(self, text):
        self.errors.append(text)


class Reader:
    def __init__(self, store) -> None:
        self.store = store

    def load_arrays(self, market, timeframe, start=None, end=None):
        import numpy as np

        starts = np.array(self.store.starts(market, timeframe), dtype=np.int64)
        f = np.ones(len(starts))
        return CandleArrays(market, timeframe, starts, f, f, f, f, f, f)


class Fetcher:
    def __init__(self, fail=False, candles=()) -> None:
        self.fail = fail
        self.candles = list(candles)
        self.closed = False

    def fetch_candles(self, market, timeframe_code, to, count=200):
        if self.fail:
            raise NetworkUnavailableError("connection refused")
        return [c for c in sorted(self.candles, key=lambda c: -c.start_epoch) if c.start < to][:count]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True


class UseCases:
    def __init__(self, store, fakes, parsed=None, fetcher=None) -> None:
        self.store = store
        self.fakes = fakes
        self.parsed = parsed or ParsedCandles(0, [], [])
        self.fetcher = fetcher or Fetcher()
        self.state = fakes["FakeStateStore"]()

    def list_series(self):
        return ListSeries(self.store)

    def import_candles(self):
        return ImportCandles(self.fakes["FakeFileReader"](self.parsed), self.store)

    def resample_series(self):
        return ResampleSeries(self.store)

    def delete_series(self):
        return DeleteSeries(self.store)

    def candle_fetcher(self, api_url=None):
        return self.fetcher

    def download_candles(self, fetcher):
        return DownloadCandles(
            fetcher, self.store, self.state, clock=lambda: datetime.fromtimestamp(BASE + 30 * H, UTC)
        )


def _presenter(store, fakes, **kw):
    view = FakeView()
    uc = UseCases(store, fakes, **kw)
    return MarketDataPresenter(view, uc, Reader(store), ImmediateBackgroundWork()), view, uc


def test_refresh_lists_series_in_kst_and_selects_the_first(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE + i * H) for i in (0, 1, 3)])
    presenter, view, _ = _presenter(store, fakes)
    presenter.refresh()
    [row] = view.rows
    assert (row.market, row.first_kst, row.last_kst, row.count, row.gaps, row.missing) == (
        "KRW-BTC",
        "2024-01-01 09:00",
        "2024-01-01 12:00",
        3,
        1,
        1,
    )
    assert view.selected == ("KRW-BTC", "1h")
    presenter.on_series_selected()
    assert len(view.chart) == 3


def test_import_reports_and_reselects_the_imported_series(store, fakes):
    mk = fakes["make_candle"]
    parsed = ParsedCandles(3, [(2, mk(BASE, market="USD-BTC")), (3, mk(BASE + H, market="USD-BTC"))], [])
    presenter, view, _ = _presenter(store, fakes, parsed=parsed)
    view.import_request = ImportRequest(Path("f.csv"), "USD-BTC", "1h", "cdd")
    presenter.on_import()
    assert "inserted 2" in view.messages[-1] and view.selected == ("USD-BTC", "1h")
    assert view.busy_log[0][0] is True and view.busy_log[-1][0] is False and not presenter.busy


class RefusingReader:
    """A file reader that refuses the file while its spec lacks what ``refusals`` expects (then reads it)."""

    def __init__(self, refusals, parsed) -> None:
        self.refusals = list(refusals)
        self.parsed = parsed
        self.specs: list = []

    def read(self, spec):
        self.specs.append(spec)
        if self.refusals:
            raise self.refusals.pop(0)
        return self.parsed


def test_import_refusals_are_asked_about_once_then_retried_with_the_answer(store, fakes):
    mk = fakes["make_candle"]
    reader = RefusingReader(
        [
            AmbiguousNumbersError("eu.csv line 2: ...", line=2, sample="1,5", decimal=",", thousands=""),
            MarketMismatchError("...", market="KRW-BTC", file_symbol="BTCUSD", file_market="USD-BTC"),
        ],
        ParsedCandles(1, [(2, mk(BASE, market="USD-BTC"))], []),
    )
    presenter, view, uc = _presenter(store, fakes)
    uc.import_candles = lambda: ImportCandles(reader, store)
    asked: list[tuple] = []
    view.ask_number_format = lambda *args: asked.append(args) or (",", ".")
    view.confirm_answer = True
    view.import_request = ImportRequest(Path("eu.csv"), "KRW-BTC", "1h")
    presenter.on_import()
    assert asked == [("eu.csv", "1,5", ",", "")] and len(view.questions) == 1
    assert "USD-BTC" in view.questions[0] and "KRW-BTC" in view.questions[0]
    first, second, third = reader.specs
    assert (first.format, first.decimal, first.thousands, first.market) == ("auto", None, None, "KRW-BTC")
    assert (second.decimal, second.thousands, second.market) == (",", ".", "KRW-BTC")
    assert (third.decimal, third.thousands, third.market) == (",", ".", "USD-BTC")
    assert view.errors == [] and "inserted 1" in view.messages[-1] and not presenter.busy


def test_a_file_of_an_unreadable_symbol_is_an_error_not_a_question(store, fakes):
    reader = RefusingReader(
        [MarketMismatchError("f.csv holds 'BTC-PERP?' candles, not KRW-BTC", market="KRW-BTC",
                             file_symbol="BTC-PERP?", file_market=None)],
        ParsedCandles(0, [], []),
    )  # fmt: skip
    presenter, view, uc = _presenter(store, fakes)
    uc.import_candles = lambda: ImportCandles(reader, store)
    view.import_request = ImportRequest(Path("f.csv"), "KRW-BTC", "1h")
    presenter.on_import()
    assert view.questions == [] and len(reader.specs) == 1
    assert view.errors == ["f.csv holds 'BTC-PERP?' candles, not KRW-BTC"] and not presenter.busy


def test_cancelled_dialogs_do_nothing(store, fakes):
    presenter, view, _ = _presenter(store, fakes)
    presenter.on_import()
    presenter.on_download()
    assert view.busy_log == [] and view.messages == [] and view.errors == []


def test_download_shows_progress_and_no_network_plainly(store, fakes):
    mk = fakes["make_candle"]
    fetcher = Fetcher(candles=[mk(BASE + i * H) for i in range(10)])
    presenter, view, _ = _presenter(store, fakes, fetcher=fetcher)
    view.download_request = DownloadRequest(
        "KRW-BTC", "1h", datetime.fromtimestamp(BASE, UTC), datetime.fromtimestamp(BASE + 9 * H, UTC)
    )
    presenter.on_download()
    assert store.count("KRW-BTC", "1h") == 10 and fetcher.closed
    assert any(b[2] for b in view.busy_log)  # cancellable while running
    assert "Download complete" in view.messages[-1]

    presenter2, view2, _ = _presenter(fakes["FakeCandleStore"](), fakes, fetcher=Fetcher(fail=True))
    view2.download_request = view.download_request
    presenter2.on_download()
    assert "no network" in view2.errors[-1] and not presenter2.busy


def test_resample_offers_valid_targets_and_delete_needs_confirmation(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE + i * H) for i in range(48)])
    presenter, view, _ = _presenter(store, fakes)
    presenter.refresh()
    view.resample_answer = "1d"
    presenter.on_resample()
    assert view.choices == resample_targets("1h") == ["4h", "1d", "1w", "1M"]
    assert store.count("KRW-BTC", "1d") == 2 and view.selected == ("KRW-BTC", "1d")

    view.selected = ("KRW-BTC", "1h")
    presenter.on_delete()
    assert store.count("KRW-BTC", "1h") == 48 and "cannot be undone" in view.questions[-1]
    view.confirm_answer = True
    presenter.on_delete()
    assert store.count("KRW-BTC", "1h") == 0 and "Deleted 48" in view.messages[-1]
    assert [r.timeframe for r in view.rows] == ["1d"]
