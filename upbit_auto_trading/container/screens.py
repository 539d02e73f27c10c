"""The desktop's composition: the one place that reads the container's providers for the desktop.

``desktop_services`` gives the main window what it shows and one services factory per screen; each factory
builds that screen's typed services (``presentation/desktop/<screen>/services.py``) from the providers when
the screen is built, so a screen rebuilt after a profile switch gets fresh use cases and its own background
runner. The event monitor dock's services come from ``event_monitor_services``. Presentation code sees only
these dataclasses, never the container.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.trading.desk import TradingDesk
from upbit_auto_trading.application.trading.engine_host import EngineHost
from upbit_auto_trading.container import ApplicationContainer
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork
from upbit_auto_trading.presentation.desktop.backtest.services import BacktestServices
from upbit_auto_trading.presentation.desktop.event_monitor.services import EventMonitorServices
from upbit_auto_trading.presentation.desktop.market_data.services import MarketDataServices
from upbit_auto_trading.presentation.desktop.robustness.services import RobustnessServices
from upbit_auto_trading.presentation.desktop.services import DesktopServices, ScreenServices
from upbit_auto_trading.presentation.desktop.settings.api_keys.services import ApiKeysServices
from upbit_auto_trading.presentation.desktop.settings.general_page import RAY_ADDRESS_KEY
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices
from upbit_auto_trading.presentation.desktop.settings.services import SettingsServices
from upbit_auto_trading.presentation.desktop.strategy_maker.services import StrategyMakerServices
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices
from upbit_auto_trading.presentation.desktop.trigger_builder.services import (
    TriggerBuilderServices,
    stored_markets,
)
from upbit_auto_trading.presentation.desktop.ui_state import UiState


def desktop_services(container: ApplicationContainer) -> DesktopServices:
    """The main window's services (the container must be built and started)."""
    core = container.core
    config = container.config
    paths = core.app_paths()
    ui_state = UiState(paths.config_dir)
    return DesktopServices(
        screens=ScreenServices(
            trigger_builder=functools.partial(trigger_builder_services, container),
            strategy_maker=functools.partial(strategy_maker_services, container),
            backtest=functools.partial(backtest_services, container),
            analysis=functools.partial(analysis_services, container),
            market_data=functools.partial(market_data_services, container),
            settings=functools.partial(settings_services, container, ui_state),
            trading=functools.partial(trading_services, container),
        ),
        ui_state=ui_state,
        home=Path(paths.home),
        language=str(config.ui.language() or "auto"),
        theme=str(config.ui.theme() or "light"),
        trading_mode=str(config.trading.mode() or "paper"),
        active_profile=lambda: str(core.active_profile_id()),
        active_environment=lambda: str(core.active_environment()),
        log_lines=core.log_sink(),
        live_sessions=lambda: trading_desk(container).live_count(),
    )


def trigger_builder_services(container: ApplicationContainer) -> TriggerBuilderServices:
    t = container.triggers
    md = container.market_data
    return TriggerBuilderServices(
        list_catalogue=t.list_catalogue(),
        list_triggers=t.list_triggers(),
        create_trigger=t.create_trigger(),
        edit_trigger=t.edit_trigger(),
        delete_trigger=t.delete_trigger(),
        duplicate_trigger=t.duplicate_trigger(),
        export_triggers=t.export_triggers(),
        import_triggers=t.import_triggers(),
        candle_reader=md.candle_reader(),
        markets=stored_markets(md.list_series()),
        trigger_users=t.find_trigger_users(),
        bus=container.event_bus.bus(),
        work=_worker("trigger-preview"),
    )


def strategy_maker_services(container: ApplicationContainer) -> StrategyMakerServices:
    s = container.strategies
    return StrategyMakerServices(
        list_strategies=s.list_strategies(),
        get_strategy=s.get_strategy(),
        create_strategy=s.create_strategy(),
        save_strategy_version=s.save_strategy_version(),
        duplicate_strategy=s.duplicate_strategy(),
        delete_strategy=s.delete_strategy(),
        export_strategy=s.export_strategy(),
        import_strategy=s.import_strategy(),
        validate_strategy=s.validate_strategy(),
        list_triggers=container.triggers.list_triggers(),
        read_text=_read_text,
        write_text=_write_text,
    )


def backtest_services(container: ApplicationContainer) -> BacktestServices:
    s = container.strategies
    return BacktestServices(
        list_strategies=s.list_strategies(),
        list_series=container.market_data.list_series(),
        queue=s.backtest_queue(),
        list_runs=s.list_runs(),
        open_run=s.open_run(),
        delete_run=s.delete_run(),
        work=_worker("backtest-screen"),
    )


def analysis_services(container: ApplicationContainer) -> AnalysisServices:
    s = container.strategies
    return AnalysisServices(
        list_runs=s.list_runs(), get_run=s.get_run(), open_run=s.open_run(), delete_run=s.delete_run(),
        analyse_run=s.analyse_run(), monte_carlo=s.run_monte_carlo(), fill_sensitivity=s.fill_sensitivity(),
        export_report=s.export_report(), work=_worker("analysis"),
        robustness=robustness_services(container),
    )  # fmt: skip


def robustness_services(container: ApplicationContainer) -> RobustnessServices:
    """The Analysis tab's Robustness page; its default Ray address is the one Settings > General keeps."""
    r = container.robustness
    ui_state = UiState(container.core.app_paths().config_dir)
    return RobustnessServices(
        list_strategies=container.strategies.list_strategies(), list_series=container.market_data.list_series(),
        list_parameters=r.list_parameters(), run_sweep=r.run_sweep(), resume_sweep=r.resume_sweep(),
        rerun_sweep=r.rerun_sweep(), get_sweep=r.get_sweep(), run_walk_forward=r.run_walk_forward(),
        get_walk_forward=r.get_walk_forward(), list_studies=r.list_studies(), delete_study=r.delete_study(),
        ray_address=lambda: ui_state.value(RAY_ADDRESS_KEY, ""), work=_worker("robustness"),
    )  # fmt: skip


def market_data_services(container: ApplicationContainer) -> MarketDataServices:
    """The use cases as their providers: the screen makes a new one for each task it runs."""
    md = container.market_data
    return MarketDataServices(
        list_series=md.list_series,
        import_candles=md.import_candles,
        resample_series=md.resample_series,
        delete_series=md.delete_series,
        candle_fetcher=md.candle_fetcher,
        download_candles=md.download_candles,
        candle_reader=md.candle_reader(),
        work=_worker("market-data"),
    )


def settings_services(container: ApplicationContainer, ui_state: UiState) -> SettingsServices:
    return SettingsServices(
        ui_state=ui_state,
        language=str(container.config.ui.language() or "auto"),
        database=database_services(container),
        api_keys=api_keys_services(container),
    )


def database_services(container: ApplicationContainer) -> DatabaseServices:
    p = container.profiles
    return DatabaseServices(
        list_profiles=p.list_profiles(),
        create_profile=p.create_profile(),
        edit_profile=p.edit_profile(),
        delete_profile=p.delete_profile(),
        switch_profile=p.switch_profile(),
        create_backup=p.create_backup(),
        list_backups=p.list_backups(),
        verify_backup=p.verify_backup(),
        restore_backup=p.restore_backup(),
        delete_backup=p.delete_backup(),
        backup_folder=p.backup_store().folder,
        change_location=p.change_location(),
        export_backup=p.export_backup(),
        import_backup=p.import_backup(),
        bus=container.event_bus.bus(),
        work=_worker("database-page"),
    )


def api_keys_services(container: ApplicationContainer) -> ApiKeysServices:
    s = container.secrets
    return ApiKeysServices(
        save_api_keys=s.save_api_keys(),
        get_api_key_status=s.get_api_key_status(),
        delete_api_keys=s.delete_api_keys(),
        unlock_api_keys=s.unlock_api_keys(),
        production=str(container.core.active_environment()) == "production",
    )


_desks: weakref.WeakKeyDictionary[ApplicationContainer, TradingDesk] = weakref.WeakKeyDictionary()


def trading_desk(container: ApplicationContainer) -> TradingDesk:
    """The process's trading desk: one engine, on the application's bus, kept across rebuilds of the tab; it
    runs on the desk's own thread and loop (``EngineHost``), its events reach the bus on the GUI's loop."""
    desk = _desks.get(container)
    if desk is None:
        desk = TradingDesk(
            engine=lambda: container.trading.engine(bus=container.event_bus.bus()),
            lock=container.trading.engine_lock,
            warm_up=_warm_up_kernels,
            host=EngineHost(),  # the engine on a thread and loop of its own, never the GUI's
        )
        _desks[container] = desk
    return desk


async def close_trading(container: ApplicationContainer) -> None:
    """The app is closing: the sessions it runs stay running (detached; the next start resumes them) and the
    engine's thread ends."""
    desk = _desks.get(container)
    if desk is not None:
        await desk.close()


def has_running_sessions(container: ApplicationContainer) -> bool:
    """Sessions stored as running: the Trading tab is built at start-up to resume them, whichever tab shows."""
    return bool(container.trading.sessions().all(running_only=True))


def trading_services(container: ApplicationContainer) -> TradingServices:
    from upbit_auto_trading.application.trading.desk_view import ReadTradingDesk
    from upbit_auto_trading.application.trading.live_check import CheckLiveConnection
    from upbit_auto_trading.infrastructure.trading.live_probe import UpbitAccountProbe

    t = container.trading
    upbit = container.config.upbit() or {}
    probe = UpbitAccountProbe(
        credentials=container.upbit.credentials, api_url=str(upbit.get("api_url") or "https://api.upbit.com"),
        timeout=float(upbit.get("timeout") or 10.0),
    )  # fmt: skip
    return TradingServices(
        desk=trading_desk(container),
        read=ReadTradingDesk(t.sessions(), t.journal(), t.review(), container.market_data.candle_reader()),
        list_strategies=container.strategies.list_strategies(),
        list_series=container.market_data.list_series(),
        shadow_backtest=t.shadow_backtest(),
        export_drift_csv=t.export_drift_csv(),
        promotion_check=t.promotion_check(),
        check_live_connection=CheckLiveConnection(probe),
        bus=container.event_bus.bus(),
        active_profile=lambda: str(container.core.active_profile_id()),
        active_environment=lambda: str(container.core.active_environment()),
        work=_worker("trading"),
    )


def _warm_up_kernels() -> None:
    from upbit_auto_trading.domain.kernels import warm_up_kernels

    warm_up_kernels()


def event_monitor_services(container: ApplicationContainer) -> EventMonitorServices:
    return EventMonitorServices(bus=container.event_bus.bus(), gate=container.event_bus.gate())


def _worker(name: str) -> Callable[[QObject], BackgroundWork]:
    """A screen's background work: one worker thread named ``name``, shut down when its owner (the screen's
    widget) is destroyed."""
    return lambda owner: QtBackgroundWork(owner, name=name)


def _read_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _write_text(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")
