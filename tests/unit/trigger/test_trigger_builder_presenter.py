"""The trigger builder presenter against a fake view, fake repositories and a fake candle reader (no Qt)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.trigger.create_trigger import CreateTrigger
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.duplicate_trigger import DuplicateTrigger
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.export_triggers import ExportTriggers
from upbit_auto_trading.application.trigger.find_trigger_users import FindTriggerUsers
from upbit_auto_trading.application.trigger.import_triggers import ImportTriggers
from upbit_auto_trading.application.trigger.list_catalogue import ListCatalogue
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.trigger_builder.model import MAIN, TARGET
from upbit_auto_trading.presentation.desktop.trigger_builder.presenter import (
    FormState,
    TriggerBuilderPresenter,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices


class FakeTriggerRepository:
    def __init__(self):
        self.rows, self.next_id = {}, 1

    def list(self, search=""):
        s = search.lower()
        return sorted(
            (
                c
                for c in self.rows.values()
                if not s or s in c.name.lower() or s in c.variable.variable_id.lower()
            ),
            key=lambda c: c.name.lower(),
        )

    def get(self, name):
        return next((c for c in self.rows.values() if c.name == name), None)

    def get_by_id(self, condition_id):
        return self.rows.get(condition_id)

    def add(self, condition):
        if self.get(condition.name):
            raise ConflictError("taken")
        stored = replace(condition, condition_id=self.next_id)
        self.rows[self.next_id] = stored
        self.next_id += 1
        return stored

    def update(self, condition):
        self.rows[condition.condition_id] = condition
        return condition

    def delete(self, condition_id):
        return self.rows.pop(condition_id, None) is not None


class FakeReferences:
    """Strategy name -> names of the triggers it uses."""

    def __init__(self):
        self.uses = {}

    def users(self, condition):
        return sorted(s for s, names in self.uses.items() if condition.name in names)

    def rename(self, condition, new_name):
        users = self.users(condition)
        for s in users:
            self.uses[s] = {new_name if n == condition.name else n for n in self.uses[s]}
        return users


class FakeStoreTransaction:
    @contextmanager
    def transaction(self):
        yield None


class FakeCatalogueRepository:
    def __init__(self, catalogue):
        self.catalogue = catalogue

    def load(self):
        return self.catalogue


class FakeCandleReader:
    def __init__(self, factory):
        rng = np.random.default_rng(3)
        self.arrays = factory(np.round(3e7 + np.cumsum(rng.normal(0, 2e5, 3000)), -3))
        self.calls = 0
        self.markets = []

    def load_arrays(self, market, timeframe, start=None, end=None):
        self.calls += 1
        self.markets.append(market)
        return self.arrays


class FakeView:
    def __init__(self):
        self.state = FormState()
        self.groups = self.targets = self.operators = self.saved = []
        self.parameters = {MAIN: [], TARGET: []}
        self.errors, self.validation, self.preview, self.message = {}, None, None, ""
        self.search, self.selected, self.editing = "", None, None
        self.confirm_answer, self.path, self.shown_errors, self.infos = True, None, [], []
        self.help = self.hint = ""
        self.period = ("", "")
        self.conflicts, self.conflict_answers = [], []

    def show_variables(self, groups):
        self.groups = groups

    def show_target_variables(self, items):
        self.targets = items

    def show_operators(self, items):
        self.operators = items

    def show_markets(self, markets, selected):
        self.markets = markets
        self.state = replace(self.state, market=selected)

    def show_parameters(self, side, fields):
        self.parameters[side] = fields

    def set_parameter_error(self, side, name, message):
        self.errors[(side, name)] = message

    def show_help(self, text):
        self.help = text

    def set_value_hint(self, text):
        self.hint = text

    def form(self):
        return replace(
            self.state, params=dict(self.state.params), target_params=dict(self.state.target_params)
        )

    def set_form(self, state):
        self.state = replace(state)

    def show_validation(self, message):
        self.validation = message

    def show_preview(self, data, message=""):
        self.preview, self.message = data, message

    def preview_period(self):
        return self.period

    def set_preview_period(self, start, end):
        self.period = (start, end)

    def set_busy(self, busy):
        pass

    def show_saved(self, rows, selected):
        self.saved, self.selected = rows, selected or self.selected

    def selected_saved(self):
        return self.selected

    def search_text(self):
        return self.search

    def set_editing(self, name):
        self.editing = name

    def confirm(self, question):
        return self.confirm_answer

    def ask_open_path(self):
        return self.path

    def ask_import_conflict(self, conflict):
        self.conflicts.append(conflict)
        return self.conflict_answers.pop(0) if self.conflict_answers else None

    def ask_save_path(self, suggested):
        return self.path

    def show_error(self, message):
        self.shown_errors.append(message)

    def show_info(self, message):
        self.infos.append(message)


@pytest.fixture
def setup(catalogue, candles_factory):
    repo = FakeTriggerRepository()
    reader = FakeCandleReader(candles_factory)
    services = _services(catalogue, repo, reader, None)
    view = FakeView()
    presenter = TriggerBuilderPresenter(view, services, ImmediateBackgroundWork())
    presenter.start()
    return presenter, view, repo, reader


def test_presenter_start_shows_grouped_catalogue_and_a_preview(setup):
    presenter, view, _, _ = setup
    assert [g.purpose for g in view.groups] == [
        "trend",
        "momentum",
        "volatility",
        "volume",
        "price",
        "capital",
        "state",
        "meta",
    ]
    assert view.validation == "" and view.preview is not None
    assert view.preview.count == presenter.preview_count and not view.preview.overlay  # RSI: own pane
    assert "100" in view.hint
    assert [f.definition.name for f in view.parameters[MAIN]] == ["period", "timeframe"]


def test_presenter_incompatible_targets_are_disabled_with_reason(setup):
    _, view, _, _ = setup
    by_id = {t.variable_id: t for t in view.targets}
    assert by_id["STOCHASTIC"].enabled and by_id["MFI"].enabled
    assert not by_id["SMA"].enabled and "0-100" in by_id["SMA"].reason


def test_presenter_parameter_change_updates_preview_and_inline_errors(setup):
    presenter, view, _, reader = setup
    first = view.preview.count
    view.state.params = {"period": "2"}
    presenter.form_changed()
    assert view.preview.count != first
    view.state.params = {"period": "abc"}
    presenter.form_changed()
    assert "whole number" in view.errors[(MAIN, "period")] and view.validation
    view.state.params = {"period": "500"}
    presenter.form_changed()
    assert "from 2 to 100" in view.errors[(MAIN, "period")]  # the allowed range, not just a bound
    assert reader.calls == 1  # candles loaded once, then cached


def test_presenter_out_of_range_value_is_refused(setup):
    presenter, view, _, _ = setup
    view.state.value = "150"
    presenter.form_changed()
    assert "out of range" in view.validation


def test_presenter_overlay_variable_with_variable_target(setup):
    presenter, view, _, _ = setup
    presenter.variable_changed("SMA")
    presenter.target_variable_changed("EMA")
    view.state.target_params = {"period": "60"}
    presenter.form_changed()
    assert view.validation == "" and view.preview.overlay and view.preview.target is not None
    assert len(view.preview.times) == 2000


def test_presenter_position_variable_preview_says_needs_a_position(setup):
    presenter, view, _, _ = setup
    presenter.variable_changed("PROFIT_PERCENT")
    view.state.value = "5"
    view.state.operator = "ge"
    presenter.form_changed()
    text = view.message.lower()
    assert view.preview.count == 0 and ("position" in text or "포지션" in text)


def test_presenter_save_edit_duplicate_delete_export_import(setup, tmp_path):
    presenter, view, repo, _ = setup
    view.state.name = "rsi-up"
    assert presenter.save() and [r.name for r in view.saved] == ["rsi-up"] and view.editing == "rsi-up"
    view.state.params = {"period": "21"}
    assert presenter.save()  # edits the same trigger
    assert repo.get("rsi-up").variable.params["period"] == 21 and len(repo.rows) == 1
    presenter.new_trigger()
    assert view.editing is None
    presenter.saved_selected("rsi-up")
    assert view.state.params["period"] == "21" and view.state.value == "30"
    view.selected = "rsi-up"
    presenter.duplicate()
    assert [r.name for r in view.saved] == ["rsi-up", "rsi-up (2)"]
    view.search = "(2)"
    presenter.search_changed()
    assert [r.name for r in view.saved] == ["rsi-up (2)"]
    view.search, view.selected, view.confirm_answer = "", "rsi-up (2)", False
    presenter.delete()
    assert len(repo.rows) == 2
    view.confirm_answer = True
    presenter.delete()
    assert [c.name for c in repo.list()] == ["rsi-up"]
    view.path, view.selected = str(tmp_path / "x.json"), None
    presenter.export()
    assert json.loads((tmp_path / "x.json").read_text())["triggers"][0]["name"] == "rsi-up"
    presenter.import_()  # the same file again: recognised, nothing added, nothing asked
    assert [c.name for c in repo.list()] == ["rsi-up"] and view.conflicts == []
    assert view.infos[-1] in ("1 skipped (identical)", "1개 건너뜀 (동일)")


def test_presenter_save_without_name_or_duplicate_name_shows_error(setup):
    presenter, view, _, _ = setup
    assert not presenter.save() and view.shown_errors
    view.state.name = "a"
    presenter.save()
    presenter.new_trigger()
    view.state.name = "a"
    assert not presenter.save() and "already exists" in view.shown_errors[-1]


def _services(catalogue, repo, reader, markets, refs=None):
    cat = FakeCatalogueRepository(catalogue)
    refs = refs or FakeReferences()
    services = TriggerBuilderServices(
        ListCatalogue(cat),
        ListTriggers(repo),
        CreateTrigger(repo, cat),
        EditTrigger(repo, cat, refs, FakeStoreTransaction()),
        DeleteTrigger(repo, refs, FakeStoreTransaction()),
        DuplicateTrigger(repo),
        ExportTriggers(repo, cat),
        ImportTriggers(repo, cat, FakeStoreTransaction()),
        reader,
        trigger_users=FindTriggerUsers(repo, refs),
    )
    if markets is not None:
        services = replace(services, markets=markets)
    return services


def test_presenter_markets_come_from_the_stored_series_off_the_gui_thread(catalogue, candles_factory):
    stored = ["KRW-ETH", "USD-BTC"]
    reader = FakeCandleReader(candles_factory)
    runner = ImmediateBackgroundWork(hold=True)  # a worker that has not finished yet
    view = FakeView()
    presenter = TriggerBuilderPresenter(
        view, _services(catalogue, FakeTriggerRepository(), reader, lambda: list(stored)), runner
    )
    presenter.start()
    assert view.markets == ["KRW-BTC"]  # placeholder: the series are read on the worker
    runner.run_pending()
    assert view.markets == ["KRW-ETH", "USD-BTC"]
    assert view.state.market == "KRW-ETH"  # KRW-BTC is not stored: the first stored market is chosen
    assert reader.markets == ["KRW-BTC", "KRW-ETH"]  # ... and the preview is computed again for it
    assert presenter.preview_count is not None
    view.state.market = "USD-BTC"
    presenter.load_markets()
    runner.run_pending()
    assert view.state.market == "USD-BTC" and len(reader.markets) == 2  # kept; nothing recomputed


def test_presenter_without_stored_series_shows_the_default_market(setup):
    presenter, view, _, _ = setup
    assert view.markets == ["KRW-BTC"] and view.state.market == "KRW-BTC"


def test_presenter_reload_rereads_triggers_candles_and_keeps_the_form(setup):
    presenter, view, repo, reader = setup
    view.state.name = "kept"
    view.state.params = {"period": "21"}
    assert presenter.save()
    calls = reader.calls
    other = replace(repo.get("kept"), name="from-the-other-profile", condition_id=None)
    repo.add(other)  # the new profile's database holds another trigger
    presenter.reload()
    assert [r.name for r in view.saved] == ["from-the-other-profile", "kept"]
    assert reader.calls == calls + 1  # candles re-read from the new profile
    assert view.editing == "kept" and view.state.params["period"] == "21"
    repo.rows.clear()  # a restore to a backup without the trigger being edited
    presenter.reload()
    assert view.editing is None and view.saved == []
    assert view.state.params["period"] == "21"  # the form stays, now as a new trigger


def test_presenter_preview_in_flight_during_a_reload_is_computed_again(catalogue, candles_factory):
    reader = FakeCandleReader(candles_factory)
    runner = ImmediateBackgroundWork(hold=True)  # a worker that has not finished yet
    view = FakeView()
    presenter = TriggerBuilderPresenter(
        view, _services(catalogue, FakeTriggerRepository(), reader, lambda: []), runner
    )
    presenter.start()
    deliver = runner.compute_next()  # the first preview, computed on the old profile's candles
    presenter.invalidate_candles()  # profile switched while it ran
    deliver()
    assert view.preview is None  # the stale result is not shown ...
    runner.run_pending()  # ... it is computed again on the new data
    assert view.preview is not None and reader.calls == 2


def test_presenter_rename_of_a_used_trigger_asks_then_updates_the_strategies(catalogue, candles_factory):
    repo, refs = FakeTriggerRepository(), FakeReferences()
    view = FakeView()
    presenter = TriggerBuilderPresenter(
        view, _services(catalogue, repo, FakeCandleReader(candles_factory), None, refs), ImmediateBackgroundWork()
    )
    presenter.start()
    view.state.name = "rsi-up"
    assert presenter.save()
    refs.uses = {"swing": {"rsi-up"}, "other": {"x"}}
    view.state.name, view.confirm_answer = "rsi-rise", False
    assert not presenter.save()  # declined: nothing renamed
    assert repo.get("rsi-up") is not None and refs.uses["swing"] == {"rsi-up"} and view.editing == "rsi-up"
    view.confirm_answer = True
    assert presenter.save()
    assert repo.get("rsi-rise") is not None and repo.get("rsi-up") is None
    assert refs.uses == {"swing": {"rsi-rise"}, "other": {"x"}} and view.editing == "rsi-rise"
    view.state.description, view.confirm_answer = "same name, new text", False
    assert presenter.save()  # not a rename: no question asked


def test_presenter_delete_of_a_used_trigger_is_refused_with_the_strategies(catalogue, candles_factory):
    repo, refs = FakeTriggerRepository(), FakeReferences()
    view = FakeView()
    presenter = TriggerBuilderPresenter(
        view, _services(catalogue, repo, FakeCandleReader(candles_factory), None, refs), ImmediateBackgroundWork()
    )
    presenter.start()
    view.state.name = "rsi-up"
    presenter.save()
    refs.uses = {"swing": {"rsi-up"}, "scalp": {"rsi-up"}}
    view.selected, view.confirm_answer = "rsi-up", True
    presenter.delete()
    assert repo.get("rsi-up") is not None
    assert "'scalp', 'swing'" in view.shown_errors[-1] and "rsi-up" in view.shown_errors[-1]
    refs.uses = {}
    presenter.delete()
    assert repo.get("rsi-up") is None and view.editing is None


def test_presenter_import_asks_about_each_differing_trigger_until_apply_to_all(setup, tmp_path):
    presenter, view, repo, _ = setup
    for name in ("a", "b", "c"):
        presenter.new_trigger()
        view.state.name = name
        assert presenter.save()
    view.path, view.selected = str(tmp_path / "x.json"), None
    presenter.export()
    document = json.loads((tmp_path / "x.json").read_text())
    for item in document["triggers"]:
        item["target"]["value"] = "40"  # every trigger now differs from the saved one
    (tmp_path / "x.json").write_text(json.dumps(document))

    view.conflict_answers = [("skip", False), ("rename", True)]  # b and c: renamed without asking
    presenter.import_()
    assert [c.name for c in view.conflicts] == ["a", "b"]
    assert view.conflicts[0].differences == ("target: 30 -> 40",)
    assert [c.name for c in repo.list()] == ["a", "b", "b (2)", "c", "c (2)"]
    assert repo.get("a").describe() == "RSI(period=14) crosses_above 30"  # skipped: the saved one kept

    view.conflicts, view.conflict_answers = [], []  # the dialog closed: nothing written
    before = [(c.name, c.describe()) for c in repo.list()]
    presenter.import_()
    assert len(view.conflicts) == 1 and [(c.name, c.describe()) for c in repo.list()] == before
    assert view.infos[-1] in ("Import cancelled: nothing changed", "가져오기 취소: 바뀐 것이 없습니다")
