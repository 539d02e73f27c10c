"""What the CLI's commands may use: one frozen dataclass per command group, each field a factory typed by
the application use case (or a port) it returns.

The composition root fills these in (its ``cli`` module); commands see only these types, never a provider.
Filling them in builds nothing: a command builds only the use cases it calls.

This module is imported by the composition root and by type checkers, not by the commands at run time
(``context.py`` imports it under TYPE_CHECKING), so ``--help`` does not pay for the imports below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.compare_runs import CompareRuns
from upbit_auto_trading.application.analysis.export_report import ExportReport
from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.analysis.monte_carlo import RunMonteCarlo
from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.rerun_backtest import RerunBacktest
from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.application.credentials.manage_api_keys import (
    DeleteApiKeys,
    GetApiKeyStatus,
    SaveApiKeys,
    UnlockApiKeys,
)
from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.application.event_bus.ports import DeadLetterStore
from upbit_auto_trading.application.market_data.delete_series import DeleteSeries
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.market_data.find_gaps import FindGaps
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.market_data.resample_series import ResampleSeries
from upbit_auto_trading.application.ports.candle_page_fetcher import CandlePageFetcher
from upbit_auto_trading.application.profiles.change_database_location import ChangeDatabaseLocation
from upbit_auto_trading.application.profiles.create_backup import CreateBackup
from upbit_auto_trading.application.profiles.create_profile import CreateProfile
from upbit_auto_trading.application.profiles.delete_backup import DeleteBackup
from upbit_auto_trading.application.profiles.delete_profile import DeleteProfile
from upbit_auto_trading.application.profiles.edit_profile import EditProfile
from upbit_auto_trading.application.profiles.export_backup import ExportBackup
from upbit_auto_trading.application.profiles.import_backup import ImportBackup
from upbit_auto_trading.application.profiles.list_backups import ListBackups
from upbit_auto_trading.application.profiles.list_profiles import ListProfiles
from upbit_auto_trading.application.profiles.restore_backup import RestoreBackup
from upbit_auto_trading.application.profiles.switch_profile import SwitchProfile
from upbit_auto_trading.application.profiles.verify_backup import VerifyBackup
from upbit_auto_trading.application.robustness.list_parameters import ListSweepParameters
from upbit_auto_trading.application.robustness.rerun_sweep import RerunSweep
from upbit_auto_trading.application.robustness.resume_sweep import ResumeSweep
from upbit_auto_trading.application.robustness.run_sweep import RunSweep
from upbit_auto_trading.application.robustness.studies import DeleteStudy, GetSweep, ListStudies
from upbit_auto_trading.application.robustness.walk_forward import GetWalkForward, RunWalkForward
from upbit_auto_trading.application.strategy.create_strategy import CreateStrategy
from upbit_auto_trading.application.strategy.delete_strategy import DeleteStrategy
from upbit_auto_trading.application.strategy.duplicate_strategy import DuplicateStrategy
from upbit_auto_trading.application.strategy.export_strategy import ExportStrategy
from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
from upbit_auto_trading.application.strategy.import_strategy import ImportStrategy
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.application.strategy.list_versions import ListStrategyVersions
from upbit_auto_trading.application.system.check_databases import CheckDatabases
from upbit_auto_trading.application.system.get_system_info import GetSystemInfo
from upbit_auto_trading.application.trading.ports import OrderJournal, ReviewList
from upbit_auto_trading.application.trigger.create_trigger import CreateTrigger
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.evaluate_trigger import EvaluateTrigger
from upbit_auto_trading.application.trigger.export_triggers import ExportTriggers
from upbit_auto_trading.application.trigger.find_trigger_users import FindTriggerUsers
from upbit_auto_trading.application.trigger.get_trigger import GetTrigger
from upbit_auto_trading.application.trigger.import_triggers import ImportTriggers
from upbit_auto_trading.application.trigger.list_catalogue import ListCatalogue
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers

if TYPE_CHECKING:  # the engine's imports (~0.1 s) are paid only by the trade commands that build it
    from upbit_auto_trading.application.trading.drift import ShadowBacktest
    from upbit_auto_trading.application.trading.drift_export import ExportDriftCsv
    from upbit_auto_trading.application.trading.engine import TradingEngine
    from upbit_auto_trading.application.trading.promotion import PromotionCheck


# ---------------------------------------------------------------------------- shapes the CLI relies on
class EngineLock(Protocol):
    """One process runs a profile's engine at a time (``trade run``, ``resume``, ``stop``)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...

    def held_elsewhere(self) -> bool: ...


class OrderHistory(OrderJournal, Protocol):
    def history(self, identifier: str) -> list[dict[str, Any]]:
        """Every recorded fact of one order, oldest first (``at``, ``state``, ``source``, ``detail``)."""
        ...


class EngineFactory(Protocol):
    def __call__(self, bus: EventBus | None = None) -> TradingEngine:
        """The profile's engine (one per process: the first call decides whether it publishes on ``bus``)."""
        ...


class ClosingCandleFetcher(CandlePageFetcher, Protocol):
    """A fetcher that holds a connection: use it in a ``with`` block."""

    def __enter__(self) -> ClosingCandleFetcher: ...

    def __exit__(self, *exc: object) -> None: ...


class LoopbackAccount(Protocol):
    @property
    def access_key(self) -> str: ...

    @property
    def secret_key(self) -> str: ...


class LoopbackConfig(Protocol):
    @property
    def accounts(self) -> Sequence[LoopbackAccount]: ...


class LoopbackServer(Protocol):
    """The loopback Upbit (REST + WebSocket on 127.0.0.1) that ``sim-server`` runs."""

    @property
    def config(self) -> LoopbackConfig: ...

    @property
    def base_url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...

    async def start_async(self) -> None: ...

    async def stop_async(self) -> None: ...

    def advance(self, market: str, timeframe: str) -> object: ...


class LoopbackServerFactory(Protocol):
    def __call__(
        self,
        *,
        port: int,
        markets: list[str],
        timeframe: str,
        synthetic: bool,
        limit: int,
        visible: int | None,
        krw: Decimal,
    ) -> LoopbackServer:
        """An unstarted server replaying the stored candles of ``markets`` (a random walk if ``synthetic``)."""
        ...


# ---------------------------------------------------------------------------- one group per command module
@dataclass(frozen=True)
class SystemServices:
    get_system_info: Callable[[], GetSystemInfo]
    check_databases: Callable[[], CheckDatabases]


@dataclass(frozen=True)
class KeyServices:
    save_api_keys: Callable[[], SaveApiKeys]
    get_api_key_status: Callable[[], GetApiKeyStatus]
    unlock_api_keys: Callable[[], UnlockApiKeys]
    delete_api_keys: Callable[[], DeleteApiKeys]
    active_environment: Callable[[], str]  # the open profile's: development | testing | production


@dataclass(frozen=True)
class ProfileServices:
    """The profiles feature with its backups (``profiles`` and ``backup``)."""

    list_profiles: Callable[[], ListProfiles]
    create_profile: Callable[[], CreateProfile]
    edit_profile: Callable[[], EditProfile]
    change_location: Callable[[], ChangeDatabaseLocation]
    delete_profile: Callable[[], DeleteProfile]
    switch_profile: Callable[[], SwitchProfile]
    create_backup: Callable[[], CreateBackup]
    list_backups: Callable[[], ListBackups]
    verify_backup: Callable[[], VerifyBackup]
    restore_backup: Callable[[], RestoreBackup]
    delete_backup: Callable[[], DeleteBackup]
    export_backup: Callable[[], ExportBackup]
    import_backup: Callable[[], ImportBackup]


@dataclass(frozen=True)
class TriggerServices:
    """``triggers`` and ``variables``."""

    list_catalogue: Callable[[], ListCatalogue]
    list_triggers: Callable[[], ListTriggers]
    get_trigger: Callable[[], GetTrigger]
    find_trigger_users: Callable[[], FindTriggerUsers]
    create_trigger: Callable[[], CreateTrigger]
    edit_trigger: Callable[[], EditTrigger]
    delete_trigger: Callable[[], DeleteTrigger]
    evaluate_trigger: Callable[[], EvaluateTrigger]
    export_triggers: Callable[[], ExportTriggers]
    import_triggers: Callable[[], ImportTriggers]


@dataclass(frozen=True)
class StrategyServices:
    """``strategies`` and ``backtest``."""

    list_strategies: Callable[[], ListStrategies]
    get_strategy: Callable[[], GetStrategy]
    list_versions: Callable[[], ListStrategyVersions]
    create_strategy: Callable[[], CreateStrategy]
    import_strategy: Callable[[], ImportStrategy]
    export_strategy: Callable[[], ExportStrategy]
    duplicate_strategy: Callable[[], DuplicateStrategy]
    delete_strategy: Callable[[], DeleteStrategy]
    run_backtest: Callable[[], RunBacktest]
    list_runs: Callable[[], ListRuns]
    get_run: Callable[[], GetRun]
    rerun_backtest: Callable[[], RerunBacktest]
    delete_run: Callable[[], DeleteRun]


@dataclass(frozen=True)
class AnalysisServices:
    """``analysis`` and ``montecarlo``: stored runs analysed, compared and Monte-Carlo'd."""

    analyse_run: Callable[[], AnalyseRun]
    run_monte_carlo: Callable[[], RunMonteCarlo]
    compare_runs: Callable[[], CompareRuns]
    get_run: Callable[[], GetRun]
    fill_sensitivity: Callable[[], FillSensitivity]


@dataclass(frozen=True)
class ReportServices:
    """``report export``: stored runs as an HTML report and CSV files."""

    export_report: Callable[[], ExportReport]


@dataclass(frozen=True)
class MarketDataServices:
    """``data`` (and the stored-candle check of ``sim-server``)."""

    list_series: Callable[[], ListSeries]
    import_candles: Callable[[], ImportCandles]
    resample_series: Callable[[], ResampleSeries]
    find_gaps: Callable[[], FindGaps]
    delete_series: Callable[[], DeleteSeries]
    candle_fetcher: Callable[[str | None], ClosingCandleFetcher]  # the Upbit API URL (None: the configured)
    download_candles: Callable[[CandlePageFetcher], DownloadCandles]


@dataclass(frozen=True)
class TradingServices:
    engine: EngineFactory
    engine_lock: Callable[[], EngineLock]
    journal: Callable[[], OrderHistory]
    review: Callable[[], ReviewList]
    shadow_backtest: Callable[[], ShadowBacktest]
    promotion_check: Callable[[], PromotionCheck]  # a strategy's paper record, before a live start
    export_drift_csv: Callable[[], ExportDriftCsv]
    # The bus of a command that runs the engine, started, with the config-change gate and the live-trading
    # marker following it (other processes see the trades). The caller stops it.
    start_bus: Callable[[], Awaitable[EventBus]]


@dataclass(frozen=True)
class EventServices:
    """``events``: the persisted dead letters and held changes; ``bus()`` is unstarted."""

    bus: Callable[[], EventBus]
    gate: Callable[[], ConfigChangeGate]
    dead_letters: Callable[[], DeadLetterStore]


@dataclass(frozen=True)
class RobustnessServices:
    """``sweep`` and ``walkforward``."""

    run_sweep: Callable[[], RunSweep]
    resume_sweep: Callable[[], ResumeSweep]
    rerun_sweep: Callable[[], RerunSweep]
    get_sweep: Callable[[], GetSweep]
    list_studies: Callable[[], ListStudies]
    delete_study: Callable[[], DeleteStudy]
    list_parameters: Callable[[], ListSweepParameters]
    run_walk_forward: Callable[[], RunWalkForward]
    get_walk_forward: Callable[[], GetWalkForward]


@dataclass(frozen=True)
class CliServices:
    system: SystemServices
    keys: KeyServices
    profiles: ProfileServices
    triggers: TriggerServices
    strategies: StrategyServices
    market_data: MarketDataServices
    trading: TradingServices
    events: EventServices
    robustness: RobustnessServices
    loopback_server: LoopbackServerFactory
    analysis: AnalysisServices
    report: ReportServices
