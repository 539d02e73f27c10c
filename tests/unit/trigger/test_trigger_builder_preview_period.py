"""The trigger builder presenter's preview period and resampled timeframes, without a window: a fake view,
an in-memory candle store holding only 1h candles, the preview computed at once (ImmediateBackgroundWork)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

import pytest

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trigger_builder.form import FormState
from upbit_auto_trading.presentation.desktop.trigger_builder.presenter import TriggerBuilderPresenter
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices

BASE = 1_609_459_200  # 2021-01-01T00:00:00Z


@cache
def _year_of_hours() -> tuple[Candle, ...]:
    out = []
    for i in range(365 * 24):
        price = Decimal(1000 + (i * 37) % 101 - (i // 50) % 13)
        out.append(Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), price, price + 3,
                          price - 3, price, Decimal(1), price))  # fmt: skip
    return tuple(out)


class HoursOnly:
    """1h candles 2021-01-01 .. 2021-12-31, nothing else; no write method at all."""

    def __init__(self) -> None:
        self.candles = _year_of_hours()

    def _window(self, timeframe, start, end):  # noqa: ANN001, ANN202
        if timeframe != "1h":
            return []
        lo = -(2**62) if start is None else start.timestamp()
        hi = 2**62 if end is None else end.timestamp()
        return [c for c in self.candles if lo <= c.start_epoch <= hi]

    def load_arrays(self, market, timeframe, start=None, end=None):  # noqa: ANN001, ANN201
        return CandleArrays.from_candles(market, timeframe, self._window(timeframe, start, end))

    def load_candles(self, market, timeframe, start=None, end=None):  # noqa: ANN001, ANN201
        return self._window(timeframe, start, end)

    def newest_start(self, market, timeframe):  # noqa: ANN001, ANN201
        return self.candles[-1].start_epoch if timeframe == "1h" else None


class View:
    """The calls the preview makes; the rest of the view protocol does nothing."""

    def __init__(self) -> None:
        self.state = FormState()
        self.period = ("", "")
        self.preview, self.message, self.validation = None, "", None

    def form(self) -> FormState:
        return replace(self.state, params=dict(self.state.params), target_params=dict(self.state.target_params))

    def set_form(self, state: FormState) -> None:
        self.state = replace(state)

    def show_markets(self, markets, selected) -> None:  # noqa: ANN001
        self.state = replace(self.state, market=selected)

    def preview_period(self) -> tuple[str, str]:
        return self.period

    def set_preview_period(self, start: str, end: str) -> None:
        self.period = (start, end)

    def show_preview(self, data, message="") -> None:  # noqa: ANN001
        self.preview, self.message = data, message

    def show_validation(self, message: str) -> None:
        self.validation = message

    def __getattr__(self, name: str):  # noqa: ANN204
        return lambda *args, **kwargs: None


@pytest.fixture
def presenter(catalogue):
    set_language("en")
    nothing = SimpleNamespace(execute=lambda *args, **kwargs: [])
    services = TriggerBuilderServices(
        list_catalogue=SimpleNamespace(execute=lambda: catalogue),
        list_triggers=nothing, create_trigger=nothing, edit_trigger=nothing, delete_trigger=nothing,
        duplicate_trigger=nothing, export_triggers=nothing, import_triggers=nothing,
        candle_reader=HoursOnly(), markets=lambda: ["KRW-BTC"],
    )  # fmt: skip
    view = View()
    presenter = TriggerBuilderPresenter(view, services, ImmediateBackgroundWork())
    presenter.start()
    view.state.timeframe = "4h"  # the timeframe picked in the form
    presenter.form_changed()
    return presenter, view


def test_a_4h_trigger_with_only_1h_stored_is_previewed_resampled(presenter):
    presenter, view = presenter
    assert view.state.timeframe == "4h" and view.preview is not None, view.message
    assert view.preview.caption.startswith("KRW-BTC 4h resampled from 1h · ")
    # 2,190 4h candles in the year: the last 2,000 shown, the 190 before them only warm up the indicator
    assert view.preview.caption.endswith("2021-02-02 01:00 ~ 2022-01-01 05:00 KST · 2,000 candles")
    assert view.validation == ""


def test_a_typed_period_is_previewed_and_latest_goes_back(presenter):
    presenter, view = presenter
    view.period = ("2021-03-01", "2021-03-31")
    presenter.form_changed()
    assert view.preview.caption.endswith("2021-03-01 09:00 ~ 2021-04-01 05:00 KST · 186 candles")
    assert int(view.preview.times[0]) == int(datetime(2021, 3, 1, tzinfo=UTC).timestamp())

    view.period = ("2021-03-31", "2021-03-01")
    presenter.form_changed()
    assert view.validation == "The start is after the end"

    view.period = ("2021-3-1x", "")
    presenter.form_changed()
    assert "From: expected YYYY-MM-DD" in view.validation

    presenter.latest_period()
    assert view.period == ("", "") and view.validation == ""
    assert view.preview.caption.endswith("2,000 candles")


def test_a_period_without_candles_says_so(presenter):
    presenter, view = presenter
    view.period = ("2019-01-01", "2019-12-31")
    presenter.form_changed()
    assert view.preview is None
    assert view.message == "No 4h candles of KRW-BTC in that period (2019-01-01 to 2019-12-31)"
