"""The passphrase dialog: one hidden field to unlock, two (typed twice) to protect new keys."""

from __future__ import annotations

from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr


class PassphraseDialog(QDialog):
    def __init__(self, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle(tr("API 키 암호", "API key passphrase"))
        self._confirm = confirm
        self.passphrase_edit = self._hidden_field()
        self.again_edit = self._hidden_field()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("inlineError")
        self.error_label.setWordWrap(True)
        note = QLabel(
            tr(
                "암호는 어디에도 저장되지 않습니다. 잊어버리면 키를 다시 입력해야 합니다.",
                "The passphrase is stored nowhere; if it is forgotten, the keys must be entered again.",
            )
            if confirm
            else tr("저장된 API 키의 암호를 입력하세요.", "Enter the passphrase of the stored API keys."),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        form.addRow("", note)
        form.addRow(tr("암호", "Passphrase"), self.passphrase_edit)
        if confirm:
            form.addRow(tr("암호 확인", "Again"), self.again_edit)
        else:
            self.again_edit.hide()
        form.addRow("", self.error_label)
        form.addRow(buttons)

    def _hidden_field(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _accept_if_valid(self) -> None:
        if not self.passphrase_edit.text():
            self.error_label.setText(tr("암호를 입력하세요.", "Enter the passphrase."))
            return
        if self._confirm and self.again_edit.text() != self.passphrase_edit.text():
            self.error_label.setText(tr("두 암호가 다릅니다.", "The two passphrases differ."))
            self.again_edit.clear()
            return
        self.accept()

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def clear(self) -> None:
        """Drop the typed text from the widgets once it has been read."""
        self.passphrase_edit.clear()
        self.again_edit.clear()


def ask_passphrase(parent: QWidget | None, confirm: bool) -> str | None:
    """The passphrase typed (twice when ``confirm``), or None when the dialog was cancelled."""
    dialog = PassphraseDialog(confirm, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.passphrase()
    finally:
        dialog.clear()
        dialog.deleteLater()
