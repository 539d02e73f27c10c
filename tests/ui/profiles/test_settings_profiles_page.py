"""Settings -> Database driven with pytest-qt: create a profile, switch, back up, restore, change a
profile's location (the real dialog; the folder picker monkeypatched), export and import an archive."""

from __future__ import annotations

import sqlite3

import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import database_services
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.profiles.dialogs import LocationDialog
from upbit_auto_trading.presentation.desktop.settings.profiles.model import ProfileForm
from upbit_auto_trading.presentation.desktop.settings.profiles.screen import build as build_database_page


@pytest.fixture
def page(qtbot, tmp_path):
    set_language("en")
    container = build_container(home=tmp_path)
    container.core.database_session()
    container.profiles.gate_client()
    view = build_database_page(database_services(container), None)
    qtbot.addWidget(view)
    answers = {"confirm": True, "text": "", "profile": None}
    messages = []

    def confirm(question):
        messages.append(("confirm", question))
        return answers["confirm"]

    view.confirm = confirm
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


def _drive_dialog(qtbot, act):
    """Run ``act(dialog)`` once the modal location dialog is up (it blocks in exec())."""
    seen = []

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LocationDialog):
            seen.append(dialog)
            try:
                act(dialog)
            except BaseException as exc:  # never leave a modal dialog open: the test would hang
                seen.append(exc)
                dialog.reject()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_change_location_moves_the_active_profile_through_the_dialog(page, qtbot, tmp_path, monkeypatch):
    view, container, answers, messages = page
    new = tmp_path / "elsewhere"
    new.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(new))
    session = container.core.database_session()
    old = session.paths()
    with session.settings.transaction() as conn:
        conn.execute("INSERT INTO app_settings(key, value) VALUES ('moved', 'yes')")

    def act(dialog):
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # no folder yet
        dialog.browse_button.click()
        assert dialog.folder.text() == str(new) and dialog.move_radio.isChecked()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    view.select_profile("development")
    seen = _drive_dialog(qtbot, act)
    view.location_button.click()
    _idle(qtbot, view)
    assert seen and not isinstance(seen[-1], BaseException), seen
    question = next(text for kind, text in messages if kind == "confirm")
    assert str(old["settings"]) in question and str(new / "settings.sqlite3") in question
    assert messages[-1] == ("info", f"Profile 'development' now uses the files in {new}."), messages
    assert session.paths()["settings"] == new / "settings.sqlite3"
    assert _value(container, "moved") == "yes"  # the open session followed the files
    assert not old["settings"].exists()  # moved, not copied
    qtbot.waitUntil(lambda: view.files.item(0, 1).text() == str(new / "settings.sqlite3"))

    # a second move into the same (now used) folder is refused with a message, nothing changes
    view.select_profile("testing")
    seen = _drive_dialog(qtbot, act)
    view.location_button.click()
    _idle(qtbot, view)
    assert seen and not isinstance(seen[-1], BaseException), seen
    assert messages[-1][0] == "error" and "already exists" in messages[-1][1]
    assert container.core.profile_registry().database_paths("testing")["settings"].parent != new


def test_export_delete_and_import_a_backup_archive(page, qtbot, tmp_path, monkeypatch):
    view, container, answers, messages = page
    summary = container.profiles.create_backup().execute()
    view.presenter.refresh()
    qtbot.waitUntil(lambda: view.backups.rowCount() == 1)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out / "mine"), ""))
    view.select_backup(summary.id)
    view.export_button.click()
    _idle(qtbot, view)
    archive = out / "mine.uatbackup.zip"
    assert messages[-1] == ("info", f"Exported to: {archive}") and archive.is_file()

    view.delete_backup_button.click()
    _idle(qtbot, view)
    qtbot.waitUntil(lambda: view.backups.rowCount() == 0)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(archive), ""))
    view.import_button.click()
    _idle(qtbot, view)
    assert messages[-1] == ("info", f"Imported backup (verified): {summary.id}")
    qtbot.waitUntil(lambda: view.backups.rowCount() == 1)
    assert view.backups.item(0, 5).text() == "verified"

    # a file that is not a backup archive: a clear error, the list unchanged
    junk = tmp_path / "junk.uatbackup.zip"
    junk.write_bytes(b"not a zip")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(junk), ""))
    view.import_button.click()
    _idle(qtbot, view)
    assert messages[-1][0] == "error" and messages[-1][1].startswith("Import failed: ")
    assert "not a backup archive" in messages[-1][1] and view.backups.rowCount() == 1


def test_restore_confirmation_says_the_backup_failed_verification(page, qtbot):
    """Issue 13: the restore question itself says the chosen backup failed its last verification, and
    what was found; a sound backup's question does not; Korean too."""
    view, container, answers, messages = page
    sound = container.profiles.create_backup().execute()
    damaged = container.profiles.create_backup().execute()
    (damaged.path / "settings.sqlite3").write_bytes(b"x" * 100)
    view.presenter.refresh()
    qtbot.waitUntil(lambda: view.backups.rowCount() == 2)

    view.select_backup(damaged.id)
    view.verify_button.click()
    _idle(qtbot, view)
    assert messages[-1][1].startswith("Problems found") and "truncated" in messages[-1][1]
    answers["confirm"] = False
    view.restore_button.click()
    _idle(qtbot, view)
    question = messages[-1]
    assert question[0] == "confirm", messages
    assert question[1].startswith("⚠ WARNING: this backup FAILED its last verification")
    assert "settings: truncated" in question[1] and "Restore the backup" in question[1]

    set_language("ko")
    try:
        view.restore_button.click()
        _idle(qtbot, view)
        assert "마지막 검증" in messages[-1][1] and "실패했습니다" in messages[-1][1]
    finally:
        set_language("en")

    view.select_backup(sound.id)
    view.restore_button.click()
    _idle(qtbot, view)
    assert messages[-1][0] == "confirm" and "FAILED" not in messages[-1][1]
    assert "Restore the backup" in messages[-1][1]
    assert view.backups.rowCount() == 2  # nothing was restored: not even a pre-restore backup
