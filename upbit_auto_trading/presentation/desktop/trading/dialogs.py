"""The Trading tab's dialogs. Each opens window-modal with ``open()`` and answers through a callback, so the
event loop that runs the engine never waits inside a nested dialog loop."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import horizontal_header, present, vertical_header
from upbit_auto_trading.presentation.desktop.trading.contract import ChainLine, LiveAnswer, LivePrompt
from upbit_auto_trading.presentation.desktop.trading.model import RESOLUTIONS, Line, headers
from upbit_auto_trading.presentation.desktop.trading.reports import DRIFT_HEADERS, DriftView

DANGER_QSS = "QPushButton { background: #c62828; color: white; font-weight: bold; padding: 4px 12px; }"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(head))
    table.setHorizontalHeaderLabels(list(head))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    vertical_header(table).setVisible(False)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    return table


class LiveConfirmDialog(QDialog):
    """Live money: the connection test's result, the paper record, and the profile's name typed."""

    def __init__(
        self, prompt: LivePrompt, answer: Callable[[LiveAnswer | None], None], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("liveConfirmDialog")
        self.setWindowTitle(tr("실거래 시작 확인", "Start LIVE trading"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._answer = answer
        self._answered = False
        layout = QVBoxLayout(self)
        warn = QLabel(tr(
            f"<b style='color:#c62828'>실제 돈으로 거래합니다.</b><br>전략 {prompt.strategy} · "
            f"{', '.join(prompt.markets)} · 예산 {prompt.budget}원",
            f"<b style='color:#c62828'>This trades with real money.</b><br>{prompt.strategy} on "
            f"{', '.join(prompt.markets)} · budget {prompt.budget} KRW",
        ))  # fmt: skip
        warn.setWordWrap(True)
        layout.addWidget(warn)
        layout.addWidget(QLabel(prompt.connection))
        record = QLabel("\n".join(prompt.record))
        record.setObjectName("paperRecord")
        record.setWordWrap(True)
        layout.addWidget(record)
        self.accept_without_paper = QCheckBox(tr("모의 거래 기록 없이 실거래를 시작합니다",
                                                 "Start it live without a paper record"))  # fmt: skip
        self.accept_without_paper.setVisible(prompt.never_on_paper)
        layout.addWidget(self.accept_without_paper)
        layout.addWidget(QLabel(tr(f"확인하려면 프로필 이름 <b>{prompt.profile}</b>을(를) 입력하세요:",
                                   f"Type the profile's name <b>{prompt.profile}</b> to confirm:")))  # fmt: skip
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("liveConfirmName")
        layout.addWidget(self.name_edit)
        self.start_button = _danger_buttons(self, layout, tr("실거래 시작", "Start LIVE"))
        self.finished.connect(self._finished)

    def _finished(self, result: int) -> None:
        if self._answered:
            return
        self._answered = True
        if result == QDialog.DialogCode.Accepted:
            self._answer(LiveAnswer(self.name_edit.text(), self.accept_without_paper.isChecked()))
        else:
            self._answer(None)


class EmergencyDialog(QDialog):
    """Asked once: cancel every open order now, and optionally sell every position at market."""

    def __init__(self, answer: Callable[[bool | None], None], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("emergencyDialog")
        self.setWindowTitle(tr("긴급 정지", "Emergency stop"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._answer = answer
        self._answered = False
        layout = QVBoxLayout(self)
        text = QLabel(tr("모든 세션을 멈추고 모든 미체결 주문을 지금 취소합니다.",
                         "Every session stops and every open order is cancelled now."))  # fmt: skip
        text.setWordWrap(True)
        layout.addWidget(text)
        self.flatten = QCheckBox(tr("모든 포지션도 시장가로 매도", "Also sell every position at market"))
        layout.addWidget(self.flatten)
        self.stop_button = _danger_buttons(self, layout, tr("긴급 정지", "Emergency stop"))
        self.finished.connect(self._finished)

    def _finished(self, result: int) -> None:
        if self._answered:
            return
        self._answered = True
        self._answer(self.flatten.isChecked() if result == QDialog.DialogCode.Accepted else None)


class ResolveDialog(QDialog):
    """What the user did about a manual-review item (kept as its resolution)."""

    def __init__(
        self, item: ReviewItem, answer: Callable[[str | None], None], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resolveDialog")
        self.setWindowTitle(tr(f"검토 항목 #{item.item_id} 해결", f"Resolve review item #{item.item_id}"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._answer = answer
        self._answered = False
        layout = QVBoxLayout(self)
        detail = QLabel(f"{item.market}: {item.detail}")
        detail.setWordWrap(True)
        layout.addWidget(detail)
        self.choice = QComboBox()
        for key, ko, en in RESOLUTIONS:
            self.choice.addItem(tr(ko, en), key)
        layout.addWidget(self.choice)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("메모 (선택)", "Note (optional)"))
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.finished.connect(self._finished)

    def _finished(self, result: int) -> None:
        if self._answered:
            return
        self._answered = True
        if result != QDialog.DialogCode.Accepted:
            self._answer(None)
            return
        note = str(self.choice.currentData())
        extra = self.note.text().strip()
        self._answer(f"{note}: {extra}" if extra else note)


class ChainDialog(QDialog):
    def __init__(self, title: str, lines: Sequence[ChainLine], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("chainDialog")
        self.setWindowTitle(title)
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        head = [
            tr("시각 (KST)", "Time (KST)"),
            tr("단계", "Step"),
            tr("출처", "Source"),
            tr("내용", "Detail"),
        ]
        self.table = _table(head, [(x.at, x.what, x.source, x.detail) for x in lines])
        horizontal_header(self.table).setStretchLastSection(True)
        layout.addWidget(self.table)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)


class DriftDialog(QDialog):
    def __init__(self, view: DriftView, export: Callable[[str], None], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("driftDialog")
        self.setWindowTitle(view.title)
        self.resize(1100, 520)
        self._export = export
        layout = QVBoxLayout(self)
        self.summary = QLabel(view.summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = _table(headers(DRIFT_HEADERS), [line.cells for line in view.rows])
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.export_button = QPushButton(tr("CSV로 내보내기...", "Export CSV..."))
        self.export_button.clicked.connect(self._ask_path)
        row.addWidget(self.export_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)

    def _ask_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("드리프트 보고서 저장", "Save the drift report"),
                                              "drift-report.csv", "CSV (*.csv)")  # fmt: skip
        if path:
            self._export(path)


def line_cells(lines: Sequence[Line]) -> list[tuple[str, ...]]:
    return [line.cells for line in lines]


def _danger_buttons(dialog: QDialog, layout: QVBoxLayout, text: str) -> QPushButton:
    """A red accept button named ``text`` and Cancel, at the bottom of ``dialog``; returns the red one."""
    buttons = QDialogButtonBox()
    danger = present(buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole), f"{text} button")
    danger.setStyleSheet(DANGER_QSS)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return danger
