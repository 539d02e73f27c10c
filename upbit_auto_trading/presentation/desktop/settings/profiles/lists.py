"""The database page's two lists, profiles (with their files) and backups: loaded off the GUI thread, and the
rows the user means when an action starts."""

from __future__ import annotations

import logging
from typing import Any

from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.profiles.model import (
    BackupRow,
    DatabaseView,
    FileRow,
    ProfileRow,
    environment_text,
    kind_text,
    kst_text,
    size_text,
)
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices

log = logging.getLogger(__name__)

DATABASE_LABELS = {
    "settings": ("설정", "Settings"),
    "strategies": ("전략", "Strategies"),
    "market_data": ("시장 데이터", "Market data"),
}


class PageLists:
    def __init__(self, view: DatabaseView, services: DatabaseServices, work: BackgroundWork) -> None:
        self._view = view
        self._services = services
        self._work = work
        self._profiles: list[ProfileRow] = []
        self._backups: dict[str, BackupRow] = {}

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        def load(_job: JobContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            profiles = [p.to_dict() for p in self._services.list_profiles.execute(with_health=True)]
            backups = [b.to_dict() for b in self._services.list_backups.execute()]
            return profiles, backups

        self._work.submit(load, self._loaded, self._load_failed)

    def refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # never let a refresh failure hide the first error
            log.exception("refresh failed")

    def _loaded(self, result: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        profiles, backups = result
        self._profiles = [profile_row(p) for p in profiles]
        rows = [backup_row(b) for b in backups]
        self._backups = {r.id: r for r in rows}
        self._view.show_profiles(self._profiles)
        self._view.show_backups(rows)
        self.profile_selected()

    def _load_failed(self, error: Exception) -> None:
        # Shown, not retried: loading again at once would fail the same way.
        log.warning("database page lists could not be loaded: %s", error)
        self._view.show_error(str(error))

    def profile_selected(self) -> None:
        selected = self._view.selected_profile()
        row = self.profile(selected)
        if row is None:
            row = next((p for p in self._profiles if p.active), None)
        self._view.show_files(row.files if row else ())

    # ------------------------------------------------------------------ the rows an action works on
    def profile(self, profile_id: str | None) -> ProfileRow | None:
        return next((p for p in self._profiles if p.id == profile_id), None)

    def has_backup(self, backup_id: str | None) -> bool:
        return backup_id in self._backups

    def need_profile(self) -> ProfileRow | None:
        row = self.profile(self._view.selected_profile())
        if row is None:
            self._view.show_error(tr("프로파일을 먼저 선택하세요.", "Select a profile first."))
        return row

    def need_backup(self) -> BackupRow | None:
        row = self._backups.get(self._view.selected_backup() or "")
        if row is None:
            self._view.show_error(tr("백업을 먼저 선택하세요.", "Select a backup first."))
        return row

    def name_typed(self, row: ProfileRow) -> bool:
        """A production profile is touched only after its name is typed (one click is too easy)."""
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


def _health_text(health: dict[str, Any] | None) -> tuple[str, bool]:
    if not health or not health.get("exists"):
        return tr("아직 없음 (처음 사용할 때 생성)", "not created yet (made on first use)"), True
    if health.get("problem"):
        return tr("문제: ", "problem: ") + str(health["problem"]), False
    return tr("정상", "healthy") + f" (v{health.get('schema_version')})", True


def profile_row(p: dict[str, Any]) -> ProfileRow:
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


def backup_row(b: dict[str, Any]) -> BackupRow:
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
