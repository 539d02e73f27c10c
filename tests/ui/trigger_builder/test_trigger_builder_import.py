"""The trigger builder's import action on real SQLite: a re-imported export adds nothing and says so; a trigger
that differs from the saved one of its name is asked about in a dialog (rename / skip / replace, apply to all)."""

from __future__ import annotations

import json

import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMessageBox

from upbit_auto_trading.application.trigger.import_triggers import ConflictChoice, TriggerConflict
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import trigger_builder_services
from upbit_auto_trading.presentation.desktop.trigger_builder.import_dialog import chosen, conflict_dialog
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder


@pytest.fixture
def builder(qtbot, tmp_path):
    container = build_container(home=tmp_path / "home", overrides={"market_data": {"seed_bundled": False}})
    container.core.database_session()
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    widget.infos, widget.errors = [], []
    widget.show_info = widget.infos.append  # the message boxes, read instead of shown
    widget.show_error = widget.errors.append
    widget.confirm = lambda question: True
    yield widget, container
    container.core.database_session().close_all()


def _saved(widget) -> list[str]:
    return [widget.saved_list.item(i).text().split("  ")[0] for i in range(widget.saved_list.count())]


def _export(widget, path) -> dict:
    widget.ask_save_path = lambda suggested: str(path)
    widget.saved_list.setCurrentRow(-1)  # nothing selected: every trigger is exported
    widget.presenter.export()
    return json.loads(path.read_text(encoding="utf-8"))


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text().startswith(text) or text in b.text())


def test_reimporting_the_export_in_the_tab_adds_nothing(builder, tmp_path):
    widget, container = builder
    for name in ("a", "b"):
        widget.presenter.new_trigger()
        widget.name_edit.setText(name)
        assert widget.presenter.save()
    path = tmp_path / "t.json"
    _export(widget, path)
    widget.ask_open_path = lambda: str(path)
    widget.ask_import_conflict = lambda conflict: pytest.fail("nothing differs: nothing to ask")
    widget.presenter.import_()
    assert [c.name for c in container.triggers.list_triggers().execute()] == ["a", "b"]
    assert widget.infos[-1] in ("2 skipped (identical)", "2개 건너뜀 (동일)") and widget.errors == []


def test_a_differing_trigger_is_asked_about_in_the_dialog(builder, tmp_path):
    widget, container = builder
    for name in ("a", "b"):
        widget.presenter.new_trigger()
        widget.name_edit.setText(name)
        assert widget.presenter.save()
    path = tmp_path / "t.json"
    document = _export(widget, path)
    for item in document["triggers"]:
        item["target"]["value"] = "20"
    path.write_text(json.dumps(document), encoding="utf-8")
    widget.ask_open_path = lambda: str(path)

    dialogs: list[str] = []

    def answer() -> None:  # the real modal dialog: tick "apply to all", press "Import as 'a (2)'"
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        dialogs.append(box.text() + "\n" + box.informativeText())
        box.checkBox().setChecked(True)
        _button(box, "'a (2)'").click()

    QTimer.singleShot(0, answer)
    widget.presenter.import_()
    assert len(dialogs) == 1 and "'a'" in dialogs[0] and "target: 30 -> 20" in dialogs[0]  # b: not asked
    names = [c.name for c in container.triggers.list_triggers().execute()]
    assert names == ["a", "a (2)", "b", "b (2)"]
    assert container.triggers.get_trigger().execute("b (2)").describe().endswith(" 20")
    assert container.triggers.get_trigger().execute("b").describe().endswith(" 30")  # the saved ones kept


def test_the_dialog_returns_the_choice_and_apply_to_all(qtbot, builder):
    widget, container = builder
    widget.name_edit.setText("a")
    assert widget.presenter.save()
    stored = container.triggers.get_trigger().execute("a")
    incoming = stored.renamed("a")
    conflict = TriggerConflict("a", stored, incoming, ("timeframe: 1h -> 4h",), "a (2)")
    for label, check, expected in (
        ("Replace", True, (ConflictChoice.REPLACE, True)),
        ("덮어쓰기", True, (ConflictChoice.REPLACE, True)),
        ("Skip", False, (ConflictChoice.SKIP, False)),
        ("건너뛰기", False, (ConflictChoice.SKIP, False)),
    ):
        box = conflict_dialog(None, conflict)
        qtbot.addWidget(box)
        assert "timeframe: 1h -> 4h" in box.informativeText()
        buttons = [b for b in box.buttons() if label in b.text()]
        if not buttons:  # the other language's label
            continue
        box.checkBox().setChecked(check)
        buttons[0].click()
        assert chosen(box) == expected
    box = conflict_dialog(None, conflict)
    qtbot.addWidget(box)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert chosen(box) is None  # cancel: the import stops, nothing written
