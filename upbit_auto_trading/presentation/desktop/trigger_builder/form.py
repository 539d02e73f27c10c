"""The trigger builder's form state and the view protocol the presenters talk to (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.import_triggers import ConflictChoice, TriggerConflict
from upbit_auto_trading.presentation.desktop.trigger_builder.model import (
    ParameterField,
    PreviewData,
    PurposeGroup,
    SavedRow,
    VariableItem,
)

DEFAULT_MARKET = "KRW-BTC"


@dataclass
class FormState:
    name: str = ""
    description: str = ""
    timeframe: str = "1h"
    market: str = DEFAULT_MARKET
    variable_id: str = "RSI"
    params: dict[str, str] = field(default_factory=dict)
    operator: str = "crosses_above"
    target_kind: str = "value"  # "value" or "variable"
    value: str = "30"
    target_variable_id: str = ""
    target_params: dict[str, str] = field(default_factory=dict)
    option: str = ""  # ~= percent or rising/falling N


def form_from_draft(draft: TriggerDraft, market: str) -> FormState:
    """The form showing a saved trigger (``market`` is the preview market, kept from the current form)."""
    option = ""
    if "percent" in draft.operator_params:
        option = f"{draft.operator_params['percent']:g}"
    if "candles" in draft.operator_params:
        option = str(int(draft.operator_params["candles"]))
    return FormState(
        name=draft.name,
        description=draft.description,
        timeframe=draft.timeframe,
        market=market,
        variable_id=draft.variable_id,
        params={k: str(v) for k, v in draft.params.items()},
        operator=draft.operator,
        target_kind="variable" if draft.target_variable_id else "value",
        value="" if draft.value is None else str(draft.value),
        target_variable_id=draft.target_variable_id or "",
        target_params={k: str(v) for k, v in draft.target_params.items()},
        option=option,
    )


class TriggerBuilderView(Protocol):
    def show_variables(self, groups: Sequence[PurposeGroup]) -> None: ...
    def show_target_variables(self, items: Sequence[VariableItem]) -> None: ...
    def show_operators(self, items: Sequence[tuple[str, str]]) -> None: ...
    def show_markets(self, markets: Sequence[str], selected: str) -> None: ...
    def show_parameters(self, side: str, fields: Sequence[ParameterField]) -> None: ...
    def set_parameter_error(self, side: str, name: str, message: str) -> None: ...
    def show_help(self, text: str) -> None: ...
    def set_value_hint(self, text: str) -> None: ...
    def form(self) -> FormState: ...
    def set_form(self, state: FormState) -> None: ...
    def show_validation(self, message: str) -> None: ...
    def show_preview(self, data: PreviewData | None, message: str = "") -> None: ...
    # the preview period as typed (from, to: UTC dates, either empty); not part of the trigger
    def preview_period(self) -> tuple[str, str]: ...
    def set_preview_period(self, start: str, end: str) -> None: ...
    def set_busy(self, busy: bool) -> None: ...
    def show_saved(self, rows: Sequence[SavedRow], selected: str | None) -> None: ...
    def selected_saved(self) -> str | None: ...
    def search_text(self) -> str: ...
    def set_editing(self, name: str | None) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def ask_open_path(self) -> str | None: ...
    # (rename | skip | replace, apply to all remaining conflicts); None cancels the import
    def ask_import_conflict(self, conflict: TriggerConflict) -> tuple[ConflictChoice, bool] | None: ...
    def ask_save_path(self, suggested: str) -> str | None: ...
    def show_error(self, message: str) -> None: ...
    def show_info(self, message: str) -> None: ...
