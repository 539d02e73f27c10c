"""Every UI test runs under the application's app-wide rules, as the real app does (``configure_application``
is also called by ``create_main_window``): screens built on their own get them too."""

from __future__ import annotations

import pytest

from upbit_auto_trading.presentation.desktop.app import configure_application


@pytest.fixture(autouse=True)
def _app_rules(qapp):  # noqa: ANN001, ANN202 - pytest-qt's QApplication
    configure_application(qapp)
