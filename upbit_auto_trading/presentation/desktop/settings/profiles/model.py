"""What the database page shows: rows formatted for display (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
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


@dataclass
class DatabaseServices:
    """The use cases the page needs (from ``container.profiles``); any object with these attributes."""

    list_profiles: Any
    create_profile: Any
    edit_profile: Any
    delete_profile: Any
    switch_profile: Any
    create_backup: Any
    list_backups: Any
    verify_backup: Any
    restore_backup: Any
    delete_backup: Any
    backup_folder: Any  # Callable[[str | None], Path]
    change_location: Any = None  # ChangeDatabaseLocation (plan + execute)
    export_backup: Any = None
    import_backup: Any = None
    extra: dict = field(default_factory=dict)


class TaskRunner(Protocol):
    """Runs work off the GUI thread; callbacks come back on the GUI thread."""

    def run(self, work: Any, on_done: Any, on_error: Any) -> None: ...

    def run_async(self, coroutine_factory: Any, on_done: Any, on_error: Any) -> None:
        """Run a coroutine on the app's loop when one is running (qasync), else in a worker thread."""
        ...

    def progress_callback(self, on_progress: Any) -> Any:
        """A thread-safe ``(fraction, text)`` callback that calls ``on_progress`` on the GUI thread."""
        ...


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
