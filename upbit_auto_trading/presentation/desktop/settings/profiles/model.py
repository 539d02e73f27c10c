"""What the database page shows (rows formatted for display) and the view the presenter drives; no Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from upbit_auto_trading.presentation.desktop.i18n import tr

KST = timezone(timedelta(hours=9), "KST")


@dataclass(frozen=True)
class FileRow:
    database: str
    path: str
    size: str
    health: str
    ok: bool


@dataclass(frozen=True)
class ProfileRow:
    id: str
    name: str
    environment: str
    environment_text: str
    description: str
    active: bool
    health: str
    ok: bool
    files: tuple[FileRow, ...] = ()


@dataclass(frozen=True)
class BackupRow:
    id: str
    created: str
    kind: str
    kind_text: str
    profile: str
    environment: str
    size: str
    note: str
    verified: str
    verified_state: bool | None


@dataclass(frozen=True)
class ProfileForm:
    profile_id: str
    name: str
    environment: str
    description: str = ""
    folder: str = ""


@dataclass(frozen=True)
class LocationChoice:
    """From the change-location dialog: the new folder, and move (old files deleted) or copy."""

    folder: str
    move: bool = True


class DatabaseView(Protocol):
    """What the presenter asks of the page (a passive Qt view; a fake in the tests)."""

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


ENVIRONMENTS = {
    "development": ("개발", "Development"),
    "testing": ("테스트", "Testing"),
    "production": ("운영", "Production"),
}
KINDS = {
    "manual": ("수동", "Manual"),
    "automatic": ("자동", "Automatic"),
    "pre_restore": ("복원 전", "Pre-restore"),
}


def environment_text(environment: str) -> str:
    ko, en = ENVIRONMENTS.get(environment, (environment, environment))
    return tr(ko, en)


def kind_text(kind: str) -> str:
    ko, en = KINDS.get(kind, (kind, kind))
    return tr(ko, en)


def size_text(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{size / 1024:.0f} KB"


def kst_text(utc_text: str) -> str:
    moment = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S KST")


def restore_warning(plan: Any) -> str:
    """The first paragraph of a restore confirmation when the chosen backup failed its last verification
    (a RestorePlan with ``failed_verification``), else ""."""
    if not getattr(plan, "failed_verification", False):
        return ""
    when = f" ({kst_text(plan.verified_at)})" if plan.verified_at else ""
    problems = "\n".join(f"  • {p}" for p in plan.verification_problems[:5])
    more = len(plan.verification_problems) - 5
    if more > 0:
        problems += tr(f"\n  외 {more}건", f"\n  and {more} more")
    return (
        tr(
            f"⚠ 경고: 이 백업은 마지막 검증{when}에 실패했습니다.",
            f"⚠ WARNING: this backup FAILED its last verification{when}.",
        )
        + (f"\n{problems}" if problems else "")
        + tr(
            "\n복원은 먼저 다시 검증하고, 여전히 실패하면 아무것도 바꾸지 않고 중단합니다.\n\n",
            "\nThe restore verifies it again first and stops, changing nothing, if it still fails.\n\n",
        )
    )
