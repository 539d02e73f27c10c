"""Plain data passed from the presenter to the view, and the services the presenter uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from upbit_auto_trading.application.trigger.candle_source import ResamplingCandleStore
from upbit_auto_trading.domain.trigger.variables import ParameterDefinition

MAIN = "main"
TARGET = "target"


@dataclass(frozen=True)
class VariableItem:
    variable_id: str
    label: str
    help_text: str
    enabled: bool = True
    reason: str = ""


@dataclass(frozen=True)
class PurposeGroup:
    purpose: str
    label: str
    variables: Sequence[VariableItem]


@dataclass(frozen=True)
class ParameterField:
    definition: ParameterDefinition
    label: str
    help_text: str
    placeholder: str
    value: Any


@dataclass(frozen=True)
class SavedRow:
    name: str
    summary: str
    timeframe: str


@dataclass
class PreviewData:
    times: np.ndarray  # epoch seconds
    close: np.ndarray
    variable: np.ndarray | None
    variable_label: str
    overlay: bool  # True: on the price pane; False: own pane
    target: np.ndarray | None  # a series on the same pane as the variable, or None
    target_value: float | None  # a fixed value (horizontal line)
    target_label: str
    fired: np.ndarray  # indices into times
    note: str = ""  # e.g. "needs a position"
    markers_on_price: bool = True
    caption: str = ""  # which candles: market, timeframe (or "4h resampled from 1h"), period, count

    @property
    def count(self) -> int:
        return int(self.fired.shape[0])


@dataclass
class TriggerBuilderServices:
    """Use cases (from the container) and the candle store the preview reads (stored series, and finer ones
    to resample in memory)."""

    list_catalogue: Any
    list_triggers: Any
    create_trigger: Any
    edit_trigger: Any
    delete_trigger: Any
    duplicate_trigger: Any
    export_triggers: Any
    import_triggers: Any
    candle_reader: ResamplingCandleStore | None
    markets: Callable[[], Sequence[str]] = field(default=lambda: ["KRW-BTC"])
    trigger_users: Any = None  # FindTriggerUsers: strategies using a trigger (asked before rename/delete)


class BackgroundRunner(Protocol):
    """Run ``work`` off the GUI thread; call ``done(result)`` or ``failed(exc)`` back on the GUI thread."""

    def submit(
        self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> None: ...


class ImmediateRunner:
    """Runs work synchronously (tests, benchmarks)."""

    def submit(
        self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> None:
        try:
            result = work()
        except Exception as exc:  # handed to the presenter, which shows it
            failed(exc)
            return
        done(result)
