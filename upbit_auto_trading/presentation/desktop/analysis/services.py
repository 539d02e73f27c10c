"""What the analysis screen works with: the stored runs, their analysis, the fill sensitivity, Monte Carlo and
report export use cases, and its background work. Filled in by ``container/screens.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.export_report import ExportReport
from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.analysis.monte_carlo import RunMonteCarlo
from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.open_run import OpenRun
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork
from upbit_auto_trading.presentation.desktop.robustness.services import RobustnessServices


@dataclass(frozen=True)
class AnalysisServices:
    list_runs: ListRuns
    get_run: GetRun
    open_run: OpenRun  # the equity curve of each compared run
    delete_run: DeleteRun
    analyse_run: AnalyseRun
    monte_carlo: RunMonteCarlo
    fill_sensitivity: FillSensitivity
    export_report: ExportReport
    # made with the screen's widget as its owner (one for the analyses, one for the long tasks): results reach
    # the GUI thread while the screen lives
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork
    # the Robustness section (sweeps, walk-forward, overfitting card), a second page of the tab; None: no page
    robustness: RobustnessServices | None = None
