"""What the Robustness section works with: the strategies and stored series to choose from, the sweep and
walk-forward use cases and the study store's, the Ray address Settings gives by default, and the background
runners. Filled in by ``container/screens.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.robustness.list_parameters import ListSweepParameters
from upbit_auto_trading.application.robustness.rerun_sweep import RerunSweep
from upbit_auto_trading.application.robustness.resume_sweep import ResumeSweep
from upbit_auto_trading.application.robustness.run_sweep import RunSweep
from upbit_auto_trading.application.robustness.studies import DeleteStudy, GetSweep, ListStudies
from upbit_auto_trading.application.robustness.walk_forward import GetWalkForward, RunWalkForward
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


def no_ray_address() -> str:
    return ""


@dataclass(frozen=True)
class RobustnessServices:
    list_strategies: ListStrategies
    list_series: ListSeries
    list_parameters: ListSweepParameters
    run_sweep: RunSweep
    resume_sweep: ResumeSweep
    rerun_sweep: RerunSweep
    get_sweep: GetSweep
    run_walk_forward: RunWalkForward
    get_walk_forward: GetWalkForward
    list_studies: ListStudies
    delete_study: DeleteStudy
    # Settings > General's default Ray address ("" = local processes); read when the section is built
    ray_address: Callable[[], str] = no_ray_address
    # two runners per section, both owned by its widget: one for sweeps (long), one for reading stored
    # studies, so a study can be opened while a sweep runs
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork
