"""Plain data passed from the presenter to the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    # which period: "latest" (the newest candles), "until" (the last ones up to a chosen end), "range" (from a
    # chosen start); the count line words it, as the caption words the dates
    period: str = "latest"

    @property
    def count(self) -> int:
        return int(self.fired.shape[0])
