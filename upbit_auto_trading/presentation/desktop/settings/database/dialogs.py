"""The create/edit profile dialog."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.database.model import ENVIRONMENTS, ProfileForm


class ProfileDialog(QDialog):
    def __init__(self, form: ProfileForm | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("프로파일 편집", "Edit profile") if form else tr("새 프로파일", "New profile"))
        self.id_edit = QLineEdit(form.profile_id if form else "", self)
        self.id_edit.setPlaceholderText(
            tr("영문 소문자/숫자 3자 이상 (예: paper-2)", "3+ lower-case letters/digits (e.g. paper-2)")
        )
        self.id_edit.setEnabled(form is None)
        self.name_edit = QLineEdit(form.name if form else "", self)
        self.environment = QComboBox(self)
        for key, (ko, en) in ENVIRONMENTS.items():
            self.environment.addItem(tr(ko, en), key)
        if form:
            self.environment.setCurrentIndex(list(ENVIRONMENTS).index(form.environment))
        self.description = QLineEdit(form.description if form else "", self)
        self.folder = QLineEdit("", self)
        self.folder.setPlaceholderText(tr("비워 두면 기본 위치", "empty: the default location"))
        self.folder.setVisible(form is None)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(tr("ID", "Id"), self.id_edit)
        layout.addRow(tr("이름", "Name"), self.name_edit)
        layout.addRow(tr("환경", "Environment"), self.environment)
        layout.addRow(tr("설명", "Description"), self.description)
        if form is None:
            layout.addRow(tr("폴더", "Folder"), self.folder)
        layout.addRow(buttons)

    def form(self) -> ProfileForm:
        profile_id = self.id_edit.text().strip()
        return ProfileForm(
            profile_id,
            self.name_edit.text().strip() or profile_id,
            str(self.environment.currentData()),
            self.description.text().strip(),
            self.folder.text().strip(),
        )
