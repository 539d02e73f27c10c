"""The mouse wheel never changes an input that has no keyboard focus (issue 13: scrolling the strategy
maker turned the trailing stop's "activate at +5 %" into 0 %). Every tab of the real main window is built
and every spin box, combo box, slider and date edit gets wheel turns both ways; a focused input still takes
the wheel, and over an unfocused one the scroll area around it scrolls instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QScrollBar,
    QTabWidget,
    QWidget,
)

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.logging_setup import configure_logging
from upbit_auto_trading.container.screens import desktop_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.desktop.app import create_main_window
from upbit_auto_trading.presentation.desktop.market_data.dialogs import DownloadDialog


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory):
    home: Path = tmp_path_factory.mktemp("wheel") / "home"
    home.mkdir()
    container = build_container(home=home)  # bundled candles and samples: the lists have several items
    configure_logging(container, console=False)
    startup(container)
    yield container
    container.core.database_session().close_all()


@pytest.fixture
def window(qtbot, container):
    window = create_main_window(QApplication.instance(), desktop_services(container), language="en")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _inputs(root: QWidget) -> list[QWidget]:
    found = [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, QAbstractSpinBox | QComboBox)  # QDateEdit / QDateTimeEdit are spin boxes
        or (isinstance(w, QAbstractSlider) and not isinstance(w, QScrollBar))
    ]
    return [w for w in found if w.isVisible() and w.isEnabled()]


def _value(widget: QWidget) -> object:
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return widget.value()


def _wheel(widget: QWidget, steps: int) -> QWheelEvent:
    local = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        local,
        QPointF(widget.mapToGlobal(local.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event


def _drop_focus() -> None:
    focused = QApplication.focusWidget()
    if focused is not None:
        focused.clearFocus()


def _settled(screen: QWidget) -> QWidget:
    """Wait until the screen's own background loads (strategy and market lists) have filled its inputs: a
    list filled while the sweep runs would read as a wheel turn. Settled = the same values over 3 rounds."""
    previous: list[object] = []
    calm = 0
    for _ in range(100):  # at most ~5 s
        QTest.qWait(50)
        values = [_value(w) for w in _inputs(screen)]
        calm = calm + 1 if values == previous else 0
        if calm >= 3:
            break
        previous = values
    return screen


def _screens(window) -> Iterator[tuple[str, QWidget]]:
    """Show every tab in turn (Settings: each of its pages) and yield it while it is shown; the strategy
    maker with a trailing stop rule open in its rule editor, the widget of the issue."""
    for spec in window._specs:
        screen = window.show_tab(spec.key)
        QApplication.processEvents()
        if spec.key == "strategy_maker":
            screen.rule_type.setCurrentIndex(screen.rule_type.findData("trailing_stop"))
            screen.add_rule_button.click()
            QApplication.processEvents()
        if spec.key == "market_data":  # its download dialog: the date edits
            dialog = DownloadDialog("KRW-BTC", "1h", screen)
            dialog.show()
            QApplication.processEvents()
            yield "market_data/download dialog", dialog
            dialog.close()
        if spec.key == "analysis":  # its second page, the Robustness section: the sweep form
            pages = screen.findChild(QTabWidget, "analysisPages")
            if pages is not None:
                pages.setCurrentIndex(1)
                QApplication.processEvents()
                yield "analysis/robustness", _settled(pages.currentWidget())
                pages.setCurrentIndex(0)
                QApplication.processEvents()
        if spec.key == "settings":
            for row in range(screen.pages.count()):
                screen.pages.setCurrentRow(row)
                QApplication.processEvents()
                yield f"settings/{screen.pages.item(row).text()}", _settled(screen.stack.currentWidget())
        else:
            yield spec.key, _settled(screen)


def test_the_wheel_changes_no_input_without_focus(qtbot, window) -> None:
    changed: list[str] = []
    checked: dict[str, int] = {}
    for key, screen in _screens(window):
        for widget in _inputs(screen):
            checked.setdefault(key, 0)
            checked[key] += 1
            for steps in (1, -1, -1, 1):  # both ways: an input at one end of its range moves the other way
                _drop_focus()
                assert not widget.hasFocus()
                before = _value(widget)
                _wheel(widget, steps)
                QApplication.processEvents()
                if _value(widget) != before:
                    changed.append(f"{key}: {type(widget).__name__} {widget.objectName()!r} {before!r} -> "
                                   f"{_value(widget)!r}")  # fmt: skip
                    break
    assert not changed, "the wheel changed inputs without focus:\n" + "\n".join(changed)
    # the sweep reached every screen that has inputs, the trailing stop's two spin boxes among them
    assert {"trigger_builder", "strategy_maker", "backtest", "market_data/download dialog",
            "settings/General", "analysis/robustness"} <= set(checked), checked  # fmt: skip
    assert checked["strategy_maker"] >= 7 and checked["market_data/download dialog"] >= 3, checked


def test_the_trailing_stop_survives_scrolling_the_strategy_form(qtbot, window) -> None:
    """The defect as reported: the form scrolls, "activate at +5 %" stays 5 %."""
    window.resize(1000, 560)
    maker = window.show_tab("strategy_maker")
    maker.rule_type.setCurrentIndex(maker.rule_type.findData("trailing_stop"))
    maker.add_rule_button.click()
    QApplication.processEvents()
    activate = maker._rule_editor._inputs["activate_pct"][1]
    assert activate.value() == 5
    scroll = next(a for a in maker.findChildren(QScrollArea) if a.isAncestorOf(activate))
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the form is taller than its scroll area
    bar.setValue(0)
    _drop_focus()
    for _ in range(3):
        _wheel(activate, -1)  # scrolling down, the pointer over the spin box
    assert activate.value() == 5 and maker.presenter.document()["management"][0]["activate_pct"] == 5
    assert bar.value() > 0  # the form scrolled instead


def test_a_focused_spin_box_still_takes_the_wheel(qtbot, window) -> None:
    maker = window.show_tab("strategy_maker")
    window.activateWindow()
    qtbot.waitActive(window)
    maker.cooldown.setValue(3)
    maker.cooldown.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(maker.cooldown.hasFocus)
    _wheel(maker.cooldown, 1)
    assert maker.cooldown.value() == 4
    _wheel(maker.cooldown, -1)
    _wheel(maker.cooldown, -1)
    assert maker.cooldown.value() == 2
    combo = maker.policy
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(combo.hasFocus)
    start = combo.currentIndex()
    _wheel(combo, -1 if start == 0 else 1)
    assert combo.currentIndex() != start


def test_the_wheel_does_not_give_an_input_focus(window) -> None:
    """Qt hands focus to a WheelFocus widget under the pointer before delivering the wheel turn; the inputs
    take focus on a click or Tab only, or the first turn would focus them and change their value."""
    for _key, screen in _screens(window):
        for widget in _inputs(screen):
            assert widget.focusPolicy() != Qt.FocusPolicy.WheelFocus, (type(widget).__name__, _key)
