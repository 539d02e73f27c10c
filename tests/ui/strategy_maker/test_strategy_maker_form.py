"""The strategy maker's presenter makes the strategy document from what the form holds (the view only reads
its inputs): a fake view hands the presenter a ``StrategyForm`` as the widget would fill it in."""

from __future__ import annotations

import pytest

from upbit_auto_trading.domain.strategy import strategy_to_dict
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.strategy_maker.model import StrategyForm, form_of
from upbit_auto_trading.presentation.desktop.strategy_maker.presenter import StrategyMakerPresenter


class FormView:
    """Holds a ``StrategyForm`` as the widget's inputs would; records what the presenter shows."""

    def __init__(self) -> None:
        self.filled: StrategyForm | None = None
        self.shown: StrategyForm | None = None
        self.title = ""
        self.problems: list = []
        self.can_save = False
        self.errors: list[str] = []
        self.statuses: list[str] = []

    def form(self) -> StrategyForm:
        return self.filled if self.filled is not None else self.shown

    def show_form(self, form: StrategyForm, title: str) -> None:
        self.shown, self.title, self.filled = form, title, None

    def search_text(self) -> str:
        return ""

    def show_strategies(self, rows, selected_id) -> None:  # noqa: ANN001
        pass

    def show_triggers(self, names) -> None:  # noqa: ANN001
        pass

    def show_problems(self, rows, can_save) -> None:  # noqa: ANN001
        self.problems, self.can_save = list(rows), can_save

    def set_actions(self, **kw) -> None:  # noqa: ANN003
        pass

    def confirm(self, question: str) -> bool:
        return True

    def ask_open_path(self) -> None:
        return None

    def ask_save_path(self, suggested: str) -> None:
        return None

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_status(self, message: str) -> None:
        self.statuses.append(message)


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def bench(support):  # noqa: ANN001, ANN201
    w = support.world()
    services = support.strategy_maker_services(w)
    view = FormView()
    presenter = StrategyMakerPresenter(view, services)
    presenter.start()
    return w, view, presenter


def _filled(**changes) -> StrategyForm:  # noqa: ANN003
    fields = {
        "name": "Form strategy",
        "description": "from the form",
        "entry": [["RSI below 35"]],
        "management": [{"type": "stop_take_profit", "stop_loss_pct": 4, "take_profit_pct": 8}],
        "sizing_mode": "fixed_amount",
        "sizing_value": 250000.0,  # a spin box's float
        "cooldown_candles": 3,
        "same_candle_policy": "priority",
    }
    return StrategyForm(**(fields | changes))


def test_the_presenter_makes_the_document_of_the_filled_form_and_saves_it(bench):
    w, view, presenter = bench
    view.filled = _filled()
    expected = {
        "schema_version": 1,
        "name": "Form strategy",
        "description": "from the form",
        "entry": {"groups": [{"triggers": [{"name": "RSI below 35", "id": None}]}]},
        "management": [{"type": "stop_take_profit", "stop_loss_pct": 4, "take_profit_pct": 8}],
        "sizing": {"mode": "fixed_amount", "value": 250000},  # a whole amount is saved as an integer
        "cooldown_candles": 3,
        "same_candle_policy": "priority",
    }
    assert presenter.document() == expected
    presenter.save()
    assert view.errors == [] and "v1" in view.title
    assert strategy_to_dict(w.strategies.get("Form strategy").strategy) == expected


def test_a_fractional_size_keeps_four_decimals_and_rules_are_copied(bench):
    _, view, presenter = bench
    rule = {"type": "time_exit", "candles": 24}
    view.filled = _filled(sizing_mode="cash_percent", sizing_value=12.345678, management=[rule])
    document = presenter.document()
    assert document["sizing"] == {"mode": "cash_percent", "value": 12.3457}
    rule["candles"] = 99  # the form's rule changed after the document was made
    assert document["management"] == [{"type": "time_exit", "candles": 24}]


def test_the_shown_form_is_the_saved_strategy_and_not_dirty(bench):
    _, view, presenter = bench
    view.filled = _filled(entry=[["RSI below 35"], ["RSI above 65"]])
    presenter.save()
    shown = view.shown  # what the presenter put in the form after saving
    assert shown.entry == [["RSI below 35"], ["RSI above 65"]] and shown.sizing_value == 250000.0
    assert (shown.sizing_mode, shown.cooldown_candles, shown.same_candle_policy) == ("fixed_amount", 3, "priority")
    assert not presenter.is_dirty()
    view.filled = _filled(entry=[["RSI below 35"], ["RSI above 65"]], cooldown_candles=4)
    assert presenter.is_dirty()


def test_a_new_strategy_shows_the_defaults():
    form = form_of({})
    assert (form.name, form.entry, form.management) == ("", [], [])
    assert (form.sizing_mode, form.sizing_value, form.cooldown_candles, form.same_candle_policy) == (
        "cash_percent",
        100.0,
        0,
        "conservative",
    )
