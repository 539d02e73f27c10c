"""Robustness: parameter sweeps, walk-forward analysis and the overfitting card; the study store and the
executors (local processes or Ray) and the optional Optuna sampler."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.robustness.list_parameters import ListSweepParameters
from upbit_auto_trading.application.robustness.preparation import InputLoader
from upbit_auto_trading.application.robustness.rerun_sweep import RerunSweep
from upbit_auto_trading.application.robustness.resume_sweep import ResumeSweep
from upbit_auto_trading.application.robustness.run_sweep import RunSweep
from upbit_auto_trading.application.robustness.studies import DeleteStudy, GetSweep, ListStudies
from upbit_auto_trading.application.robustness.walk_forward import GetWalkForward, RunWalkForward
from upbit_auto_trading.infrastructure.robustness.executors import SweepExecutors
from upbit_auto_trading.infrastructure.robustness.optuna_sampler import OptunaSamplers
from upbit_auto_trading.infrastructure.robustness.study_store import SqliteStudyStore


class RobustnessContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    market_data = providers.DependenciesContainer()  # candle_reader
    triggers = providers.DependenciesContainer()  # trigger_repository, catalogue_repository
    strategies = providers.DependenciesContainer()  # strategy_repository

    study_store = providers.Singleton(SqliteStudyStore, session=core.database_session)
    executors = providers.Singleton(SweepExecutors)
    optuna = providers.Singleton(OptunaSamplers)  # imports Optuna only when a sweep asks for it
    loader = providers.Factory(
        InputLoader,
        strategies=strategies.strategy_repository,
        triggers=triggers.trigger_repository,
        catalogue=triggers.catalogue_repository,
    )

    run_sweep = providers.Factory(
        RunSweep, loader=loader, candles=market_data.candle_reader, store=study_store, executors=executors,
        optuna=optuna,
    )  # fmt: skip
    resume_sweep = providers.Factory(
        ResumeSweep, loader=loader, candles=market_data.candle_reader, store=study_store, executors=executors,
        optuna=optuna,
    )  # fmt: skip
    rerun_sweep = providers.Factory(
        RerunSweep, loader=loader, candles=market_data.candle_reader, store=study_store, executors=executors
    )
    run_walk_forward = providers.Factory(
        RunWalkForward, loader=loader, candles=market_data.candle_reader, store=study_store, executors=executors
    )
    get_sweep = providers.Factory(GetSweep, store=study_store)
    get_walk_forward = providers.Factory(GetWalkForward, store=study_store)
    list_studies = providers.Factory(ListStudies, store=study_store)
    delete_study = providers.Factory(DeleteStudy, store=study_store)
    list_parameters = providers.Factory(ListSweepParameters, loader=loader)
