"""Settings -> Database: a restore's progress reaches the page (its progress bar and status line), step by
step, on the GUI thread, while the restore runs behind the config-change gate in a worker thread."""

from __future__ import annotations

import threading

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import database_services
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.profiles.screen import build as build_database_page


@pytest.fixture
def page(qtbot, tmp_path):
    set_language("en")
    container = build_container(home=tmp_path, overrides={"market_data": {"seed_bundled": False}})
    container.core.database_session()
    container.profiles.gate_client()
    view = build_database_page(database_services(container), None)
    qtbot.addWidget(view)
    view.confirm = lambda question: True
    view.show_info = lambda message: None
    view.show_error = lambda message: pytest.fail(message)
    qtbot.waitUntil(lambda: view.runner.pending == 0 and view.profiles.rowCount() == 3)
    yield view, container
    container.core.database_session().close_all()


def test_a_restore_shows_its_progress_on_the_page(page, qtbot):
    view, container = page
    summary = container.profiles.create_backup().execute()
    view.presenter.refresh()
    qtbot.waitUntil(lambda: view.backups.rowCount() == 1)
    shown: list[tuple[int, str, bool]] = []
    gui_thread = threading.get_ident()
    real_set_progress = view.set_progress

    def set_progress(fraction: float, message: str) -> None:
        real_set_progress(fraction, message)  # the real widgets are updated ...
        shown.append((view.progress.value(), view.status.text(), threading.get_ident() == gui_thread))

    view.set_progress = set_progress  # ... and what they showed is kept
    view.select_backup(summary.id)
    view.restore_button.click()
    qtbot.waitUntil(lambda: view.runner.pending == 0 and not view.presenter.busy, timeout=15000)
    assert [(value, text) for value, text, _ in shown] == [
        (5, "verify"),
        (35, "pre-restore backup"),
        (60, "replace"),
        (85, "reopen"),
        (100, "done"),
    ]
    assert all(on_gui_thread for *_, on_gui_thread in shown)
