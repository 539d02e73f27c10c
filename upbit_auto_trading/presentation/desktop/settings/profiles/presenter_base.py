"""The database page presenter's base: the view protocol, loading the lists, and running work off the
GUI thread with busy state, progress and errors. The actions live in presenter.py and file_actions.py."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from upbit_auto_trading.application.profiles.progress import CancelToken
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.profiles.model import (
    BackupRow,
    DatabaseServices,
    FileRow,
    LocationChoice,
    ProfileForm,
    ProfileRow,
    TaskRunner,
    environment_text,
    kind_text,
    kst_text,
    size_text,
)

log = logging.getLogger(__name__)
DATABASE_LABELS = {
    "settings": ("설정", "Settings"),
    "strategies": ("전략", "Strategies"),
    "market_data": ("시장 데이터", "Market data"),
}


class DatabaseView(Protocol):
    def selected_profile(self) -> str | None: ...
    def selected_backup(self) -> str | None: ...
    def show_profiles(self, rows: Sequence[ProfileRow]) -> None: ...
    def show_files(self, rows: Sequence[FileRow]) -> None: ...
    def show_backups(self, rows: Sequence[BackupRow]) -> None: ...
    def set_busy(self, busy: bool, message: str = "", cancellable: bool = False) -> None: ...
    def set_progress(self, fraction: float, message: str) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def ask_text(self, title: str, label: str, text: str = "") -> str | None: ...
    def ask_profile(self, form: ProfileForm | None) -> ProfileForm | None: ...
    def show_error(self, message: str) -> None: ...
    def show_info(self, message: str) -> None: ...
    def open_folder(self, folder: Path) -> None: ...
    def ask_location(self, profile_name: str, current_folder: str) -> LocationChoice | None: ...
    def ask_save_file(self, title: str, suggested_name: str) -> str | None: ...
    def ask_open_file(self, title: str) -> str | None: ...


def _health_text(health: dict | None) -> tuple[str, bool]:
    if not health or not health.get("exists"):
        return tr("아직 없음 (처음 사용할 때 생성)", "not created yet (made on first use)"), True
    if health.get("problem"):
        return tr("문제: ", "problem: ") + str(health["problem"]), False
    return tr("정상", "healthy") + f" (v{health.get('schema_version')})", True


class PresenterBase:
    def __init__(self, view: DatabaseView, services: DatabaseServices, runner: TaskRunner) -> None:
        self._view = view
        self._services = services
        self._runner = runner
        self._profiles: list[ProfileRow] = []
        self._backups: dict[str, BackupRow] = {}
        self._cancel: CancelToken | None = None
        self.busy = False

    # ------------------------------------------------------------------ loading
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        def work() -> tuple[list[dict], list[dict]]:
            profiles = [p.to_dict() for p in self._services.list_profiles.execute(with_health=True)]
            backups = [b.to_dict() for b in self._services.list_backups.execute()]
            return profiles, backups

        self._runner.run(work, self._loaded, self._failed)

    def _loaded(self, result: tuple[list[dict], list[dict]]) -> None:
        profiles, backups = result
        self._profiles = [self._profile_row(p) for p in profiles]
        rows = [self._backup_row(b) for b in backups]
        self._backups = {r.id: r for r in rows}
        self._view.show_profiles(self._profiles)
        self._view.show_backups(rows)
        self.profile_selected()

    @staticmethod
    def _profile_row(p: dict) -> ProfileRow:
        files = []
        for name, path in p["databases"].items():
            health = p.get("health", {}).get(name)
            text, ok = _health_text(health)
            size = size_text(health["bytes"]) if health and health.get("exists") else "-"
            files.append(FileRow(tr(*DATABASE_LABELS.get(name, (name, name))), path, size, text, ok))
        ok = all(f.ok for f in files)
        created = any((p.get("health", {}).get(n) or {}).get("exists") for n in p["databases"])
        summary = tr("정상", "healthy") if ok else tr("문제 있음", "problems")
        if ok and not created:
            summary = tr("아직 없음", "not created yet")
        return ProfileRow(
            p["id"],
            p["name"],
            p["environment"],
            environment_text(p["environment"]),
            p.get("description", ""),
            p["active"],
            summary,
            ok,
            tuple(files),
        )

    @staticmethod
    def _backup_row(b: dict) -> BackupRow:
        verified = {
            True: tr("검증됨", "verified"),
            False: tr("검증 실패", "failed"),
            None: tr("미검증", "not verified"),
        }
        return BackupRow(
            b["id"],
            kst_text(b["created_at"]),
            b["kind"],
            kind_text(b["kind"]),
            b["profile"],
            b["environment"],
            size_text(b["bytes"]),
            b.get("note", ""),
            verified[b.get("verified")],
            b.get("verified"),
        )

    def profile_selected(self) -> None:
        selected = self._view.selected_profile()
        row = next((p for p in self._profiles if p.id == selected), None)
        if row is None:
            row = next((p for p in self._profiles if p.active), None)
        self._view.show_files(row.files if row else ())

    # ------------------------------------------------------------------ helpers
    def _profile(self, profile_id: str | None) -> ProfileRow | None:
        return next((p for p in self._profiles if p.id == profile_id), None)

    def _run(
        self,
        message: str,
        work: Any,
        done_message: Any,
        cancellable: bool = False,
        is_async: bool = False,
        failure: str = "",
    ) -> None:
        """Run ``work`` off the GUI thread; ``failure`` prefixes the error shown when it raises."""
        if self.busy:
            self._view.show_error(
                tr(
                    "다른 작업이 진행 중입니다. 끝난 뒤 다시 시도하세요.",
                    "Another operation is running; try again when it ends.",
                )
            )
            return
        self.busy = True
        self._view.set_busy(True, message, cancellable)

        def done(result: Any) -> None:
            self._finish()
            text = done_message(result) if callable(done_message) else done_message
            if text and getattr(result, "status", None) == "refused":
                self._view.show_error(text)  # e.g. a trade is live in another window
            elif text:
                self._view.show_info(text)
            self.refresh()

        def failed(error: BaseException) -> None:
            self._failed(error, failure)

        if is_async:
            self._runner.run_async(work, done, failed)
        else:
            self._runner.run(work, done, failed)

    def _finish(self) -> None:
        self.busy = False
        self._cancel = None
        self._view.set_busy(False)

    def _failed(self, error: BaseException, failure: str = "") -> None:
        self._finish()
        log.warning("database page operation failed: %s", error)
        self._view.show_error(failure + str(error))
        self.refresh_quietly()

    def refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # never let a refresh failure hide the first error
            log.exception("refresh failed")

    def _need_profile(self) -> ProfileRow | None:
        row = self._profile(self._view.selected_profile())
        if row is None:
            self._view.show_error(tr("프로파일을 먼저 선택하세요.", "Select a profile first."))
        return row

    def _need_backup(self) -> BackupRow | None:
        row = self._backups.get(self._view.selected_backup() or "")
        if row is None:
            self._view.show_error(tr("백업을 먼저 선택하세요.", "Select a backup first."))
        return row

    def _typed(self, row: ProfileRow) -> bool:
        typed = self._view.ask_text(
            tr("확인", "Confirm"),
            tr(
                f"'{row.environment_text}' 프로파일입니다. 계속하려면 프로파일 이름 '{row.name}'을(를) 입력하세요.",
                f"This is a {row.environment_text} profile. Type the profile name '{row.name}' to continue.",
            ),
        )
        if typed is None:
            return False
        if typed.strip() != row.name:
            self._view.show_error(
                tr(
                    "이름이 일치하지 않습니다. 아무것도 바뀌지 않았습니다.",
                    "The name does not match; nothing was changed.",
                )
            )
            return False
        return True

    @staticmethod
    def _change_message(applied: str) -> Any:
        def message(result: Any) -> str:
            status = getattr(result, "status", "applied")
            if status == "held":
                return (
                    tr(
                        "거래가 진행 중이라 보류되었습니다. 거래가 끝나면 적용됩니다. ",
                        "Held because a trade is live; it is applied when the trade ends. ",
                    )
                    + result.reason
                )
            if status == "refused":
                return tr("거부됨: ", "Refused: ") + result.reason
            return applied

        return message
