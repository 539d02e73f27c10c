"""Settings -> API keys: save (optionally under a passphrase), unlock, show (masked) and delete the keys."""

from __future__ import annotations

from typing import Any, Protocol

from upbit_auto_trading.application.credentials.ports import CredentialStatus
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.credentials.api_key_pair import InvalidApiKeyError
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import kst_minutes


class ApiKeysView(Protocol):
    def entered_keys(self) -> tuple[str, str]: ...
    def clear_inputs(self) -> None: ...
    def show_status(self, text: str, stored: bool) -> None: ...
    def show_where(self, text: str) -> None: ...
    def show_unlock(self, visible: bool) -> None: ...
    def show_error(self, message: str) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def passphrase_requested(self) -> bool: ...
    def ask_new_passphrase(self) -> str | None: ...
    def ask_passphrase(self) -> str | None: ...


def where_text(status: CredentialStatus) -> str:
    """What opens the keys: the OS keyring, the key file or a passphrase (the location is for the curious)."""
    if status.protection == "passphrase":
        return tr("암호로 보호됨 (scrypt). 암호는 어디에도 저장되지 않습니다.",
                  "Protected by a passphrase (scrypt); the passphrase is stored nowhere.")
    if status.protection == "keyring":
        lead = tr("마스터 키: 운영체제 키링", "Master key: the operating system's keyring")
    elif status.protection == "file":
        lead = tr("마스터 키: 파일 (이 컴퓨터에 키링 없음)", "Master key: a file (no keyring on this computer)")
    else:
        return ""
    return f"{lead}\n{status.location}" if status.location else lead


class ApiKeysPresenter:
    def __init__(self, view: ApiKeysView, save: Any, status: Any, delete: Any, unlock: Any = None) -> None:
        self._view = view
        self._save = save
        self._status = status
        self._delete = delete
        self._unlock = unlock

    def refresh(self) -> None:
        status = self._status.execute()
        if not status.stored:
            text = tr("저장된 키 없음: 모의 거래와 공개 데이터만 사용합니다.", "No keys stored: paper trading and public data only.")
        elif status.locked:
            text = tr("저장된 키가 암호로 잠겨 있습니다. '잠금 해제'를 눌러 암호를 입력하거나 키를 다시 입력하세요.",
                      "The stored keys are locked by a passphrase: press Unlock and enter it, or enter the keys again.")
        elif not status.readable:
            text = tr("저장된 키를 읽을 수 없습니다. 다시 입력하세요.", "Stored keys cannot be read. Enter them again.")
            if status.problem:
                text = f"{text}\n{status.problem}"
        else:
            when = kst_minutes(status.updated_at)  # the screens write KST
            text = tr(f"저장됨: 액세스 키 {status.masked_access_key} ({when}), 암호화되어 보관",
                      f"Stored: access key {status.masked_access_key} ({when}), encrypted at rest")
        self._view.show_status(text, status.stored)
        self._view.show_where(where_text(status))
        self._view.show_unlock(self._unlock is not None and status.protection == "passphrase" and not status.readable)

    def on_save(self) -> None:
        access, secret = self._view.entered_keys()
        if not access.strip() or not secret.strip():
            self._view.show_error(tr("액세스 키와 시크릿 키를 모두 입력하세요.", "Enter both the access key and the secret key."))
            return
        passphrase = None
        if self._view.passphrase_requested():
            passphrase = self._view.ask_new_passphrase()
            if passphrase is None:  # cancelled: nothing is saved, the typed keys stay for another try
                return
        try:
            self._save.execute(access, secret, passphrase)
        except InvalidApiKeyError as exc:  # worded here in the UI language (the domain's is English)
            self._view.show_error(invalid_key_text(exc))
            return
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        self._view.clear_inputs()
        self.refresh()

    def on_unlock(self) -> None:
        if self._unlock is None:
            return
        passphrase = self._view.ask_passphrase()
        if passphrase is None:
            return
        try:
            self._unlock.execute(passphrase)
        except ApplicationError as exc:
            self._view.show_error(str(exc))
            return
        self._view.show_error("")
        self.refresh()

    def on_delete(self) -> None:
        if not self._view.confirm(tr("저장된 API 키를 삭제할까요?", "Delete the stored API keys?")):
            return
        self._delete.execute()
        self.refresh()


def invalid_key_text(exc: InvalidApiKeyError) -> str:
    which_ko, which_en = ("시크릿 키", "secret key") if exc.key == "secret" else ("액세스 키", "access key")
    return tr(
        f"{which_ko}는 공백 없이 영문자, 숫자, '-', '_' 16~128자여야 합니다 (입력: {exc.length}자).",
        f"The {which_en} must be 16-128 letters, digits, '-' or '_' with no spaces (got {exc.length} characters).",
    )
