"""Compare stored runs: one table row per run (settings and metrics, a run over another period flagged),
equity curves normalised to 1.0; delete runs. No Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from upbit_auto_trading.presentation.desktop.analysis.comparison import Comparison, compare
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.backtest.model import kst
from upbit_auto_trading.presentation.desktop.i18n import tr

__all__ = ["AnalysisPresenter", "AnalysisServices", "AnalysisView", "Comparison", "Curve", "RunItem"]

MAX_COMPARED = 8


@dataclass(frozen=True)
class RunItem:
    run_id: int
    label: str


@dataclass(frozen=True, eq=False)
class Curve:
    run_id: int
    label: str
    time: np.ndarray  # epoch seconds
    value: np.ndarray  # equity / starting equity


class AnalysisView(Protocol):
    def show_runs(self, items: Sequence[RunItem], checked: Sequence[int]) -> None: ...
    def checked_run_ids(self) -> list[int]: ...
    def current_run_id(self) -> int | None: ...
    def show_comparison(self, comparison: Comparison) -> None: ...
    def show_curves(self, curves: Sequence[Curve]) -> None: ...
    def confirm(self, question: str) -> bool: ...
    def show_error(self, message: str) -> None: ...


class AnalysisPresenter:
    def __init__(self, view: AnalysisView, services: AnalysisServices) -> None:
        self.view = view
        self.services = services
        self._curve_cache: dict[int, Curve] = {}

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            runs = self.services.list_runs.execute()
            items = [
                RunItem(
                    r.run_id,
                    f"#{r.run_id} {r.strategy_name} | {r.market} {r.timeframe} | "
                    f"{kst(r.data_start)[:10]} ~ {kst(r.data_end)[:10]} KST",
                )  # fmt: skip
                for r in runs
            ]
            ids = {r.run_id for r in runs}
            checked = [i for i in self.view.checked_run_ids() if i in ids]
            self._curve_cache = {k: v for k, v in self._curve_cache.items() if k in ids}
            self.view.show_runs(items, checked)
            self.selection_changed()
        except Exception as exc:
            self.view.show_error(str(exc))

    def selection_changed(self) -> None:
        ids = self.view.checked_run_ids()[:MAX_COMPARED]
        try:
            stored = [self.services.get_run.execute(i) for i in ids]
            comparison = compare(stored)
            self.view.show_comparison(comparison)
            self.view.show_curves(
                [self._curve(s.run_id, label) for s, label in zip(stored, comparison.run_labels, strict=True)]
            )
        except Exception as exc:
            self.view.show_error(str(exc))

    def _curve(self, run_id: int, label: str) -> Curve:
        cached = self._curve_cache.get(run_id)
        if cached is None:
            charts = self.services.open_run.execute(run_id)
            eq = np.asarray(charts.equity, dtype=float)
            start = float(charts.stored.record.settings.get("initial_capital") or (eq[0] if len(eq) else 1.0))
            cached = Curve(run_id, label, np.asarray(charts.start, dtype=float), eq / start)
            self._curve_cache[run_id] = cached
        return cached

    def delete_current(self) -> None:
        run_id = self.view.current_run_id()
        if run_id is None:
            return
        if not self.view.confirm(tr(f"저장된 실행 #{run_id}을 삭제할까요?", f"Delete stored run #{run_id}?")):
            return
        try:
            self.services.delete_run.execute(run_id)
        except Exception as exc:
            self.view.show_error(str(exc))
        self.refresh()
