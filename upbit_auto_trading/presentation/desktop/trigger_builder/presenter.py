"""Trigger builder presenter: the form, the catalogue and the preview; no Qt (tested with a fake view).

The saved-trigger list is :class:`SavedTriggersPresenter` (saved_triggers.py), the preview computation
:class:`PreviewCache` (preview.py); this presenter owns them and forwards the view's intents."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trigger.compatibility import Usage, check_compatibility, check_usage
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.errors import InvalidParameterError
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.parameters import coerce_parameter
from upbit_auto_trading.domain.trigger.variables import Catalogue, Purpose, VariableDefinition
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.form import (
    DEFAULT_MARKET,
    FormState,
    TriggerBuilderView,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.model import (
    MAIN,
    TARGET,
    ParameterField,
    PreviewData,
    PurposeGroup,
    VariableItem,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.period import PeriodError, parse_period
from upbit_auto_trading.presentation.desktop.trigger_builder.preview import (
    PREVIEW_CANDLES,
    WARMUP_CANDLES,
    PreviewCache,
    PreviewPeriod,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.saved_triggers import SavedTriggersPresenter
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices

log = logging.getLogger(__name__)

__all__ = [  # FormState and the view protocol live in form.py; re-exported for the view and the tests
    "DEFAULT_MARKET",
    "PREVIEW_CANDLES",
    "WARMUP_CANDLES",
    "FormState",
    "TriggerBuilderPresenter",
    "TriggerBuilderView",
]


def _label(v: VariableDefinition) -> str:
    return f"{tr(v.name_ko, v.name_en)} ({v.variable_id})"


class TriggerBuilderPresenter:
    def __init__(
        self, view: TriggerBuilderView, services: TriggerBuilderServices, runner: BackgroundWork
    ) -> None:
        self._view = view
        self._services = services
        self._runner = runner
        self._catalogue: Catalogue | None = None
        self._busy = False
        self._pending = False
        # evaluators per market/timeframe; its generation drops results computed on replaced data
        self._preview = PreviewCache(services.candle_reader) if services.candle_reader is not None else None
        self.saved = SavedTriggersPresenter(
            view, services, self.draft, self._load_form, self.new_trigger, lambda: self.catalogue
        )
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
            lambda _job: list(self._services.markets()), self._markets_loaded, self._markets_failed
        )

    def _markets_loaded(self, markets: list[str]) -> None:
        self.markets = list(markets)
        current = self._view.form().market
        shown = self.markets or [DEFAULT_MARKET]
        selected = current if current in shown else shown[0]
        self._view.show_markets(shown, selected)
        if selected != current:
            self.form_changed()

    def _markets_failed(self, exc: Exception) -> None:
        log.warning("could not list the stored candle series: %s", exc)

    def reload(self) -> None:
        """The active profile changed (switch or restore): re-read the catalogue, saved triggers, markets and
        candles, keeping the form when it still makes sense in the new data."""
        self._catalogue = None
        self.invalidate_candles()
        state = self._view.form()
        self._show_catalogue()
        names = {c.name for c in self._services.list_triggers.execute("")}
        if self.saved.editing is not None and self.saved.editing not in names:
            self.saved.set_editing(None)
        try:
            self._load_form(state)
        except (DomainError, ApplicationError, KeyError):
            self.new_trigger()
        self.refresh_saved(self.saved.editing)
        self.load_markets()

    def _item(self, v: VariableDefinition, reason: str = "") -> VariableItem:
        return VariableItem(v.variable_id, _label(v), tr(v.help_ko, v.help_en), not reason, reason)

    # ----- the form -------------------------------------------------------------------------------
    def new_trigger(self) -> None:
        self.saved.set_editing(None)
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
            period = parse_period(*self._view.preview_period())
        except (DomainError, ApplicationError, PeriodError) as exc:
            self._view.show_validation(str(exc))
            return
        self._view.show_validation("")
        self.request_preview(condition, state.market, period)

    def latest_period(self) -> None:
        """Back to the default period: the last PREVIEW_CANDLES candles."""
        self._view.set_preview_period("", "")
        self.form_changed()

    # ----- preview (off the GUI thread) -----------------------------------------------------------
    def request_preview(
        self, condition: TradingCondition, market: str, period: PreviewPeriod | None = None
    ) -> None:
        if self._preview is None:
            self._view.show_preview(None, tr("캔들 데이터가 없습니다", "No candle data available"))
            return
        if self._busy:
            self._pending = True
            return
        self._busy = True
        self._view.set_busy(True)
        preview, catalogue = self._preview, self.catalogue
        generation = preview.generation
        self._runner.submit(
            lambda _job: (generation, preview.compute(catalogue, condition, market, generation, period)),
            self._preview_done,
            self._preview_failed,
        )

    def _preview_done(self, outcome: tuple[int, PreviewData | str]) -> None:
        generation, result = outcome
        self._finish()
        if self._preview is not None and generation != self._preview.generation:  # data replaced since
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

    def _preview_failed(self, exc: Exception) -> None:
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
        if self._preview is not None:
            self._preview.invalidate()

    # ----- saved triggers (SavedTriggersPresenter) ----------------------------------------------------
    def refresh_saved(self, selected: str | None = None) -> None:
        self.saved.refresh(selected)

    def search_changed(self) -> None:
        self.saved.search_changed()

    def save(self) -> bool:
        return self.saved.save()

    def saved_selected(self, name: str | None = None) -> None:
        self.saved.open(name)

    def duplicate(self) -> None:
        self.saved.duplicate()

    def delete(self) -> None:
        self.saved.delete()

    def export(self) -> None:
        self.saved.export()

    def import_(self) -> None:
        self.saved.import_()


PURPOSE_ORDER = [p.value for p in Purpose]
