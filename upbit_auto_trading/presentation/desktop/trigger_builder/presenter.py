"""Trigger builder presenter: all the screen's logic, no Qt (tested with a fake view)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.compatibility import Usage, check_compatibility, check_usage
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import InvalidParameterError, NeedsPositionError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.parameters import coerce_parameter
from upbit_auto_trading.domain.trigger.variables import Catalogue, ChartPlacement, Purpose, VariableDefinition
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.model import (
    MAIN,
    TARGET,
    BackgroundRunner,
    ParameterField,
    PreviewData,
    PurposeGroup,
    SavedRow,
    TriggerBuilderServices,
    VariableItem,
)

log = logging.getLogger(__name__)

PREVIEW_CANDLES = 2000
WARMUP_CANDLES = 600
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
    def set_busy(self, busy: bool) -> None: ...
    def show_saved(self, rows: Sequence[SavedRow], selected: str | None) -> None: ...
    def selected_saved(self) -> str | None: ...
    def search_text(self) -> str: ...
    def set_editing(self, name: str | None) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def ask_open_path(self) -> str | None: ...
    def ask_save_path(self, suggested: str) -> str | None: ...
    def show_error(self, message: str) -> None: ...
    def show_info(self, message: str) -> None: ...


def _label(v: VariableDefinition) -> str:
    return f"{tr(v.name_ko, v.name_en)} ({v.variable_id})"


class TriggerBuilderPresenter:
    def __init__(
        self, view: TriggerBuilderView, services: TriggerBuilderServices, runner: BackgroundRunner
    ) -> None:
        self._view = view
        self._services = services
        self._runner = runner
        self._catalogue: Catalogue | None = None
        self._editing: str | None = None
        self._busy = False
        self._pending = False
        self._candles: dict[tuple[str, str], CandleArrays] = {}
        self._evaluators: dict[tuple[str, str], TriggerEvaluator] = {}
        self._generation = 0  # bumped by invalidate_candles: results computed on older data are dropped
        self.preview_count: int | None = None
        self.markets: list[str] = []

    # ----- start-up -------------------------------------------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = self._services.list_catalogue.execute()
        return self._catalogue

    def start(self) -> None:
        self._show_catalogue()
        self._view.show_markets([DEFAULT_MARKET], DEFAULT_MARKET)  # until the stored series are read
        self.new_trigger()
        self.refresh_saved()
        self.load_markets()

    def _show_catalogue(self) -> None:
        groups = [
            PurposeGroup(p.value, tr(p.name_ko, p.name_en), [self._item(v) for v in variables])
            for p, variables in self.catalogue.by_purpose().items()
            if variables
        ]
        self._view.show_variables(groups)
        self._view.show_operators([(op.value, tr(op.label_ko, op.label_en)) for op in Operator])

    def load_markets(self) -> None:
        """Markets of the stored candle series, read off the GUI thread (it scans the candle table)."""
        self._runner.submit(
            lambda: list(self._services.markets()), self._markets_loaded, self._markets_failed
        )

    def _markets_loaded(self, markets: list[str]) -> None:
        self.markets = list(markets)
        current = self._view.form().market
        shown = self.markets or [DEFAULT_MARKET]
        selected = current if current in shown else shown[0]
        self._view.show_markets(shown, selected)
        if selected != current:
            self.form_changed()

    def _markets_failed(self, exc: BaseException) -> None:
        log.warning("could not list the stored candle series: %s", exc)

    def reload(self) -> None:
        """The active profile changed (switch or restore): re-read the catalogue, saved triggers, markets and
        candles, keeping the form when it still makes sense in the new data."""
        self._catalogue = None
        self.invalidate_candles()
        state = self._view.form()
        self._show_catalogue()
        names = {c.name for c in self._services.list_triggers.execute("")}
        if self._editing is not None and self._editing not in names:
            self._editing = None
            self._view.set_editing(None)
        try:
            self._load_form(state)
        except (DomainError, ApplicationError, KeyError):
            self.new_trigger()
        self.refresh_saved(self._editing)
        self.load_markets()

    def _item(self, v: VariableDefinition, reason: str = "") -> VariableItem:
        return VariableItem(v.variable_id, _label(v), tr(v.help_ko, v.help_en), not reason, reason)

    # ----- the form -------------------------------------------------------------------------------
    def new_trigger(self) -> None:
        self._editing = None
        self._view.set_editing(None)
        state = FormState(market=self._view.form().market or DEFAULT_MARKET)
        self._load_form(state)

    def _fields(self, variable: VariableDefinition, values: dict[str, str]) -> list[ParameterField]:
        return [
            ParameterField(
                p,
                tr(p.name_ko, p.name_en),
                tr(p.help_ko, p.help_en),
                tr(p.placeholder_ko, p.placeholder_en),
                values.get(p.name, "" if p.default is None else str(p.default)),
            )
            for p in variable.parameters
        ]

    def _load_form(self, state: FormState) -> None:
        variable = self.catalogue.get(state.variable_id)
        self._view.set_form(state)
        self._view.show_parameters(MAIN, self._fields(variable, state.params))
        self._show_variable_context(variable)
        if state.target_variable_id:
            self._view.show_parameters(
                TARGET, self._fields(self.catalogue.get(state.target_variable_id), state.target_params)
            )
        self.form_changed()

    def _show_variable_context(self, variable: VariableDefinition) -> None:
        self._view.show_help(tr(variable.help_ko, variable.help_en))
        self._view.set_value_hint(variable.value_range.describe())
        usage = self._usage(variable)
        items = []
        for other in self.catalogue:
            verdict = check_compatibility(variable, other, usage)
            reason = "" if verdict.compatible else tr(verdict.reason_ko, verdict.reason_en)
            items.append(self._item(other, reason))
        self._view.show_target_variables(items)

    @staticmethod
    def _usage(variable: VariableDefinition) -> Usage:
        return Usage.MANAGEMENT if not check_usage(variable, Usage.SIGNAL).compatible else Usage.SIGNAL

    def variable_changed(self, variable_id: str) -> None:
        state = self._view.form()
        state.variable_id, state.params = variable_id, {}
        variable = self.catalogue.get(variable_id)
        if state.target_kind == "variable" and state.target_variable_id:
            other = self.catalogue.get(state.target_variable_id)
            if not check_compatibility(variable, other, self._usage(variable)).compatible:
                state.target_variable_id, state.target_params = "", {}
        self._view.set_form(state)
        self._view.show_parameters(MAIN, self._fields(variable, {}))
        if not state.target_variable_id:
            self._view.show_parameters(TARGET, [])
        self._show_variable_context(variable)
        self.form_changed()

    def target_variable_changed(self, variable_id: str) -> None:
        state = self._view.form()
        state.target_variable_id, state.target_params, state.target_kind = variable_id, {}, "variable"
        self._view.set_form(state)
        self._view.show_parameters(
            TARGET, self._fields(self.catalogue.get(variable_id), {}) if variable_id else []
        )
        self.form_changed()

    def _inline_errors(self, state: FormState) -> bool:
        ok = True
        for side, vid, values in (
            (MAIN, state.variable_id, state.params),
            (TARGET, state.target_variable_id, state.target_params),
        ):
            if not vid or (side == TARGET and state.target_kind != "variable"):
                continue
            for p in self.catalogue.get(vid).parameters:
                message = ""
                raw = values.get(p.name, "")
                if raw not in ("", None):
                    try:
                        coerce_parameter(p, raw)
                    except InvalidParameterError as exc:
                        message, ok = str(exc), False
                self._view.set_parameter_error(side, p.name, message)
        return ok

    def build_condition(self, state: FormState | None = None) -> TradingCondition:
        state = state or self._view.form()
        draft = self.draft(state)
        return draft.build(self.catalogue)

    def draft(self, state: FormState) -> TriggerDraft:
        op = Operator.parse(state.operator)
        option: dict[str, str] = {}
        if op is Operator.APPROX and state.option.strip():
            option = {"percent": state.option.strip()}
        if op in (Operator.RISING, Operator.FALLING):
            option = {"candles": state.option.strip() or "1"}
        use_variable = state.target_kind == "variable" and op.needs_target
        variable = self.catalogue.get(state.variable_id)
        return TriggerDraft(
            name=state.name or "preview",
            variable_id=state.variable_id,
            operator=op.value,
            params={k: v for k, v in state.params.items() if v not in ("", None)},
            value=None if use_variable or not op.needs_target else state.value,
            target_variable_id=state.target_variable_id if use_variable else None,
            target_params={k: v for k, v in state.target_params.items() if v not in ("", None)}
            if use_variable
            else {},
            timeframe=state.timeframe,
            description=state.description,
            usage=self._usage(variable).value,
            operator_params=option,
        )

    def form_changed(self) -> None:
        state = self._view.form()
        if not self._inline_errors(state):
            self._view.show_validation(tr("파라미터를 확인하세요", "Check the parameters"))
            return
        try:
            condition = self.build_condition(state)
        except (DomainError, ApplicationError) as exc:
            self._view.show_validation(str(exc))
            return
        self._view.show_validation("")
        self.request_preview(condition, state.market)

    # ----- preview (off the GUI thread) -----------------------------------------------------------
    def request_preview(self, condition: TradingCondition, market: str) -> None:
        if self._services.candle_reader is None:
            self._view.show_preview(None, tr("캔들 데이터가 없습니다", "No candle data available"))
            return
        if self._busy:
            self._pending = True
            return
        self._busy = True
        self._view.set_busy(True)
        generation = self._generation
        self._runner.submit(
            lambda: (generation, self._compute(condition, market, generation)),
            self._preview_done,
            self._preview_failed,
        )

    def _evaluator(self, market: str, timeframe: str, generation: int) -> TriggerEvaluator:
        key = (market, timeframe)
        evaluator = self._evaluators.get(key)
        if evaluator is None:
            candles = self._services.candle_reader.load_arrays(market, timeframe)  # type: ignore[union-attr]
            size = len(candles)
            candles = candles.slice(max(0, size - PREVIEW_CANDLES - WARMUP_CANDLES), size)
            evaluator = TriggerEvaluator(candles, other_timeframes=lambda tf: self._other(market, tf))
            if generation == self._generation:  # not invalidated while loading
                self._candles[key] = candles
                self._evaluators[key] = evaluator
        return evaluator

    def _other(self, market: str, timeframe: str) -> CandleArrays:
        return self._services.candle_reader.load_arrays(market, timeframe)  # type: ignore[union-attr]

    def _compute(self, condition: TradingCondition, market: str, generation: int) -> PreviewData | str:
        evaluator = self._evaluator(market, condition.timeframe, generation)
        candles = evaluator.candles
        if len(candles) == 0:
            return tr(
                f"{market} {condition.timeframe} 캔들이 없습니다",
                f"No {condition.timeframe} candles of {market} stored",
            )
        shown = slice(max(0, len(candles) - PREVIEW_CANDLES), len(candles))
        variable = self.catalogue.get(condition.variable.variable_id)
        note = ""
        try:
            values = evaluator.series(condition.variable)[shown]
            fired = np.flatnonzero(evaluator.evaluate(condition)[shown])
        except NeedsPositionError:
            values, fired = None, np.empty(0, dtype=np.int64)
            note = tr(
                "포지션이 필요합니다 (차트만으로는 값이 없음)", "Needs a position (no value on a chart alone)"
            )
        target_series = None
        target_value = None
        target_label = ""
        if isinstance(condition.target, VariableRef):
            target_label = condition.target.describe()
            try:
                target_series = evaluator.series(condition.target)[shown]
            except NeedsPositionError:
                note = note or tr("포지션이 필요합니다", "Needs a position")
        elif isinstance(condition.target, FixedValue):
            target_value = float(condition.target.value)
            target_label = condition.target.describe()
        return PreviewData(
            times=candles.start[shown],
            close=candles.close[shown],
            variable=values,
            variable_label=condition.variable.describe(),
            overlay=variable.chart is ChartPlacement.OVERLAY,
            target=target_series,
            target_value=target_value,
            target_label=target_label,
            fired=fired,
            note=note,
        )

    def _preview_done(self, outcome: tuple[int, PreviewData | str]) -> None:
        generation, result = outcome
        self._finish()
        if generation != self._generation:  # computed on data replaced since: compute again
            self._pending = True
            self._run_pending()
            return
        if isinstance(result, str):
            self.preview_count = None
            self._view.show_preview(None, result)
        else:
            self.preview_count = result.count
            self._view.show_preview(result, result.note)
        self._run_pending()

    def _preview_failed(self, exc: BaseException) -> None:
        self._finish()
        log.warning("trigger preview failed: %s", exc)
        self._view.show_preview(None, str(exc))
        self._run_pending()

    def _finish(self) -> None:
        self._busy = False
        self._view.set_busy(False)

    def _run_pending(self) -> None:
        if self._pending:
            self._pending = False
            self.form_changed()

    def invalidate_candles(self) -> None:
        """Forget loaded candles (a profile switch or new data); a preview in flight is computed again."""
        self._generation += 1
        self._candles.clear()
        self._evaluators.clear()

    # ----- saved triggers -------------------------------------------------------------------------
    def refresh_saved(self, selected: str | None = None) -> None:
        rows = [
            SavedRow(c.name, c.describe(), c.timeframe)
            for c in self._services.list_triggers.execute(self._view.search_text())
        ]
        self._view.show_saved(rows, selected)

    def search_changed(self) -> None:
        self.refresh_saved(self._view.selected_saved())

    def save(self) -> bool:
        state = self._view.form()
        if not state.name.strip():
            self._view.show_error(tr("트리거 이름을 입력하세요", "Enter a name for the trigger"))
            return False
        try:
            draft = self.draft(state)
            if self._editing is None:
                saved = self._services.create_trigger.execute(draft)
            else:
                saved = self._services.edit_trigger.execute(self._editing, draft)
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return False
        self._editing = saved.name
        self._view.set_editing(saved.name)
        self.refresh_saved(saved.name)
        return True

    def saved_selected(self, name: str | None = None) -> None:
        name = name or self._view.selected_saved()
        if not name:
            return
        condition = next((c for c in self._services.list_triggers.execute(name) if c.name == name), None)
        if condition is None:
            return
        draft = TriggerDraft.from_condition(condition)
        option = ""
        if "percent" in draft.operator_params:
            option = f"{draft.operator_params['percent']:g}"
        if "candles" in draft.operator_params:
            option = str(int(draft.operator_params["candles"]))
        state = FormState(
            name=draft.name,
            description=draft.description,
            timeframe=draft.timeframe,
            market=self._view.form().market,
            variable_id=draft.variable_id,
            params={k: str(v) for k, v in draft.params.items()},
            operator=draft.operator,
            target_kind="variable" if draft.target_variable_id else "value",
            value="" if draft.value is None else str(draft.value),
            target_variable_id=draft.target_variable_id or "",
            target_params={k: str(v) for k, v in draft.target_params.items()},
            option=option,
        )
        self._editing = condition.name
        self._view.set_editing(condition.name)
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
        self.refresh_saved(copy.name)
        self.saved_selected(copy.name)

    def delete(self) -> None:
        name = self._view.selected_saved()
        if not name or not self._view.confirm(
            tr(f"트리거 '{name}'을(를) 삭제할까요?", f"Delete trigger '{name}'?")
        ):
            return
        try:
            self._services.delete_trigger.execute(name)
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        if self._editing == name:
            self.new_trigger()
        self.refresh_saved()

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
            result = self._services.import_triggers.execute(document)
        except (OSError, ValueError) as exc:
            self._view.show_error(tr(f"가져오기 실패: {exc}", f"Import failed: {exc}"))
            return
        except (DomainError, ApplicationError) as exc:
            self._view.show_error(str(exc))
            return
        self.refresh_saved()
        self._view.show_info(
            tr(f"{len(result.imported)}개 가져옴", f"Imported {len(result.imported)} triggers")
        )


PURPOSE_ORDER = [p.value for p in Purpose]
