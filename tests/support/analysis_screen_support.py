"""The analysis screen's services over a ``strategy_app_support.world()`` (real use cases on the in-memory
stores and synthetic candles, reports written to real files) and a view that records what the presenter
shows. Loaded by path: ``load_support("analysis_screen_support")`` (tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.export_report import ExportReport
from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.analysis.monte_carlo import RunMonteCarlo
from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.market_data.dto import SeriesInfo
from upbit_auto_trading.infrastructure.files.file_set import write_text_files
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.report import ReportWriter


class SeriesCatalog:
    """Which series the world's candle reader holds (the candle store's ``series()``)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader

    def series(self) -> list[SeriesInfo]:
        return [
            SeriesInfo(s.market, s.timeframe, int(s.start[0]), int(s.start[-1]), len(s))
            for s in self.reader.series.values()
            if len(s)
        ]


def services(w: SimpleNamespace) -> AnalysisServices:
    return AnalysisServices(
        list_runs=ListRuns(w.runs),
        get_run=GetRun(w.runs),
        open_run=w.open_run,
        delete_run=DeleteRun(w.runs),
        analyse_run=AnalyseRun(w.runs, w.reader),
        monte_carlo=RunMonteCarlo(w.runs),
        fill_sensitivity=FillSensitivity(w.runs, w.reader, SeriesCatalog(w.reader)),
        export_report=ExportReport(w.runs, w.reader, ReportWriter(), write_text_files),
    )


class RecordingView:
    """Every ``AnalysisView`` call the presenter makes, kept for the test to read."""

    def __init__(self) -> None:
        self.items: list = []
        self.checked: list[int] = []
        self.current: int | None = None
        self.comparison = None
        self.curves: list = []
        self.answer = True
        self.errors: list[str] = []
        self.busy: list = []
        self.panels = None
        self.card = None
        self.window = 90
        self.sensitivity = None
        self.monte_carlo = None
        self.mc_inputs = ("1000", "20")
        self.report_file: str | None = None
        self.asked: list[str] = []
        self.csv = False
        self.export = None
        self.status: list[str] = []

    def show_runs(self, items, checked) -> None:  # noqa: ANN001
        self.items, self.checked = list(items), list(checked)

    def checked_run_ids(self) -> list[int]:
        return list(self.checked)

    def current_run_id(self):  # noqa: ANN201
        return self.current

    def show_comparison(self, comparison) -> None:  # noqa: ANN001
        self.comparison = comparison

    def show_curves(self, curves) -> None:  # noqa: ANN001
        self.curves = list(curves)

    def confirm(self, question: str) -> bool:
        return self.answer

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_busy(self, state) -> None:  # noqa: ANN001
        self.busy.append(state)

    def show_analysis(self, panels) -> None:  # noqa: ANN001
        self.panels = panels

    def show_metrics(self, card) -> None:  # noqa: ANN001
        self.card = card

    def rolling_window(self) -> int:
        return self.window

    def show_sensitivity(self, panel) -> None:  # noqa: ANN001
        self.sensitivity = panel

    def show_monte_carlo(self, panel) -> None:  # noqa: ANN001
        self.monte_carlo = panel

    def monte_carlo_inputs(self) -> tuple[str, str]:
        return self.mc_inputs

    def ask_report_file(self, suggested_name: str) -> str | None:
        self.asked.append(suggested_name)
        return self.report_file

    def export_csv_wanted(self) -> bool:
        return self.csv

    def show_export(self, state) -> None:  # noqa: ANN001
        self.export = state

    def show_status(self, message: str) -> None:
        self.status.append(message)
