"""One app-wide rule for the mouse wheel: an input changes its value on the wheel only when it has keyboard
focus. Over an input without focus (a spin box, combo box, slider or date edit the pointer happens to pass
while the user scrolls a form) the wheel scrolls the scroll area around it instead.

``install_wheel_guard(app)`` puts one event filter on the QApplication, so every screen and dialog follows
the same rule without any per-widget code. The filter also lowers the inputs' focus policy from
``WheelFocus`` to ``StrongFocus``: otherwise Qt would hand focus to the input under the pointer on the
first wheel turn, before any filter could refuse the turn. A click or Tab still gives focus, and a focused
input still takes the wheel.
"""

from __future__ import annotations

from typing import TypeGuard

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.qt_checked import present

_GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)  # QDateTimeEdit / QDateEdit are spin boxes
_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish


def is_guarded(widget: object) -> TypeGuard[QWidget]:
    """An input whose value the wheel would change (scroll bars are not inputs: they must scroll)."""
    return isinstance(widget, _GUARDED) and not isinstance(widget, QScrollBar)


def _has_focus(widget: QWidget) -> bool:
    if widget.hasFocus():  # follows the focus proxy (a spin box's line edit)
        return True
    focused = QApplication.focusWidget()
    return focused is not None and widget.isAncestorOf(focused)


def _scroll_instead(widget: QWidget, event: QWheelEvent) -> None:
    """Hand the turn to the nearest enclosing scroll area that can still scroll that way."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            viewport = present(parent.viewport(), "scroll area viewport")
            forwarded = QWheelEvent(
                viewport.mapFromGlobal(event.globalPosition()),
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                Qt.MouseEventSource.MouseEventNotSynthesized,
                event.pointingDevice(),
            )
            forwarded.setAccepted(False)
            QApplication.sendEvent(viewport, forwarded)
            if forwarded.isAccepted():
                return
        if parent.isWindow():
            return
        parent = parent.parentWidget()


class WheelGuard(QObject):
    """The application's event filter: see the module's docstring."""

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # noqa: N802 - Qt's name
        if event is None:
            return False
        kind = event.type()
        if kind == _WHEEL:
            # a Wheel event always arrives as a QWheelEvent: the isinstance only tells mypy
            if is_guarded(watched) and not _has_focus(watched) and isinstance(event, QWheelEvent):
                _scroll_instead(watched, event)
                event.accept()
                return True
        elif kind == _POLISH and is_guarded(watched):
            _no_wheel_focus(watched)
        return False


def _no_wheel_focus(widget: QWidget) -> None:
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the rule on ``app`` once (later calls return the installed guard)."""
    guard = app.findChild(WheelGuard, "wheelGuard", Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.installEventFilter(guard)
        for widget in QApplication.allWidgets():  # built before the guard: polished already
            if is_guarded(widget):
                _no_wheel_focus(widget)
    return guard
