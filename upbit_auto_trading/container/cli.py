"""The CLI's composition: the one place that reads the container's providers for the command line.

``open_cli_services`` builds and starts the application for one command; ``cli_services`` hands a built
container's providers to the commands as the typed groups of ``presentation/cli/services.py``. Nothing is
built here: each field is a provider (or a small function over providers), called only by the command
that needs it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.ports.candle_page_fetcher import CandlePageFetcher
from upbit_auto_trading.container import ApplicationContainer
from upbit_auto_trading.presentation.cli.services import (
    AnalysisServices,
    CliServices,
    ClosingCandleFetcher,
    EventServices,
    KeyServices,
    LoopbackServer,
    MarketDataServices,
    ProfileServices,
    ReportServices,
    RobustnessServices,
    StrategyServices,
    SystemServices,
    TradingServices,
    TriggerServices,
)

if TYPE_CHECKING:
    from upbit_auto_trading.application.trading.engine import TradingEngine


def open_cli_services(home: str | Path | None, profile: str | None) -> CliServices:
    """The application for one command: configuration, log file, migrated databases, start-up steps."""
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.logging_setup import configure_logging
    from upbit_auto_trading.container.startup import startup

    # the commands run no event bus for their data changes (`trade run` starts one for trading events only)
    container = build_container(home=home, profile=profile, runs_bus=False)
    configure_logging(container, console=False)
    startup(container)
    return cli_services(container)


def cli_services(container: ApplicationContainer) -> CliServices:
    """The commands' view of a built (and started) container."""
    return CliServices(
        system=_system(container),
        keys=_keys(container),
        profiles=_profiles(container),
        triggers=_triggers(container),
        strategies=_strategies(container),
        market_data=_market_data(container),
        trading=_trading(container),
        events=_events(container),
        robustness=_robustness(container),
        loopback_server=_LoopbackServers(container),
        analysis=_analysis(container),
        report=ReportServices(export_report=container.strategies.export_report),
    )


def _system(c: ApplicationContainer) -> SystemServices:
    return SystemServices(get_system_info=c.core.get_system_info, check_databases=c.core.check_databases)


def _keys(c: ApplicationContainer) -> KeyServices:
    s = c.secrets
    return KeyServices(
        save_api_keys=s.save_api_keys,
        get_api_key_status=s.get_api_key_status,
        unlock_api_keys=s.unlock_api_keys,
        delete_api_keys=s.delete_api_keys,
        active_environment=c.core.active_environment,
    )


def _profiles(c: ApplicationContainer) -> ProfileServices:
    p = c.profiles
    return ProfileServices(
        list_profiles=p.list_profiles,
        create_profile=p.create_profile,
        edit_profile=p.edit_profile,
        change_location=p.change_location,
        delete_profile=p.delete_profile,
        switch_profile=p.switch_profile,
        create_backup=p.create_backup,
        list_backups=p.list_backups,
        verify_backup=p.verify_backup,
        restore_backup=p.restore_backup,
        delete_backup=p.delete_backup,
        export_backup=p.export_backup,
        import_backup=p.import_backup,
    )


def _triggers(c: ApplicationContainer) -> TriggerServices:
    t = c.triggers
    return TriggerServices(
        list_catalogue=t.list_catalogue,
        list_triggers=t.list_triggers,
        get_trigger=t.get_trigger,
        find_trigger_users=t.find_trigger_users,
        create_trigger=t.create_trigger,
        edit_trigger=t.edit_trigger,
        delete_trigger=t.delete_trigger,
        evaluate_trigger=t.evaluate_trigger,
        export_triggers=t.export_triggers,
        import_triggers=t.import_triggers,
    )


def _strategies(c: ApplicationContainer) -> StrategyServices:
    s = c.strategies
    return StrategyServices(
        list_strategies=s.list_strategies,
        get_strategy=s.get_strategy,
        list_versions=s.list_versions,
        create_strategy=s.create_strategy,
        import_strategy=s.import_strategy,
        export_strategy=s.export_strategy,
        duplicate_strategy=s.duplicate_strategy,
        delete_strategy=s.delete_strategy,
        run_backtest=s.run_backtest,
        list_runs=s.list_runs,
        get_run=s.get_run,
        rerun_backtest=s.rerun_backtest,
        delete_run=s.delete_run,
    )


def _analysis(c: ApplicationContainer) -> AnalysisServices:
    s = c.strategies
    return AnalysisServices(
        analyse_run=s.analyse_run,
        run_monte_carlo=s.run_monte_carlo,
        compare_runs=s.compare_runs,
        get_run=s.get_run,
        fill_sensitivity=s.fill_sensitivity,
    )


def _market_data(c: ApplicationContainer) -> MarketDataServices:
    md = c.market_data

    def candle_fetcher(api_url: str | None) -> ClosingCandleFetcher:
        fetcher: ClosingCandleFetcher = md.candle_fetcher(api_url=api_url)
        return fetcher

    def download_candles(fetcher: CandlePageFetcher) -> DownloadCandles:
        use_case: DownloadCandles = md.download_candles(fetcher=fetcher)
        return use_case

    return MarketDataServices(
        list_series=md.list_series,
        import_candles=md.import_candles,
        resample_series=md.resample_series,
        find_gaps=md.find_gaps,
        delete_series=md.delete_series,
        candle_fetcher=candle_fetcher,
        download_candles=download_candles,
    )


def _trading(c: ApplicationContainer) -> TradingServices:
    t = c.trading

    def engine(bus: EventBus | None = None) -> TradingEngine:  # a Singleton: the first call decides the bus
        built: TradingEngine = t.engine(bus=bus)
        return built

    async def start_bus() -> EventBus:
        bus: EventBus = c.event_bus.bus()
        await bus.start()
        try:
            c.event_bus.gate()  # follows TradingStarted/Completed: holds config changes in-process
            c.profiles.trading_marker().attach(bus)  # other processes see our live trades
        except BaseException:
            await bus.stop()
            raise
        return bus

    return TradingServices(
        engine=engine,
        engine_lock=t.engine_lock,
        journal=t.journal,
        review=t.review,
        shadow_backtest=t.shadow_backtest,
        promotion_check=t.promotion_check,
        export_drift_csv=t.export_drift_csv,
        start_bus=start_bus,
    )


def _events(c: ApplicationContainer) -> EventServices:
    e = c.event_bus
    return EventServices(bus=e.bus, gate=e.gate, dead_letters=e.dead_letter_store)


def _robustness(c: ApplicationContainer) -> RobustnessServices:
    r = c.robustness
    return RobustnessServices(
        run_sweep=r.run_sweep,
        resume_sweep=r.resume_sweep,
        rerun_sweep=r.rerun_sweep,
        get_sweep=r.get_sweep,
        list_studies=r.list_studies,
        delete_study=r.delete_study,
        list_parameters=r.list_parameters,
        run_walk_forward=r.run_walk_forward,
        get_walk_forward=r.get_walk_forward,
    )


class _LoopbackServers:
    """``sim-server``'s server: over the profile's stored candles unless it replays a random walk."""

    def __init__(self, container: ApplicationContainer) -> None:
        self._container = container

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
        reader = None if synthetic else self._container.market_data.candle_reader()
        factory = self._container.upbit.sim_server_factory(candle_reader=reader)
        server: LoopbackServer = factory(
            port=port, markets=markets, timeframe=timeframe, synthetic=synthetic, limit=limit,
            visible=visible, krw=krw,
        )  # fmt: skip
        return server
