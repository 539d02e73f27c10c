"""Presenter of Settings -> Database. Holds the logic; the view only shows and forwards intent."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from upbit_auto_trading.application.database_configuration.create_backup import CreateBackupCommand
from upbit_auto_trading.application.database_configuration.create_profile import CreateProfileCommand
from upbit_auto_trading.application.database_configuration.edit_profile import EditProfileCommand
from upbit_auto_trading.application.database_configuration.progress import CancelToken
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.database.model import (
    BackupRow,
    DatabaseServices,
    FileRow,
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


def _health_text(health: dict | None) -> tuple[str, bool]:
    if not health or not health.get("exists"):
        return tr("아직 없음 (처음 사용할 때 생성)", "not created yet (made on first use)"), True
    if health.get("problem"):
        return tr("문제: ", "problem: ") + str(health["problem"]), False
    return tr("정상", "healthy") + f" (v{health.get('schema_version')})", True


class DatabasePagePresenter:
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
        self, message: str, work: Any, done_message: Any, cancellable: bool = False, is_async: bool = False
    ) -> None:
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
            if text:
                self._view.show_info(text)
            self.refresh()

        if is_async:
            self._runner.run_async(work, done, self._failed)
        else:
            self._runner.run(work, done, self._failed)

    def _finish(self) -> None:
        self.busy = False
        self._cancel = None
        self._view.set_busy(False)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        log.warning("database page operation failed: %s", error)
        self._view.show_error(str(error))
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

    # ------------------------------------------------------------------ profiles
    def create_profile(self) -> None:
        form = self._view.ask_profile(None)
        if form is None:
            return
        paths = {}
        if form.folder:
            folder = Path(form.folder).expanduser()
            paths = {name: folder / f"{name}.sqlite3" for name in DATABASE_LABELS}
        command = CreateProfileCommand(form.profile_id, form.name, form.environment, form.description, paths)
        self._run(
            tr("프로파일 생성 중...", "Creating the profile..."),
            lambda: self._services.create_profile.execute(command),
            tr("프로파일을 만들었습니다: ", "Profile created: ") + form.profile_id,
        )

    def edit_profile(self) -> None:
        row = self._need_profile()
        if row is None:
            return
        form = self._view.ask_profile(ProfileForm(row.id, row.name, row.environment, row.description))
        if form is None:
            return
        command = EditProfileCommand(row.id, form.name, form.description, form.environment)
        self._run(tr("저장 중...", "Saving..."), lambda: self._services.edit_profile.execute(command), "")

    def delete_profile(self) -> None:
        row = self._need_profile()
        if row is None:
            return
        if row.active:
            self._view.show_error(
                tr(
                    "사용 중인 프로파일은 삭제할 수 없습니다. 먼저 다른 프로파일로 전환하세요.",
                    "The active profile cannot be deleted; switch to another profile first.",
                )
            )
            return
        if not self._view.confirm(
            tr(
                f"'{row.name}' 프로파일을 삭제할까요? 데이터베이스 파일과 백업은 남습니다.",
                f"Delete profile '{row.name}'? Its database files and backups are kept.",
            )
        ):
            return
        self._run(tr("삭제 중...", "Deleting..."), lambda: self._services.delete_profile.execute(row.id), "")

    def switch_profile(self) -> None:
        row = self._need_profile()
        if row is None or row.active:
            return
        if row.environment == "production" and not self._typed(row):
            return
        if not self._view.confirm(
            tr(
                f"'{row.name}' 프로파일로 전환할까요? 모든 화면이 새 데이터로 다시 읽힙니다.",
                f"Switch to profile '{row.name}'? Every screen reloads from it.",
            )
        ):
            return
        self._run(
            tr("프로파일 전환 중...", "Switching profile..."),
            lambda: self._services.switch_profile.execute(row.id),
            self._change_message(tr("전환했습니다: ", "Switched to: ") + row.name),
            is_async=True,
        )

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

    # ------------------------------------------------------------------ backups
    def create_backup(self) -> None:
        note = self._view.ask_text(tr("백업", "Back up"), tr("메모 (선택):", "Note (optional):"))
        if note is None:
            return
        self._cancel = cancel = CancelToken()
        progress = self._runner.progress_callback(self._view.set_progress)
        command = CreateBackupCommand(note=note, progress=progress, cancel=cancel)
        self._run(
            tr("백업 중...", "Backing up..."),
            lambda: self._services.create_backup.execute(command),
            lambda summary: tr("백업했습니다: ", "Backup written: ") + summary.id,
            cancellable=True,
        )

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._view.set_progress(0.0, tr("취소 중...", "Cancelling..."))

    def verify_backup(self) -> None:
        row = self._need_backup()
        if row is None:
            return
        progress = self._runner.progress_callback(self._view.set_progress)

        def message(result: Any) -> str:
            if result.ok:
                return tr("백업이 정상입니다.", "The backup is sound.")
            return tr("문제가 발견되었습니다:\n", "Problems found:\n") + "\n".join(result.problems)

        self._run(
            tr("검증 중...", "Verifying..."),
            lambda: self._services.verify_backup.execute(row.id, progress),
            message,
        )

    def restore_backup(self) -> None:
        row = self._need_backup()
        if row is None:
            return
        try:
            plan = self._services.restore_backup.plan(row.id)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self._view.show_error(str(exc))
            return
        target = self._profile(plan.target_profile_id)
        question = tr(
            f"{row.created} 백업을 '{target.name if target else plan.target_profile_id}' 프로파일에 복원할까요? "
            "현재 데이터는 먼저 자동 백업됩니다.",
            f"Restore the backup of {row.created} into profile '{target.name if target else plan.target_profile_id}'? "
            "The current data is backed up first.",
        )
        if not self._view.confirm(question):
            return
        if plan.needs_typed_confirmation and target is not None and not self._typed(target):
            return
        self._run(
            tr("복원 중...", "Restoring..."),
            lambda: self._services.restore_backup.execute(row.id),
            self._change_message(tr("복원했습니다.", "Restored.")),
            is_async=True,
        )

    def delete_backup(self) -> None:
        row = self._need_backup()
        if row is None:
            return
        if not self._view.confirm(
            tr(f"{row.created} 백업을 삭제할까요?", f"Delete the backup of {row.created}?")
        ):
            return
        self._run(tr("삭제 중...", "Deleting..."), lambda: self._services.delete_backup.execute(row.id), "")

    def open_backup_folder(self) -> None:
        selected = self._view.selected_backup()
        self._view.open_folder(
            Path(self._services.backup_folder(selected if selected in self._backups else None))
        )
