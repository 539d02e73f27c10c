"""Strategy maker logic: list, edit with live validation, save as a new version, duplicate, delete,
export and import. No Qt: tested with a fake view."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from upbit_auto_trading.application.strategy.ports import StoredStrategy
from upbit_auto_trading.application.strategy.validate_strategy import ValidationReport
from upbit_auto_trading.domain.strategy import strategy_to_dict
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import kst_minutes
from upbit_auto_trading.presentation.desktop.strategy_maker.model import (
    MAX_RULES,
    SPECS_BY_TYPE,
    EditorState,
    ProblemRow,
    StrategyForm,
    StrategyRow,
    document_of,
    empty_document,
    form_of,
    groups_of,
)
from upbit_auto_trading.presentation.desktop.strategy_maker.services import StrategyMakerServices

PROBLEM_KO = {
    "name.empty": "이름을 입력하세요",
    "name.too_long": "이름은 100자 이하여야 합니다",
    "groups.empty": "진입 트리거 그룹이 하나 이상 필요합니다",
    "group.empty": "빈 트리거 그룹이 있습니다: 트리거를 넣거나 그룹을 지우세요",
    "trigger.duplicate": "한 그룹에 같은 트리거가 두 번 있습니다",
    "management.too_many": "관리 규칙은 최대 5개입니다",
    "management.duplicate": "같은 종류의 관리 규칙은 하나만 둘 수 있습니다",
    "stop_take_profit.empty": "손절 또는 익절 중 하나는 켜야 합니다",
    "partial_take_profit.above_take_profit": "부분 익절 수익률은 익절보다 낮아야 합니다",
    "sizing.over_100": "현금 비율은 100% 이하여야 합니다",
    "sizing.value": "매수 크기를 확인하세요",
    "sizing.not_positive": "매수 크기는 0보다 커야 합니다",
    "sizing.no_cash_for_adds": "진입에 현금 100%를 쓰면 추가 매수할 현금이 없습니다",
    "value.too_large": "값이 너무 큽니다",
    "value.not_positive": "값은 0보다 커야 합니다",
    "value.negative": "값은 음수일 수 없습니다",
    "times.range": "횟수는 1~20 사이여야 합니다",
    "time_exit.candles": "캔들 수는 1 이상이어야 합니다",
    "cooldown.negative": "쿨다운은 0 이상이어야 합니다",
    "field.missing": "값이 필요합니다",
}


def problem_text(code: str, message: str) -> str:
    korean = PROBLEM_KO.get(code)
    return tr(korean, message) if korean else message


class StrategyMakerView(Protocol):
    def search_text(self) -> str: ...
    def show_strategies(self, rows: Sequence[StrategyRow], selected_id: int | None) -> None: ...
    def show_triggers(self, names: Sequence[str]) -> None: ...
    def form(self) -> StrategyForm: ...
    def show_form(self, form: StrategyForm, title: str) -> None: ...
    def show_problems(self, rows: Sequence[ProblemRow], can_save: bool) -> None: ...
    def set_actions(self, *, can_add_rule: bool, has_saved: bool) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def ask_open_path(self) -> str | None: ...
    def ask_save_path(self, suggested: str) -> str | None: ...
    def show_error(self, message: str) -> None: ...
    def show_status(self, message: str) -> None: ...


def _row(stored: StoredStrategy) -> StrategyRow:
    s = stored.strategy
    entry = " OR ".join("(" + " AND ".join(r.name for r in g.triggers) + ")" for g in s.entry.groups)
    # the rules by their titles ("트레일링 스탑"), not their schema types ("trailing_stop")
    rules = ", ".join(SPECS_BY_TYPE[r.type].title if r.type in SPECS_BY_TYPE else r.type for r in s.management)
    return StrategyRow(stored.strategy_id, s.name, stored.version, f"{entry} | {rules}",
                       kst_minutes(stored.updated_at))  # fmt: skip


class StrategyMakerPresenter:
    def __init__(self, view: StrategyMakerView, services: StrategyMakerServices) -> None:
        self.view = view
        self.services = services
        self.state = EditorState()
        self.last_report: ValidationReport | None = None

    # ------------------------------------------------------------------ lists
    def start(self) -> None:
        self.refresh()
        self.new_strategy()

    def refresh(self) -> None:
        self._guard(self._refresh)

    def _refresh(self) -> None:
        self.view.show_triggers([t.name for t in self.services.list_triggers.execute("")])
        stored = list(self.services.list_strategies.execute(self.view.search_text()))
        self.view.show_strategies([_row(s) for s in stored], self.state.strategy_id)
        shown = next((s for s in stored if s.strategy_id == self.state.strategy_id), None)
        if shown is not None and shown.version != self.state.version and not self.is_dirty():
            self._load(shown)  # saved elsewhere meanwhile (e.g. a renamed trigger): show the new version

    def search_changed(self) -> None:
        self.refresh()

    def strategy_selected(self, strategy_id: int | None) -> None:
        if strategy_id is None or strategy_id == self.state.strategy_id:
            return
        if self.is_dirty() and not self.view.confirm(
            tr(
                "저장하지 않은 변경이 있습니다. 버리고 다른 전략을 열까요?",
                "Discard unsaved changes and open another strategy?",
            )
        ):
            self.view.show_strategies(
                [_row(s) for s in self.services.list_strategies.execute(self.view.search_text())],
                self.state.strategy_id,
            )
            return
        self._guard(lambda: self._load(self.services.get_strategy.execute(strategy_id)))

    def _load(self, stored: StoredStrategy) -> None:
        doc = strategy_to_dict(stored.strategy)
        self.state = EditorState(stored.strategy_id, stored.version, doc)
        self.view.show_form(form_of(doc), f"{stored.name}  v{stored.version}")
        self.form_changed()

    def new_strategy(self) -> None:
        self.state = EditorState()
        self.view.show_form(form_of(empty_document()), tr("새 전략", "New strategy"))
        self.form_changed()

    # ------------------------------------------------------------------ live validation
    def document(self) -> dict[str, Any]:
        """The strategy document the form holds now."""
        return document_of(self.view.form())

    def is_dirty(self) -> bool:
        return _canonical(self.document()) != _canonical(self.state.saved_document)

    def form_changed(self) -> None:
        doc = self.document()
        try:
            report = self.services.validate_strategy.execute(doc)
        except Exception as exc:  # validation must never break the form
            self.view.show_problems([ProblemRow("", str(exc))], False)
            return
        self.last_report = report
        rows = [ProblemRow(p.field, problem_text(p.code, p.message)) for p in report.problems]
        rows += [
            ProblemRow("entry", tr(f"저장되지 않은 트리거: {n}", f"Trigger not saved: {n}"))
            for n in report.missing_triggers
        ]
        rows += [ProblemRow(w.field, problem_text(w.code, w.message), "warning") for w in report.warnings]
        self.view.show_problems(rows, report.ok)
        self.view.set_actions(can_add_rule=len(doc.get("management", [])) < MAX_RULES,
                              has_saved=self.state.strategy_id is not None)  # fmt: skip

    # ------------------------------------------------------------------ commands
    def save(self) -> None:
        doc = self.document()
        report = self.services.validate_strategy.execute(doc)
        if not report.ok:
            self.form_changed()
            self.view.show_error(
                tr(
                    "고칠 부분이 있어 저장하지 않았습니다 (아래 목록).",
                    "Not saved: fix the problems listed below.",
                )
            )
            return

        def work() -> None:
            if self.state.strategy_id is None:
                stored = self.services.create_strategy.execute(doc)
            else:
                stored = self.services.save_strategy_version.execute(self.state.strategy_id, doc)
            self._load(stored)
            self._refresh()
            self.view.show_status(
                tr(f"저장됨: {stored.name} v{stored.version}", f"Saved {stored.name} v{stored.version}")
            )

        self._guard(work)

    def duplicate(self) -> None:
        strategy_id = self.state.strategy_id
        if strategy_id is None:
            return

        def work() -> None:
            stored = self.services.duplicate_strategy.execute(strategy_id)
            self._load(stored)
            self._refresh()
            self.view.show_status(tr(f"복제됨: {stored.name}", f"Duplicated as {stored.name}"))

        self._guard(work)

    def delete(self) -> None:
        strategy_id = self.state.strategy_id
        if strategy_id is None:
            return
        name = self.state.saved_document.get("name", "")
        if not self.view.confirm(
            tr(f"전략 '{name}'과 모든 버전을 삭제할까요?", f"Delete strategy '{name}' and all its versions?")
        ):
            return

        def work() -> None:
            self.services.delete_strategy.execute(strategy_id)
            self.new_strategy()
            self._refresh()
            self.view.show_status(tr(f"삭제됨: {name}", f"Deleted {name}"))

        self._guard(work)

    def export(self) -> None:
        if self.state.strategy_id is None:
            self.view.show_error(tr("먼저 전략을 저장하세요.", "Save the strategy first."))
            return
        doc = self.services.export_strategy.execute(self.state.strategy_id)
        path = self.view.ask_save_path(f"{doc['name']}.json")
        if not path:
            return

        def work() -> None:
            self.services.write_text(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
            self.view.show_status(tr(f"내보냄: {path}", f"Exported to {path}"))

        self._guard(work)

    def import_file(self) -> None:
        path = self.view.ask_open_path()
        if not path:
            return

        def work() -> None:
            stored = self.services.import_strategy.execute(self.services.read_text(path), "rename")
            self._load(stored)
            self._refresh()
            self.view.show_status(tr(f"가져옴: {stored.name}", f"Imported {stored.name}"))

        self._guard(work)

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # every failure is shown to the user, none is lost
            self.view.show_error(str(exc))


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return value
    return value


def _canonical(doc: dict[str, Any]) -> str:
    d = dict(doc)
    d["entry"] = groups_of(d.get("entry") or {})
    d["management"] = [
        {**r, "groups": groups_of(r)} if "groups" in r else r for r in d.get("management", [])
    ]  # fmt: skip
    d["description"] = (d.get("description") or "").strip()
    return json.dumps(_norm(d), sort_keys=True, default=str, ensure_ascii=False)
