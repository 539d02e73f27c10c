"""The create/edit profile dialog and the change-location dialog."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import present
from upbit_auto_trading.presentation.desktop.settings.profiles.model import (
    ENVIRONMENTS,
    LocationChoice,
    ProfileForm,
)


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


class LocationDialog(QDialog):
    """Choose a new folder for a profile's databases, and whether to move or copy the files."""

    def __init__(self, profile_name: str, current_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("location_dialog")
        self.setWindowTitle(tr("데이터베이스 위치 변경", "Change database location"))
        self._start = current_folder.split(", ")[0] if current_folder else ""
        current = QLabel(current_folder or "-", self)
        current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        current.setWordWrap(True)
        self.folder = QLineEdit("", self)
        self.folder.setPlaceholderText(tr("빈 폴더를 선택하세요", "choose an empty folder"))
        self.browse_button = QPushButton(tr("찾아보기...", "Browse..."), self)
        self.browse_button.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        self.move_radio = QRadioButton(
            tr("이동 (복사 후 이전 파일 삭제)", "Move (the old files are deleted after the copy)"), self
        )
        self.copy_radio = QRadioButton(tr("복사 (이전 파일 유지)", "Copy (the old files stay)"), self)
        self.move_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.move_radio)
        group.addButton(self.copy_radio)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.folder.textChanged.connect(self._update)
        layout = QFormLayout(self)
        layout.addRow(tr("프로파일", "Profile"), QLabel(profile_name, self))
        layout.addRow(tr("현재 폴더", "Current folder"), current)
        layout.addRow(tr("새 폴더", "New folder"), folder_row)
        layout.addRow(tr("방법", "How"), self.move_radio)
        layout.addRow("", self.copy_radio)
        layout.addRow(self.buttons)
        self.setMinimumWidth(520)
        self._update()

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, tr("새 폴더 선택", "Choose the new folder"), self.folder.text() or self._start
        )
        if folder:
            self.folder.setText(folder)

    def _update(self) -> None:
        ok = present(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "OK button")
        ok.setEnabled(bool(self.folder.text().strip()))

    def choice(self) -> LocationChoice:
        return LocationChoice(self.folder.text().strip(), self.move_radio.isChecked())
