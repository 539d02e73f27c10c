"""Database page actions on files: change a profile's database location, export and import backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeLocationCommand,
)
from upbit_auto_trading.application.profiles.export_backup import ARCHIVE_SUFFIX
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.profiles.lists import PageLists
from upbit_auto_trading.presentation.desktop.settings.profiles.model import DatabaseView
from upbit_auto_trading.presentation.desktop.settings.profiles.page_tasks import PageTasks
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices


def _current_folder(row: Any) -> str:
    folders = sorted({str(Path(f.path).parent) for f in row.files})
    return ", ".join(folders)


class FileActions:
    """Change a profile's database location, export and import backups: the page's actions that move files."""

    def __init__(
        self, view: DatabaseView, services: DatabaseServices, lists: PageLists, tasks: PageTasks
    ) -> None:
        self._view = view
        self._services = services
        self._lists = lists
        self._tasks = tasks

    # ------------------------------------------------------------------ change location
    def change_location(self) -> None:
        row = self._lists.need_profile()
        if row is None:
            return
        choice = self._view.ask_location(row.name, _current_folder(row))
        if choice is None:
            return
        if not choice.folder.strip():
            self._view.show_error(tr("새 폴더를 선택하세요.", "Choose the new folder."))
            return
        try:  # reads the registry and checks the folder: quick, nothing changes
            plan = self._services.change_location.plan(row.id, Path(choice.folder.strip()), choice.move)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self._view.show_error(
                tr("위치를 바꿀 수 없습니다: ", "The location cannot be changed: ") + str(exc)
            )
            return
        if not self._view.confirm(self._location_question(row, plan)):
            return
        if row.environment == "production" and not self._lists.name_typed(row):
            return
        self._tasks.run(
            tr("데이터베이스 파일을 옮기는 중...", "Moving the database files...")
            if plan.move
            else tr("데이터베이스 파일을 복사하는 중...", "Copying the database files..."),
            lambda job: self._services.change_location.execute(
                ChangeLocationCommand(row.id, plan.folder, move=plan.move, progress=job.progress)
            ),
            tr(
                f"'{row.name}' 프로파일이 이제 {plan.folder} 의 파일을 사용합니다.",
                f"Profile '{row.name}' now uses the files in {plan.folder}.",
            ),
            failure=tr("위치 변경 실패: ", "Changing the location failed: "),
            on_progress=self._location_progress,
        )

    def _location_progress(self, progress: Progress) -> None:
        texts = {
            "check": tr("확인 중...", "Checking..."),
            "copy": tr("파일 복사 중...", "Copying the files..."),
            "repoint": tr("프로파일 갱신 중...", "Repointing the profile..."),
            "remove the old files": tr("이전 파일 삭제 중...", "Removing the old files..."),
            "done": tr("완료", "Done"),
        }
        self._view.set_progress(progress.fraction, texts.get(progress.message, progress.message))

    @staticmethod
    def _location_question(row: Any, plan: Any) -> str:
        files = "\n".join(f"  {old}\n    -> {new}" for old, new in plan.moves.values())
        if plan.move:
            head = tr(
                f"'{row.name}' 프로파일의 데이터베이스 파일을 {plan.folder} 로 옮길까요?",
                f"Move the database files of profile '{row.name}' to {plan.folder}?",
            )
            tail = tr(
                "복사본이 확인된 뒤 이전 파일은 삭제됩니다.",
                "The old files are deleted once the copies are in place.",
            )
        else:
            head = tr(
                f"'{row.name}' 프로파일의 데이터베이스 파일을 {plan.folder} 로 복사할까요?",
                f"Copy the database files of profile '{row.name}' to {plan.folder}?",
            )
            tail = tr(
                "이전 파일은 그대로 남고, 프로파일은 복사본을 사용합니다.",
                "The old files stay where they are; the profile uses the copies.",
            )
        if row.active:
            tail += " " + tr(
                "사용 중인 프로파일이라 잠시 데이터베이스를 닫았다가 다시 엽니다.",
                "It is the active profile: its databases are closed and reopened.",
            )
        return f"{head}\n\n{files}\n\n{tail}"

    # ------------------------------------------------------------------ archives
    def export_backup(self) -> None:
        row = self._lists.need_backup()
        if row is None:
            return
        chosen = self._view.ask_save_file(tr("백업 내보내기", "Export backup"), f"{row.id}{ARCHIVE_SUFFIX}")
        if not chosen:
            return
        destination = Path(chosen)
        if not destination.name.endswith(ARCHIVE_SUFFIX):
            destination = destination.with_name(destination.name.removesuffix(".zip") + ARCHIVE_SUFFIX)
        self._tasks.run(
            tr("내보내는 중 (먼저 검증)...", "Exporting (verifying first)..."),
            lambda job: self._services.export_backup.execute(row.id, destination, job.progress),
            lambda path: tr("내보냈습니다: ", "Exported to: ") + str(path),
            failure=tr("내보내기 실패: ", "Export failed: "),
            on_progress=self._tasks.show_progress,
        )

    def import_backup(self) -> None:
        chosen = self._view.ask_open_file(tr("백업 가져오기", "Import backup"))
        if not chosen:
            return
        self._tasks.run(
            tr("가져오는 중 (검증 포함)...", "Importing (and verifying)..."),
            lambda job: self._services.import_backup.execute(Path(chosen), job.progress),
            lambda summary: tr("백업을 가져왔습니다 (검증됨): ", "Imported backup (verified): ") + summary.id,
            failure=tr("가져오기 실패: ", "Import failed: "),
            on_progress=self._tasks.show_progress,
        )
