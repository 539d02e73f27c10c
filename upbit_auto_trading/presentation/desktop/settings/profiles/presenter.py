"""Presenter of Settings -> Database. Holds the logic; the view only shows and forwards intent.

Composed of the page's lists (lists.py), its one-at-a-time operations (page_tasks.py) and the actions that
move files (file_actions.py); the profile and backup actions are here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
from upbit_auto_trading.application.profiles.create_profile import CreateProfileCommand
from upbit_auto_trading.application.profiles.dto import ChangeResult
from upbit_auto_trading.application.profiles.edit_profile import EditProfileCommand
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.profiles.file_actions import FileActions
from upbit_auto_trading.presentation.desktop.settings.profiles.lists import DATABASE_LABELS, PageLists
from upbit_auto_trading.presentation.desktop.settings.profiles.model import (
    DatabaseView,
    ProfileForm,
    restore_warning,
)
from upbit_auto_trading.presentation.desktop.settings.profiles.page_tasks import PageTasks
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices

log = logging.getLogger(__name__)

__all__ = ["DatabasePagePresenter", "DatabaseView"]


class DatabasePagePresenter:
    """Profiles (create, edit, delete, switch, change location) and backups (create, verify, restore,
    delete, export, import)."""

    def __init__(self, view: DatabaseView, services: DatabaseServices, work: BackgroundWork) -> None:
        self._view = view
        self._services = services
        self.lists = PageLists(view, services, work)
        self.tasks = PageTasks(view, work, self.lists.refresh)
        self.files = FileActions(view, services, self.lists, self.tasks)

    @property
    def busy(self) -> bool:
        """An operation is running (one at a time)."""
        return self.tasks.busy

    # ------------------------------------------------------------------ lists
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.lists.refresh()

    def refresh_quietly(self) -> None:
        self.lists.refresh_quietly()

    def profile_selected(self) -> None:
        self.lists.profile_selected()

    # ------------------------------------------------------------------ files (file_actions.py)
    def change_location(self) -> None:
        self.files.change_location()

    def export_backup(self) -> None:
        self.files.export_backup()

    def import_backup(self) -> None:
        self.files.import_backup()

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
        self.tasks.run(
            tr("프로파일 생성 중...", "Creating the profile..."),
            lambda _job: self._services.create_profile.execute(command),
            tr("프로파일을 만들었습니다: ", "Profile created: ") + form.profile_id,
        )

    def edit_profile(self) -> None:
        row = self.lists.need_profile()
        if row is None:
            return
        form = self._view.ask_profile(ProfileForm(row.id, row.name, row.environment, row.description))
        if form is None:
            return
        command = EditProfileCommand(row.id, form.name, form.description, form.environment)
        self.tasks.run(
            tr("저장 중...", "Saving..."), lambda _job: self._services.edit_profile.execute(command), ""
        )

    def delete_profile(self) -> None:
        row = self.lists.need_profile()
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
        self.tasks.run(
            tr("삭제 중...", "Deleting..."), lambda _job: self._services.delete_profile.execute(row.id), ""
        )

    def switch_profile(self) -> None:
        row = self.lists.need_profile()
        if row is None or row.active:
            return
        if row.environment == "production" and not self.lists.name_typed(row):
            return
        if not self._view.confirm(
            tr(
                f"'{row.name}' 프로파일로 전환할까요? 모든 화면이 새 데이터로 다시 읽힙니다.",
                f"Switch to profile '{row.name}'? Every screen reloads from it.",
            )
        ):
            return
        self.tasks.run_async(
            tr("프로파일 전환 중...", "Switching profile..."),
            lambda _job: self._services.switch_profile.execute(row.id),
            change_message(tr("전환했습니다: ", "Switched to: ") + row.name),
        )

    # ------------------------------------------------------------------ backups
    def create_backup(self) -> None:
        note = self._view.ask_text(tr("백업", "Back up"), tr("메모 (선택):", "Note (optional):"))
        if note is None:
            return
        self.tasks.run(
            tr("백업 중...", "Backing up..."),
            lambda job: self._services.create_backup.execute(
                CreateBackupCommand(note=note, progress=job.progress, cancel=job.cancel)
            ),
            lambda summary: tr("백업했습니다: ", "Backup written: ") + summary.id,
            cancellable=True,
            on_progress=self.tasks.show_progress,
        )

    def cancel(self) -> None:
        self.tasks.cancel()

    def verify_backup(self) -> None:
        row = self.lists.need_backup()
        if row is None:
            return

        def message(result: Any) -> str:
            if result.ok:
                return tr("백업이 정상입니다.", "The backup is sound.")
            return tr("문제가 발견되었습니다:\n", "Problems found:\n") + "\n".join(result.problems)

        self.tasks.run(
            tr("검증 중...", "Verifying..."),
            lambda job: self._services.verify_backup.execute(row.id, job.progress),
            message,
            on_progress=self.tasks.show_progress,
        )

    def restore_backup(self) -> None:
        row = self.lists.need_backup()
        if row is None:
            return
        try:
            plan = self._services.restore_backup.plan(row.id)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self._view.show_error(str(exc))
            return
        target = self.lists.profile(plan.target_profile_id)
        question = restore_warning(plan) + tr(
            f"{row.created} 백업을 '{target.name if target else plan.target_profile_id}' 프로파일에 복원할까요? "
            "현재 데이터는 먼저 자동 백업됩니다.",
            f"Restore the backup of {row.created} into profile '{target.name if target else plan.target_profile_id}'? "
            "The current data is backed up first.",
        )
        if not self._view.confirm(question):
            return
        if plan.needs_typed_confirmation and target is not None and not self.lists.name_typed(target):
            return
        self.tasks.run_async(
            tr("복원 중...", "Restoring..."),
            # the restore's steps run in a worker thread behind the gate; its progress reaches the GUI thread
            lambda job: self._services.restore_backup.execute(row.id, progress=job.progress),
            change_message(tr("복원했습니다.", "Restored.")),
            on_progress=self.tasks.show_progress,
        )

    def delete_backup(self) -> None:
        row = self.lists.need_backup()
        if row is None:
            return
        if not self._view.confirm(
            tr(f"{row.created} 백업을 삭제할까요?", f"Delete the backup of {row.created}?")
        ):
            return
        self.tasks.run(
            tr("삭제 중...", "Deleting..."), lambda _job: self._services.delete_backup.execute(row.id), ""
        )

    def open_backup_folder(self) -> None:
        selected = self._view.selected_backup()
        self._view.open_folder(
            Path(self._services.backup_folder(selected if self.lists.has_backup(selected) else None))
        )


def change_message(applied: str) -> Callable[[ChangeResult], str]:
    """The message after a switch or restore: ``applied``, or why it was held or refused (a live trade)."""

    def message(result: ChangeResult) -> str:
        status = result.status
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
