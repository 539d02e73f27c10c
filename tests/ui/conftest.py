"""Every UI test runs under the application's app-wide rules, as the real app does (``configure_application``
is also called by ``create_main_window``): screens built on their own get them too."""

from __future__ import annotations

import pytest

from upbit_auto_trading.presentation.desktop.app import configure_application
from upbit_auto_trading.presentation.desktop.gui_thread_gc import collect_if_due


@pytest.fixture(autouse=True)
def _app_rules(qapp):  # noqa: ANN001, ANN202 - pytest-qt's QApplication
    configure_application(qapp)
    yield
    collect_if_due()  # a test's cyclic garbage (its widgets among it) goes here, on the GUI thread
