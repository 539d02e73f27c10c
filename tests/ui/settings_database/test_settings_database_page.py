"""Settings -> Database driven with pytest-qt: create a profile, switch, back up, restore."""

from __future__ import annotations

import sqlite3

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.database.model import ProfileForm
from upbit_auto_trading.presentation.desktop.settings.database.view import create_database_page


@pytest.fixture
def page(qtbot, tmp_path):
    set_language("en")
    container = build_container(home=tmp_path)
    container.core.database_session()
    container.profiles.gate_client()
    view = create_database_page(container, None)
    qtbot.addWidget(view)
    answers = {"confirm": True, "text": "", "profile": None}
    messages = []
    view.confirm = lambda question: answers["confirm"]
    view.ask_text = lambda title, label, text="": answers["text"]
    view.ask_profile = lambda form: answers["profile"]
    view.show_info = lambda message: messages.append(("info", message))
    view.show_error = lambda message: messages.append(("error", message))
    qtbot.waitUntil(lambda: view.runner.pending == 0 and view.profiles.rowCount() == 3)
    return view, container, answers, messages


def _idle(qtbot, view):
    qtbot.waitUntil(lambda: view.runner.pending == 0 and not view.presenter.busy, timeout=10000)


def _value(container, key):
    row = (
        container.core.database_session()
        .settings.connection()
        .execute("SELECT value FROM app_settings WHERE key = ?", (key,))
        .fetchone()
    )
    return row[0] if row else None


def test_create_switch_backup_restore(page, qtbot, tmp_path):
    view, container, answers, messages = page
    # create
    answers["profile"] = ProfileForm("paper-2", "Paper two", "testing", "paper trading")
    view.new_button.click()
    _idle(qtbot, view)
    qtbot.waitUntil(lambda: view.profiles.rowCount() == 4)
    assert ("info", "Profile created: paper-2") in messages

    # switch
    view.select_profile("paper-2")
    assert view.files.rowCount() == 3 and "paper-2" in view.files.item(0, 1).text()
    view.switch_button.click()
    _idle(qtbot, view)
    assert container.core.active_profile_id() == "paper-2"
    assert container.core.profile_registry().active_profile_id() == "paper-2"
    qtbot.waitUntil(lambda: view.profiles.item(3, 0).text() == "●")

    # back up
    with container.core.database_session().settings.transaction() as conn:
        conn.execute("INSERT INTO app_settings(key, value) VALUES ('ui-test', 'backed-up')")
    answers["text"] = "from the UI"
    view.backup_button.click()
    _idle(qtbot, view)
    qtbot.waitUntil(lambda: view.backups.rowCount() == 1)
    assert view.backups.item(0, 4).text() == "from the UI"

    # verify, then restore after a change
    view.select_backup(view.backups.item(0, 0).data(0x0100))
    view.verify_button.click()
    _idle(qtbot, view)
    assert messages[-1] == ("info", "The backup is sound.")
    with container.core.database_session().settings.transaction() as conn:
        conn.execute("UPDATE app_settings SET value = 'changed' WHERE key = 'ui-test'")
    view.restore_button.click()
    _idle(qtbot, view)
    assert messages[-1] == ("info", "Restored."), messages
    assert _value(container, "ui-test") == "backed-up"
    qtbot.waitUntil(lambda: view.backups.rowCount() == 2)  # plus the pre-restore backup
    kinds = {view.backups.item(r, 1).text() for r in range(2)}
    assert kinds == {"Manual", "Pre-restore"}


def test_switch_into_production_requires_the_typed_name(page, qtbot):
    view, container, answers, messages = page
    view.select_profile("production")
    answers["text"] = "prod"
    view.switch_button.click()
    _idle(qtbot, view)
    assert container.core.active_profile_id() == "development"
    assert messages[-1][0] == "error"
    answers["text"] = "production"  # the built-in profile's name
    view.switch_button.click()
    _idle(qtbot, view)
    assert container.core.active_profile_id() == "production"


def test_damaged_backup_is_refused_with_a_message(page, qtbot):
    view, container, answers, messages = page
    summary = container.profiles.create_backup().execute()
    (summary.path / "settings.sqlite3").write_bytes(b"x" * 100)
    view.presenter.refresh()
    qtbot.waitUntil(lambda: view.backups.rowCount() == 1)
    view.select_backup(summary.id)
    view.restore_button.click()
    _idle(qtbot, view)
    assert messages[-1][0] == "error" and "truncated" in messages[-1][1]
    assert (
        sqlite3.connect(container.core.database_session().paths()["settings"])
        .execute("PRAGMA integrity_check")
        .fetchone()[0]
        == "ok"
    )
