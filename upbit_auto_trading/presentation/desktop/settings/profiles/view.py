"""Settings -> Database page: widgets only. Logic lives in DatabasePagePresenter."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PyQt6.QtCore import Qt, QUrl
from PyQt6.QtGui import QColor, QDesktopServices
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.profiles.export_backup import ARCHIVE_SUFFIX
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import (
    cell,
    horizontal_header,
    selected_rows,
    vertical_header,
)
from upbit_auto_trading.presentation.desktop.settings.profiles.dialogs import LocationDialog, ProfileDialog
from upbit_auto_trading.presentation.desktop.settings.profiles.model import (
    BackupRow,
    FileRow,
    LocationChoice,
    ProfileForm,
    ProfileRow,
)
from upbit_auto_trading.presentation.desktop.settings.profiles.presenter import DatabasePagePresenter

log = logging.getLogger(__name__)
BADGE_COLORS = {"development": "#2e7d32", "testing": "#1565c0", "production": "#c62828"}


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    vertical_header(table).setVisible(False)
    horizontal_header(table).setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    horizontal_header(table).setStretchLastSection(True)
    return table


def _item(text: str, data: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class DatabasePageView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: DatabasePagePresenter | None = None
        self.runner: BackgroundWork | None = None  # the page's background work, set by the screen
        profiles_box = self._profiles_box()
        backups_box = self._backups_box()
        self.status = QLabel("", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(tr("취소", "Cancel"), self)
        self.cancel_button.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(profiles_box, 3)
        layout.addWidget(backups_box, 2)
        layout.addLayout(self._row(self.status, self.progress, self.cancel_button, stretch=False))
        self._action_buttons = [
            self.new_button,
            self.edit_button,
            self.delete_profile_button,
            self.switch_button,
            self.location_button,
            self.backup_button,
            self.verify_button,
            self.restore_button,
            self.delete_backup_button,
            self.export_button,
            self.import_button,
        ]

    def _button(self, korean: str, english: str, tip: tuple[str, str] | None = None) -> QPushButton:
        button = QPushButton(tr(korean, english), self)
        if tip is not None:
            button.setToolTip(tr(*tip))
        return button

    def _box(self, title: str, table: QTableWidget, buttons: list[QPushButton]) -> tuple[QGroupBox, QVBoxLayout]:
        """A titled box: the table, then its buttons in one row."""
        group = QGroupBox(title, self)
        table.setParent(group)
        box = QVBoxLayout(group)
        box.addWidget(table)
        box.addLayout(self._row(*buttons))
        return group, box

    def _profiles_box(self) -> QGroupBox:
        """The profiles, what can be done with one, and the database files of the selected one."""
        self.profiles = _table(self, [tr("사용 중", "Active"), tr("이름", "Name"), "ID",
                                      tr("환경", "Environment"), tr("상태", "Health")])  # fmt: skip
        self.new_button = self._button("새 프로파일", "New")
        self.edit_button = self._button("편집", "Edit")
        self.delete_profile_button = self._button("삭제", "Delete")
        self.switch_button = self._button("전환", "Switch")
        self.location_button = self._button("위치 변경...", "Change location...", (
            "데이터베이스 파일을 다른 폴더로 옮기거나 복사하고 프로파일이 그 파일을 사용하게 합니다",
            "Move or copy the database files to another folder and point the profile at them",
        ))  # fmt: skip
        profiles_box, box = self._box(tr("프로파일", "Profiles"), self.profiles, [
            self.new_button, self.edit_button, self.delete_profile_button, self.switch_button,
            self.location_button,
        ])  # fmt: skip
        self.files = _table(profiles_box, [tr("데이터베이스", "Database"), tr("파일", "File"),
                                           tr("크기", "Size"), tr("상태", "Health")])  # fmt: skip
        self.files.setMaximumHeight(135)
        box.addWidget(self.files)
        return profiles_box

    def _backups_box(self) -> QGroupBox:
        self.backups = _table(self, [tr("시각", "Time"), tr("종류", "Kind"), tr("프로파일", "Profile"),
                                     tr("크기", "Size"), tr("메모", "Note"), tr("검증", "Verified")])  # fmt: skip
        self.backup_button = self._button("지금 백업", "Back up now")
        self.verify_button = self._button("검증", "Verify")
        self.restore_button = self._button("복원", "Restore")
        self.delete_backup_button = self._button("삭제", "Delete")
        self.export_button = self._button("내보내기...", "Export...", (
            "백업을 파일 하나로 저장 (다른 PC로 옮길 때)", "Save a backup as one file (to carry it elsewhere)"))
        self.import_button = self._button("가져오기...", "Import...", (
            "백업 파일을 검증하고 목록에 추가", "Verify a backup file and add it to the list"))
        self.folder_button = self._button("폴더 열기", "Open folder")
        backups_box, _ = self._box(tr("백업", "Backups"), self.backups, [
            self.backup_button, self.verify_button, self.restore_button, self.delete_backup_button,
            self.export_button, self.import_button, self.folder_button,
        ])  # fmt: skip
        return backups_box

    @staticmethod
    def _row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        if stretch:
            row.addStretch(1)
        return row

    def bind(self, presenter: DatabasePagePresenter) -> None:
        self.presenter = presenter
        self.profiles.itemSelectionChanged.connect(presenter.profile_selected)
        self.new_button.clicked.connect(presenter.create_profile)
        self.edit_button.clicked.connect(presenter.edit_profile)
        self.delete_profile_button.clicked.connect(presenter.delete_profile)
        self.switch_button.clicked.connect(presenter.switch_profile)
        self.backup_button.clicked.connect(presenter.create_backup)
        self.verify_button.clicked.connect(presenter.verify_backup)
        self.restore_button.clicked.connect(presenter.restore_backup)
        self.delete_backup_button.clicked.connect(presenter.delete_backup)
        self.folder_button.clicked.connect(presenter.open_backup_folder)
        self.location_button.clicked.connect(presenter.change_location)
        self.export_button.clicked.connect(presenter.export_backup)
        self.import_button.clicked.connect(presenter.import_backup)
        self.cancel_button.clicked.connect(presenter.cancel)

    # ------------------------------------------------------------------ DatabaseView
    @staticmethod
    def _selected(table: QTableWidget) -> str | None:
        rows = selected_rows(table)
        if not rows:
            return None
        key = cell(table, rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return str(key) if key is not None else None

    def selected_profile(self) -> str | None:
        return self._selected(self.profiles)

    def selected_backup(self) -> str | None:
        return self._selected(self.backups)

    def select_profile(self, profile_id: str) -> None:
        self._select(self.profiles, profile_id)

    def select_backup(self, backup_id: str) -> None:
        self._select(self.backups, backup_id)

    @staticmethod
    def _select(table: QTableWidget, key: str) -> None:
        for row in range(table.rowCount()):
            if cell(table, row, 0).data(Qt.ItemDataRole.UserRole) == key:
                table.selectRow(row)
                return

    def show_profiles(self, rows: Sequence[ProfileRow]) -> None:
        selected = self.selected_profile()
        self.profiles.blockSignals(True)
        self.profiles.setRowCount(len(rows))
        for i, row in enumerate(rows):
            self.profiles.setItem(i, 0, _item("●" if row.active else "", row.id))
            name = _item(row.name)
            if row.active:
                font = name.font()
                font.setBold(True)
                name.setFont(font)
            self.profiles.setItem(i, 1, name)
            self.profiles.setItem(i, 2, _item(row.id))
            badge = _item(f" {row.environment_text} ")
            badge.setBackground(QColor(BADGE_COLORS.get(row.environment, "#616161")))
            badge.setForeground(QColor("white"))
            badge.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.profiles.setItem(i, 3, badge)
            health = _item(row.health)
            if not row.ok:
                health.setForeground(QColor("#c62828"))
            self.profiles.setItem(i, 4, health)
        self.profiles.blockSignals(False)
        if selected:
            self.select_profile(selected)

    def show_files(self, rows: Sequence[FileRow]) -> None:
        self.files.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for column, text in enumerate((row.database, row.path, row.size, row.health)):
                self.files.setItem(i, column, _item(text))
            if not row.ok:
                cell(self.files, i, 3).setForeground(QColor("#c62828"))

    def show_backups(self, rows: Sequence[BackupRow]) -> None:
        selected = self.selected_backup()
        self.backups.setRowCount(len(rows))
        for i, row in enumerate(rows):
            values = (row.created, row.kind_text, row.profile, row.size, row.note, row.verified)
            for column, text in enumerate(values):
                self.backups.setItem(i, column, _item(text, row.id if column == 0 else None))
            if row.verified_state is False:
                cell(self.backups, i, 5).setForeground(QColor("#c62828"))
        if selected:
            self.select_backup(selected)

    def set_busy(self, busy: bool, message: str = "", cancellable: bool = False) -> None:
        for button in self._action_buttons:
            button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.cancel_button.setVisible(busy and cancellable)
        self.status.setText(message if busy else "")

    def set_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 100))
        if message:
            self.status.setText(message)

    def confirm(self, question: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        if question.startswith("⚠"):  # a warning first (a backup that failed verification): No by default
            answer = QMessageBox.warning(
                self, tr("확인", "Confirm"), question, buttons, QMessageBox.StandardButton.No
            )
        else:
            answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def ask_profile(self, form: ProfileForm | None) -> ProfileForm | None:
        dialog = ProfileDialog(form, self)
        return dialog.form() if dialog.exec() else None

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, tr("데이터베이스", "Database"), message)

    def show_info(self, message: str) -> None:
        self.status.setText(message.splitlines()[0] if message else "")
        if message:
            QMessageBox.information(self, tr("데이터베이스", "Database"), message)

    def open_folder(self, folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def ask_location(self, profile_name: str, current_folder: str) -> LocationChoice | None:
        dialog = LocationDialog(profile_name, current_folder, self)
        return dialog.choice() if dialog.exec() else None

    def ask_save_file(self, title: str, suggested_name: str) -> str | None:
        name, _ = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / suggested_name), _archive_filter()
        )
        return name or None

    def ask_open_file(self, title: str) -> str | None:
        name, _ = QFileDialog.getOpenFileName(self, title, str(Path.home()), _archive_filter())
        return name or None


def _archive_filter() -> str:
    return (
        tr("백업 파일", "Backup archives") + f" (*{ARCHIVE_SUFFIX});;" + tr("모든 파일", "All files") + " (*)"
    )
