"""Widgets of Settings -> API keys."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.api_keys.passphrase_dialog import ask_passphrase
from upbit_auto_trading.presentation.desktop.settings.api_keys.presenter import ApiKeysPresenter


class ApiKeysPage(QWidget):
    def __init__(self, parent: QWidget | None = None, production: bool = False) -> None:
        super().__init__(parent)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.where_label = QLabel(self)
        self.where_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("inlineError")
        self.error_label.setWordWrap(True)
        self.access_edit = QLineEdit(self)
        self.access_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.access_edit.setPlaceholderText(tr("Upbit 액세스 키", "Upbit access key"))
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText(tr("Upbit 시크릿 키", "Upbit secret key"))
        # Checked by default on a production profile: its keys move real money, and a passphrase keeps them
        # unreadable to anyone holding a copy of the home or a backup.
        self.passphrase_check = QCheckBox(tr("암호로 보호 (저장할 때 입력)", "Protect with a passphrase (asked on save)"), self)
        self.passphrase_check.setChecked(production)
        self.save_button = QPushButton(tr("저장", "Save"), self)
        self.unlock_button = QPushButton(tr("잠금 해제...", "Unlock..."), self)
        self.unlock_button.setVisible(False)
        self.delete_button = QPushButton(tr("삭제...", "Delete..."), self)
        note = QLabel(
            tr(
                "키는 운영체제 키링(없으면 홈 폴더의 파일)에 있는 마스터 키 또는 암호로 암호화되어 설정 데이터베이스에 "
                "저장되며, 로그와 백업에는 평문으로 남지 않습니다.",
                "Keys are encrypted with a master key kept in the operating system's keyring (a file in the home "
                "folder where there is none), or with a passphrase, before they reach the settings database; they "
                "never appear in logs or backups in plain text.",
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow(tr("상태", "Status"), self.status_label)
        form.addRow(tr("보관", "Protection"), self.where_label)
        form.addRow(tr("액세스 키", "Access key"), self.access_edit)
        form.addRow(tr("시크릿 키", "Secret key"), self.secret_edit)
        form.addRow("", self.passphrase_check)
        form.addRow("", self.error_label)
        form.addRow("", buttons)
        form.addRow("", note)
        self.presenter: ApiKeysPresenter | None = None

    def bind(self, presenter: ApiKeysPresenter) -> None:
        self.presenter = presenter
        self.save_button.clicked.connect(presenter.on_save)
        self.unlock_button.clicked.connect(presenter.on_unlock)
        self.delete_button.clicked.connect(presenter.on_delete)
        presenter.refresh()

    def entered_keys(self) -> tuple[str, str]:
        return self.access_edit.text(), self.secret_edit.text()

    def clear_inputs(self) -> None:
        self.access_edit.clear()
        self.secret_edit.clear()
        self.error_label.clear()

    def show_status(self, text: str, stored: bool) -> None:
        self.status_label.setText(text)
        self.delete_button.setEnabled(stored)

    def show_where(self, text: str) -> None:
        self.where_label.setText(text)

    def show_unlock(self, visible: bool) -> None:
        self.unlock_button.setVisible(visible)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    def passphrase_requested(self) -> bool:
        return self.passphrase_check.isChecked()

    def ask_new_passphrase(self) -> str | None:
        return ask_passphrase(self, confirm=True)

    def ask_passphrase(self) -> str | None:
        return ask_passphrase(self, confirm=False)
