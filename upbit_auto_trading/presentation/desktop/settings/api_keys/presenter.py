"""Settings -> API keys: save, show (masked) and delete the Upbit keys."""

from __future__ import annotations

from typing import Any, Protocol

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.presentation.desktop.i18n import tr


class ApiKeysView(Protocol):
    def entered_keys(self) -> tuple[str, str]: ...
    def clear_inputs(self) -> None: ...
    def show_status(self, text: str, stored: bool) -> None: ...
    def show_error(self, message: str) -> None: ...
    def confirm(self, question: str) -> bool: ...


class ApiKeysPresenter:
    def __init__(self, view: ApiKeysView, save: Any, status: Any, delete: Any) -> None:
        self._view = view
        self._save = save
        self._status = status
        self._delete = delete

    def refresh(self) -> None:
        status = self._status.execute()
        if not status.stored:
            text = tr("저장된 키 없음: 모의 거래와 공개 데이터만 사용합니다.", "No keys stored: paper trading and public data only.")
        elif not status.readable:
            text = tr("저장된 키를 읽을 수 없습니다 (마스터 키 변경). 다시 입력하세요.",
                      "Stored keys cannot be read (the master key changed). Enter them again.")
        else:
            when = f"{status.updated_at:%Y-%m-%d %H:%M} UTC" if status.updated_at else ""
            text = tr(f"저장됨: 액세스 키 {status.masked_access_key} ({when}), 암호화되어 보관",
                      f"Stored: access key {status.masked_access_key} ({when}), encrypted at rest")
        self._view.show_status(text, status.stored)

    def on_save(self) -> None:
        access, secret = self._view.entered_keys()
        if not access.strip() or not secret.strip():
            self._view.show_error(tr("액세스 키와 시크릿 키를 모두 입력하세요.", "Enter both the access key and the secret key."))
            return
        try:
            self._save.execute(access, secret)
        except DomainError as exc:
            self._view.show_error(str(exc))
            return
        self._view.clear_inputs()
        self.refresh()

    def on_delete(self) -> None:
        if not self._view.confirm(tr("저장된 API 키를 삭제할까요?", "Delete the stored API keys?")):
            return
        self._delete.execute()
        self.refresh()
