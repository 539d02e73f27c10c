"""The log dock: the application's log, live, with filters, search and pause."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from datetime import timedelta, timezone
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.log_viewer.presenter import LEVELS, LogPresenter, LogRow

KST = timezone(timedelta(hours=9), "KST")


def row_from_line(line: Any) -> LogRow:
    """Turn a logging sink's line (time, level, component, message) into a row, time shown in KST."""
    return LogRow(line.time.astimezone(KST).strftime("%H:%M:%S"), line.level, line.component, line.message)


class LogDock(QDockWidget):
    """Receives lines from any thread into a queue; a GUI-thread timer moves them into the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("로그 (시각 KST)", "Log (times in KST)"), parent)
        self.setObjectName("logDock")
        self._incoming: deque[Any] = deque(maxlen=20000)
        self._incoming_lock = threading.Lock()

        body = QWidget(self)
        self.level_combo = QComboBox(body)
        self.level_combo.addItems(LEVELS)
        self.level_combo.setCurrentText("INFO")
        self.component_edit = QLineEdit(body)
        self.component_edit.setPlaceholderText(tr("구성요소 (예: sqlite)", "Component (e.g. sqlite)"))
        self.search_edit = QLineEdit(body)
        self.search_edit.setPlaceholderText(tr("검색", "Search"))
        self.pause_box = QCheckBox(tr("일시정지", "Pause"), body)
        self.clear_button = QPushButton(tr("지우기", "Clear"), body)
        self.status_label = QLabel(body)
        self.text = QPlainTextEdit(body)
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(5000)
        self.text.setFont(QFont("monospace", 9))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("수준", "Level"), body))
        bar.addWidget(self.level_combo)
        bar.addWidget(self.component_edit)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.pause_box)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.status_label)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self.setWidget(body)

        self.presenter = LogPresenter(self)
        self.presenter.min_level = "INFO"
        self.level_combo.currentTextChanged.connect(lambda level: self.presenter.set_filter(min_level=level))
        self.component_edit.textChanged.connect(lambda text: self.presenter.set_filter(component=text))
        self.search_edit.textChanged.connect(lambda text: self.presenter.set_filter(search=text))
        self.pause_box.toggled.connect(self.presenter.set_paused)
        self.clear_button.clicked.connect(self.presenter.clear)

        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    # called from any thread
    def enqueue(self, line: Any) -> None:
        with self._incoming_lock:
            self._incoming.append(line)

    def drain(self) -> None:
        with self._incoming_lock:
            lines = list(self._incoming)
            self._incoming.clear()
        if lines:
            self.presenter.add([row_from_line(line) for line in lines])

    # LogView
    def append_rows(self, rows: Sequence[LogRow]) -> None:
        for row in rows:
            self.text.appendPlainText(row.render())

    def replace_rows(self, rows: Sequence[LogRow]) -> None:
        self.text.setPlainText("\n".join(row.render() for row in rows))
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)
