"""Strategies and backtests: repositories, use cases, the run queue and the sample seeding."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.compare_runs import CompareRuns
from upbit_auto_trading.application.analysis.export_report import ExportReport
from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.analysis.monte_carlo import RunMonteCarlo
from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.open_run import OpenRun
from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.backtest.queue import BacktestQueue
from upbit_auto_trading.application.backtest.rerun_backtest import RerunBacktest
from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.strategy.create_strategy import CreateStrategy
from upbit_auto_trading.application.strategy.delete_strategy import DeleteStrategy
from upbit_auto_trading.application.strategy.duplicate_strategy import DuplicateStrategy
from upbit_auto_trading.application.strategy.export_strategy import ExportStrategy
from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
from upbit_auto_trading.application.strategy.import_strategy import ImportStrategy
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.application.strategy.list_versions import ListStrategyVersions
from upbit_auto_trading.application.strategy.save_strategy_version import SaveStrategyVersion
from upbit_auto_trading.application.strategy.seed_samples import SeedSampleStrategies
from upbit_auto_trading.application.strategy.validate_strategy import ValidateStrategy
from upbit_auto_trading.infrastructure.backtest.process_engine import ProcessEngine
from upbit_auto_trading.infrastructure.backtest.thread_pool import ThreadWorkerPool
from upbit_auto_trading.infrastructure.sqlite.backtest_repository import SqliteBacktestRepository
from upbit_auto_trading.infrastructure.sqlite.strategy_repository import (
    SqliteStrategyRepository,
    SqliteStrategySeedLedger,
)


def _queue(run: RunBacktest) -> BacktestQueue:
    return BacktestQueue(run.execute, ThreadWorkerPool(workers=1))


def _export_report(runs: BacktestRepository, candles: CandleReader) -> ExportReport:
    """The report export with the presentation's HTML/CSV writer and the all-or-nothing file writer
    (imported when a report is exported, not at every start)."""
    from upbit_auto_trading.infrastructure.files.file_set import write_text_files
    from upbit_auto_trading.presentation.report import ReportWriter

    return ExportReport(runs=runs, candles=candles, renderer=ReportWriter(), write=write_text_files)


class StrategiesContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    market_data = providers.DependenciesContainer()  # candle_reader
    triggers = providers.DependenciesContainer()  # trigger_repository, catalogue_repository
    event_bus = providers.DependenciesContainer()  # publisher(): saves, deletes and finished runs are announced

    publisher = event_bus.publisher

    strategy_repository = providers.Singleton(SqliteStrategyRepository, session=core.database_session)
    seed_ledger = providers.Singleton(SqliteStrategySeedLedger, session=core.database_session)
    backtest_repository = providers.Singleton(SqliteBacktestRepository, session=core.database_session)
    engine = providers.Singleton(ProcessEngine)

    list_strategies = providers.Factory(ListStrategies, strategies=strategy_repository)
    get_strategy = providers.Factory(GetStrategy, strategies=strategy_repository)
    list_versions = providers.Factory(ListStrategyVersions, strategies=strategy_repository)
    create_strategy = providers.Factory(
        CreateStrategy,
        strategies=strategy_repository,
        triggers=triggers.trigger_repository,
        publisher=publisher,
    )
    save_strategy_version = providers.Factory(
        SaveStrategyVersion,
        strategies=strategy_repository,
        triggers=triggers.trigger_repository,
        publisher=publisher,
    )
    duplicate_strategy = providers.Factory(
        DuplicateStrategy, strategies=strategy_repository, publisher=publisher
    )
    delete_strategy = providers.Factory(DeleteStrategy, strategies=strategy_repository, publisher=publisher)
    export_strategy = providers.Factory(ExportStrategy, strategies=strategy_repository)
    import_strategy = providers.Factory(
        ImportStrategy,
        strategies=strategy_repository,
        triggers=triggers.trigger_repository,
        publisher=publisher,
    )
    validate_strategy = providers.Factory(ValidateStrategy, triggers=triggers.trigger_repository)
    seed_samples = providers.Factory(
        SeedSampleStrategies,
        strategies=strategy_repository,
        ledger=seed_ledger,
        triggers=triggers.trigger_repository,
        catalogue=triggers.catalogue_repository,
    )

    run_backtest = providers.Factory(
        RunBacktest,
        strategies=strategy_repository,
        triggers=triggers.trigger_repository,
        candles=market_data.candle_reader,
        runs=backtest_repository,
        engine=engine,
        publisher=publisher,
    )
    rerun_backtest = providers.Factory(
        RerunBacktest, runs=backtest_repository, candles=market_data.candle_reader, engine=engine
    )
    list_runs = providers.Factory(ListRuns, runs=backtest_repository)
    get_run = providers.Factory(GetRun, runs=backtest_repository)
    open_run = providers.Factory(OpenRun, runs=backtest_repository, candles=market_data.candle_reader)
    analyse_run = providers.Factory(AnalyseRun, runs=backtest_repository, candles=market_data.candle_reader)
    run_monte_carlo = providers.Factory(RunMonteCarlo, runs=backtest_repository)
    compare_runs = providers.Factory(CompareRuns, runs=backtest_repository)
    fill_sensitivity = providers.Factory(
        FillSensitivity,
        runs=backtest_repository,
        candles=market_data.candle_reader,
        catalog=market_data.candle_store,  # which finer series are stored, for the path replay
    )
    export_report = providers.Factory(_export_report, runs=backtest_repository, candles=market_data.candle_reader)
    delete_run = providers.Factory(DeleteRun, runs=backtest_repository, publisher=publisher)
    backtest_queue = providers.Singleton(_queue, run=run_backtest)
