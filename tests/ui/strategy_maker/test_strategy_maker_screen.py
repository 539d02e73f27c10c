"""Strategy maker: the presenter against a fake view, then the real widget with pytest-qt."""

from __future__ import annotations

import json

import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.strategy_maker.model import (
    MAX_RULES,
    document_of,
    empty_document,
    form_of,
)
from upbit_auto_trading.presentation.desktop.strategy_maker.presenter import StrategyMakerPresenter


class FakeView:
    def __init__(self) -> None:
        self.doc = empty_document()
        self.rows: list = []
        self.triggers: list[str] = []
        self.problems: list = []
        self.can_save = False
        self.actions: dict = {}
        self.answer = True
        self.errors: list[str] = []
        self.statuses: list[str] = []
        self.open_path: str | None = None
        self.save_path: str | None = None
        self.title = ""

    def search_text(self) -> str:
        return ""

    def show_strategies(self, rows, selected_id) -> None:  # noqa: ANN001
        self.rows = list(rows)

    def show_triggers(self, names) -> None:  # noqa: ANN001
        self.triggers = list(names)

    def form(self):  # noqa: ANN201 - the form holding ``doc``, as the widget would
        return form_of(json.loads(json.dumps(self.doc)))

    def show_form(self, form, title) -> None:  # noqa: ANN001
        self.doc, self.title = document_of(form), title

    def show_problems(self, rows, can_save) -> None:  # noqa: ANN001
        self.problems, self.can_save = list(rows), can_save

    def set_actions(self, **kw) -> None:  # noqa: ANN003
        self.actions = kw

    def confirm(self, question: str) -> bool:
        return self.answer

    def ask_open_path(self):  # noqa: ANN201
        return self.open_path

    def ask_save_path(self, suggested: str):  # noqa: ANN201
        return self.save_path

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_status(self, message: str) -> None:
        self.statuses.append(message)


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


def test_new_form_lists_triggers_and_specific_problems(support):
    w = support.world()
    view = FakeView()
    StrategyMakerPresenter(view, support.strategy_maker_services(w, {})).start()
    assert "RSI below 35" in view.triggers
    fields = {p.field for p in view.problems}
    assert {"name", "entry"} <= fields and not view.can_save
    assert view.actions == {"can_add_rule": True, "has_saved": False}


def test_save_versions_duplicate_delete(support):
    w = support.world()
    view = FakeView()
    p = StrategyMakerPresenter(view, support.strategy_maker_services(w, {}))
    p.start()
    view.doc = support.rsi_document()
    p.form_changed()
    assert view.can_save and view.problems == []
    p.save()
    assert [r.name for r in view.rows] == ["RSI swing"] and view.rows[0].version == 1
    assert not p.is_dirty() and view.actions["has_saved"]
    view.doc["cooldown_candles"] = 3
    assert p.is_dirty()
    p.save()
    assert view.rows[0].version == 2 and "v2" in view.title
    p.duplicate()
    assert sorted(r.name for r in view.rows) == ["RSI swing", "RSI swing (copy)"]
    view.answer = False
    p.delete()
    assert len(view.rows) == 2
    view.answer = True
    p.delete()
    assert [r.name for r in view.rows] == ["RSI swing"] and view.errors == []


def test_open_strategy_follows_a_trigger_renamed_elsewhere_unless_edited(support):
    from dataclasses import replace

    from upbit_auto_trading.application.strategy.trigger_references import StrategyTriggerReferences

    w = support.world()
    view = FakeView()
    p = StrategyMakerPresenter(view, support.strategy_maker_services(w, {}))
    p.start()
    view.doc = support.rsi_document()
    p.save()
    refs = StrategyTriggerReferences(w.strategies, w.triggers)

    def rename(old: str, new: str) -> None:  # what the trigger builder's rename does
        refs.rename(w.triggers.get(old), new)
        w.triggers.update(replace(w.triggers.get(old), name=new))

    rename("RSI above 65", "RSI overbought")
    p.refresh()  # the tab is shown again
    assert "v2" in view.title and "RSI overbought" in json.dumps(view.doc) and not p.is_dirty()
    assert "RSI overbought" in view.triggers and view.problems == []
    view.doc["cooldown_candles"] = 9  # unsaved edits are never replaced
    rename("RSI below 35", "RSI oversold")
    p.refresh()
    assert "v2" in view.title and view.doc["cooldown_candles"] == 9 and p.is_dirty()


def test_invalid_save_is_refused_with_the_reason(support):
    w = support.world()
    view = FakeView()
    p = StrategyMakerPresenter(view, support.strategy_maker_services(w, {}))
    p.start()
    view.doc = support.rsi_document(
        management=[{"type": "trailing_stop", "activate_pct": 5, "trail_pct": 150}]
    )
    p.save()
    assert view.errors and w.strategies.list() == []
    assert any("management[0].trail_pct" == r.field for r in view.problems)


def test_export_and_import_json(support):
    w = support.world()
    files: dict[str, str] = {}
    view = FakeView()
    p = StrategyMakerPresenter(view, support.strategy_maker_services(w, files))
    p.start()
    view.doc = support.rsi_document()
    p.save()
    view.save_path = "/x/out.json"
    p.export()
    assert json.loads(files["/x/out.json"])["name"] == "RSI swing"
    view.open_path = "/x/out.json"
    p.import_file()
    assert sorted(r.name for r in view.rows) == ["RSI swing", "RSI swing (copy)"]


def test_widget_compose_save_and_rule_limit(qtbot, support):
    from upbit_auto_trading.presentation.desktop.strategy_maker.view import StrategyMakerWidget

    w = support.world()
    widget = StrategyMakerWidget()
    qtbot.addWidget(widget)
    widget.presenter = StrategyMakerPresenter(widget, support.strategy_maker_services(w, {}))
    widget.presenter.start()
    assert not widget.save_button.isEnabled()
    widget.name.setText("Widget strategy")
    widget.entry.trigger_box.setCurrentText("RSI below 35")
    qtbot.mouseClick(widget.entry.add_group_button, Qt.MouseButton.LeftButton)
    assert widget.entry.groups() == [["RSI below 35"]]
    widget.rule_type.setCurrentIndex(widget.rule_type.findData("trailing_stop"))
    qtbot.mouseClick(widget.add_rule_button, Qt.MouseButton.LeftButton)
    assert widget.save_button.isEnabled()
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    saved = w.strategies.get("Widget strategy")
    assert saved is not None and saved.strategy.rule("trailing_stop") is not None
    for rule_type in ("stop_take_profit", "pyramid", "scale_in", "time_exit"):
        widget.rule_type.setCurrentIndex(widget.rule_type.findData(rule_type))
        qtbot.mouseClick(widget.add_rule_button, Qt.MouseButton.LeftButton)
    assert widget.rules.count() == MAX_RULES and not widget.add_rule_button.isEnabled()
    # editing a parameter of the selected rule changes the document
    widget.rules.setCurrentRow(4)
    editor = widget._rule_editor
    _, box, _ = editor._inputs["candles"]
    box.setValue(48)
    assert widget.presenter.document()["management"][4] == {"type": "time_exit", "candles": 48}
