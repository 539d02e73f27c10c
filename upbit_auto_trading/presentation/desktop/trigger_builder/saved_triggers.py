"""The saved-trigger list of the trigger builder: search, save (new or edit), open, duplicate, delete,
export and import. No Qt (tested with the fake view through the screen presenter)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trigger.variables import Catalogue
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.form import (
    FormState,
    TriggerBuilderView,
    form_from_draft,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.import_conflicts import (
    ConflictAsker,
    ImportCancelled,
    import_report,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.model import SavedRow
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices
from upbit_auto_trading.presentation.desktop.trigger_text import condition_text


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def in_use_message(name: str, strategies: Sequence[str]) -> str:
    return tr(
        f"트리거 '{name}'은(는) 전략 {len(strategies)}개에서 사용 중이라 삭제할 수 없습니다: {_names(strategies)}."
        " 전략 메이커에서 먼저 이 트리거를 빼거나 전략을 삭제하세요.",
        f"Trigger '{name}' is used by {len(strategies)} strategy(ies): {_names(strategies)}."
        " Take it out of them in the strategy maker (or delete them) first.",
    )


class SavedTriggersPresenter:
    """``editing`` is the name of the saved trigger the form edits (None: a new trigger)."""

    def __init__(
        self,
        view: TriggerBuilderView,
        services: TriggerBuilderServices,
        draft: Callable[[FormState], TriggerDraft],
        load_form: Callable[[FormState], None],
        new_trigger: Callable[[], None],
        catalogue: Callable[[], Catalogue] | None = None,
    ) -> None:
        self._view = view
        self._catalogue = catalogue  # names the list shows (the catalogue's, not the raw identifiers)
        self._services = services
        self._draft = draft
        self._load_form = load_form
        self._new_trigger = new_trigger
        self.editing: str | None = None

    def set_editing(self, name: str | None) -> None:
        self.editing = name
        self._view.set_editing(name)

    def refresh(self, selected: str | None = None) -> None:
        catalogue = self._catalogue() if self._catalogue is not None else None
        rows = [
            SavedRow(c.name, condition_text(catalogue, c), c.timeframe)
            for c in self._services.list_triggers.execute(self._view.search_text())
        ]
        self._view.show_saved(rows, selected)

    def search_changed(self) -> None:
        self.refresh(self._view.selected_saved())

    def _users(self, name: str) -> list[str]:
        """Strategies using ``name`` (empty when the screen has no such query wired)."""
        if self._services.trigger_users is None:
            return []
        return list(self._services.trigger_users.execute(name))

    def _rename_confirmed(self, old: str, new: str) -> bool:
        users = self._users(old)
        return not users or self._view.confirm(
            tr(
                f"트리거 '{old}'을(를) 전략 {len(users)}개가 사용합니다: {_names(users)}.\n"
                f"이름을 '{new}'(으)로 바꾸고 이 전략들의 참조도 바꿀까요? (전략마다 새 버전으로 저장)",
                f"Trigger '{old}' is used by {len(users)} strategy(ies): {_names(users)}.\n"
                f"Rename it to '{new}' and update their references too? (each saved as a new version)",
            )
        )

    def save(self) -> bool:
        state = self._view.form()
        if not state.name.strip():
            self._view.show_error(tr("트리거 이름을 입력하세요", "Enter a name for the trigger"))
            return False
        try:
            draft = self._draft(state)
            if self.editing is None:
                saved = self._services.create_trigger.execute(draft)
            else:
                if draft.name.strip() != self.editing and not self._rename_confirmed(
                    self.editing, draft.name
                ):
                    return False
                saved = self._services.edit_trigger.execute(self.editing, draft).condition
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return False
        self.set_editing(saved.name)
        self.refresh(saved.name)
        return True

    def open(self, name: str | None = None) -> None:
        name = name or self._view.selected_saved()
        if not name:
            return
        condition = next((c for c in self._services.list_triggers.execute(name) if c.name == name), None)
        if condition is None:
            return
        state = form_from_draft(TriggerDraft.from_condition(condition), self._view.form().market)
        self.set_editing(condition.name)
        self._load_form(state)

    def duplicate(self) -> None:
        name = self._view.selected_saved()
        if not name:
            return
        try:
            copy = self._services.duplicate_trigger.execute(name)
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        self.refresh(copy.name)
        self.open(copy.name)

    def delete(self) -> None:
        name = self._view.selected_saved()
        if not name:
            return
        try:
            users = self._users(name)
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        if users:
            self._view.show_error(in_use_message(name, users))
            return
        if not self._view.confirm(tr(f"트리거 '{name}'을(를) 삭제할까요?", f"Delete trigger '{name}'?")):
            return
        try:
            self._services.delete_trigger.execute(name)
        except TriggerInUseError as exc:  # a strategy started using it meanwhile
            self._view.show_error(in_use_message(name, exc.strategies))
            return
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        if self.editing == name:
            self._new_trigger()
        self.refresh()

    def export(self) -> None:
        path = self._view.ask_save_path("triggers.json")
        if not path:
            return
        selected = self._view.selected_saved()
        document = self._services.export_triggers.execute([selected] if selected else [])
        try:
            Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            self._view.show_error(tr(f"저장 실패: {exc}", f"Could not write the file: {exc}"))
            return
        self._view.show_info(
            tr(f"{len(document['triggers'])}개 내보냄", f"Exported {len(document['triggers'])} triggers")
        )

    def import_(self) -> None:
        path = self._view.ask_open_path()
        if not path:
            return
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self._view.show_error(tr(f"가져오기 실패: {exc}", f"Import failed: {exc}"))
            return
        try:  # a trigger that differs from the saved one of its name is asked about, before any write
            result = self._services.import_triggers.execute(document, ConflictAsker(self._view))
        except ImportCancelled:
            self._view.show_info(tr("가져오기 취소: 바뀐 것이 없습니다", "Import cancelled: nothing changed"))
            return
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        self.refresh()
        self._view.show_info(import_report(result))
