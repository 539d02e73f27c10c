from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QApplication, QLabel

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.logging_setup import configure_logging
from upbit_auto_trading.container.screens import desktop_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.desktop.app import create_main_window
from upbit_auto_trading.presentation.desktop.exception_hook import ExceptionHook
from upbit_auto_trading.presentation.desktop.placeholder import PlaceholderTab


@pytest.fixture
def container(app_home: Path):
    # the shell's behaviour does not depend on candles: skip importing the bundled files
    container = build_container(home=app_home, overrides={"market_data": {"seed_bundled": False}})
    configure_logging(container, console=False)
    startup(container)
    yield container
    container.core.database_session().close_all()


@pytest.fixture
def window(qtbot, container):
    window = create_main_window(QApplication.instance(), desktop_services(container), language="en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_every_tab_can_be_shown(window) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    for expected in ("Trigger builder", "Strategy maker", "Backtest", "Analysis", "Settings"):
        assert expected in titles
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        widget = window.tab_widget(window._specs[index].key)
        assert widget is not None and widget.isVisible()
        if isinstance(widget, PlaceholderTab):
            label = widget.findChild(QLabel, "placeholderLabel")
            assert "not yet available" in label.text()


def test_status_bar_shows_profile_trading_and_connection(window) -> None:
    assert "development" in window.profile_label.text()
    assert window.environment_badge.objectName() == "envBadge_development"
    assert "idle" in window.trading_label.text()
    assert "offline" in window.connection_label.text().lower()


def test_log_dock_receives_log_lines(qtbot, window) -> None:
    logging.getLogger("upbit_auto_trading.test").warning("hello from the test 1234")
    qtbot.waitUntil(lambda: "hello from the test 1234" in window.log_dock.text.toPlainText(), timeout=3000)


def test_log_dock_never_shows_a_secret(qtbot, window) -> None:
    logging.getLogger("upbit_auto_trading.test").warning("secret_key=%s", "Zz9" * 14)
    qtbot.waitUntil(lambda: "[REDACTED]" in window.log_dock.text.toPlainText(), timeout=3000)
    assert "Zz9Zz9" not in window.log_dock.text.toPlainText()


def test_geometry_and_last_tab_are_remembered(qtbot, container) -> None:
    first = create_main_window(QApplication.instance(), desktop_services(container), language="en")
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 700)
    first.show_tab("backtest")
    remembered = (first.size().width(), first.size().height())
    first.close()
    second = create_main_window(QApplication.instance(), desktop_services(container), language="en")
    qtbot.addWidget(second)
    assert second.tabs.currentIndex() == second.tab_index("backtest")
    assert (second.size().width(), second.size().height()) == remembered
    assert remembered != (1400, 900)  # the default size: the test must change it to prove anything


def test_korean_text(qtbot, container) -> None:
    window = create_main_window(QApplication.instance(), desktop_services(container), language="ko")
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert {"트리거 빌더", "전략 메이커", "백테스팅", "전략 분석"} <= set(titles)


def test_exception_in_a_slot_is_logged_and_shown(qtbot, window) -> None:
    shown: list[str] = []
    hook = ExceptionHook(show_error=lambda summary, details: shown.append(summary))
    try:
        raise ValueError("broken slot")
    except ValueError as exc:
        hook(type(exc), exc, exc.__traceback__)
    assert shown == ["ValueError: broken slot"]
    assert window.isVisible()
    qtbot.waitUntil(lambda: "broken slot" in window.log_dock.text.toPlainText(), timeout=3000)


def test_window_fits_a_small_laptop_screen(window) -> None:
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)  # build every screen
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768, (hint.width(), hint.height())


def test_screens_are_rebuilt_after_a_profile_switch(qtbot, window, container) -> None:
    import threading

    from dependency_injector import providers

    window.show_tab("market_data")
    before = window.tab_widget("market_data")
    registry = container.core.profile_registry()
    container.core.database_session().reopen(registry.database_paths("testing"))
    container.core.active_profile_id.override(providers.Object("testing"))
    thread = threading.Thread(target=window.data_replaced.emit)  # as the bus would, from its thread
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "testing" in window.profile_label.text(), timeout=3000)
    assert window.environment_badge.objectName() == "envBadge_testing"
    assert window.tab_widget("market_data") is not before
    container.core.active_profile_id.reset_override()
