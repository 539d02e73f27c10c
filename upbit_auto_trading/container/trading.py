"""Trading providers: the journal, sessions and review list (SQLite), the adapter factory (loopback or
Upbit) and the engine. The engine is a Singleton per process; start its sessions on the running loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.infrastructure.sqlite.trading_journal import SqliteOrderJournal
from upbit_auto_trading.infrastructure.sqlite.trading_review import SqliteReviewList
from upbit_auto_trading.infrastructure.sqlite.trading_sessions import SqliteSessionStore


def _paper_dir(session: Any) -> Path:
    """The loopback exchange's files live beside the profile's databases (they move with the profile)."""
    return Path(session.paths()["strategies"]).parent / "paper"


def _adapter_factory(candles: Any, session: Any, credentials: Any, config: dict[str, Any], store: Any) -> Any:
    from upbit_auto_trading.infrastructure.trading.adapters import TradingAdapterFactory

    upbit = config or {}

    def save(candle: Any) -> None:
        store.upsert([candle])

    return TradingAdapterFactory(
        candles=candles,
        paper_dir=lambda: _paper_dir(session),
        credentials=credentials,
        api_url=str(upbit.get("api_url") or "https://api.upbit.com"),
        websocket_url=str(upbit.get("websocket_url") or "wss://api.upbit.com/websocket/v1"),
        timeout=float(upbit.get("timeout") or 10.0),
        candle_saver=save,
    )


def _engine_lock(session: Any) -> Any:
    from upbit_auto_trading.infrastructure.trading.engine_lock import ENGINE_LOCK_NAME, EngineLock

    return EngineLock(Path(session.paths()["strategies"]).parent / ENGINE_LOCK_NAME)


def _watchdog_folder(session: Any) -> Path:
    from upbit_auto_trading.infrastructure.trading.watchdog_files import watchdog_dir

    return watchdog_dir(Path(session.paths()["strategies"]).parent)


def _watchdog(session: Any, paths: Any, profile_id: Any, settings: dict[str, Any] | None) -> Any:
    """A watchdog process per live session (docs/trading-engine.md, "Dead-man watchdog")."""
    from upbit_auto_trading.infrastructure.trading.watchdog_process import WatchdogProcesses

    settings = settings or {}
    return WatchdogProcesses(
        folder=lambda: _watchdog_folder(session), home=paths.home, profile=profile_id,
        timeout=float(settings.get("timeout_seconds") or 30.0), flatten=bool(settings.get("flatten")),
        enabled=settings.get("enabled") is not False,
    )  # fmt: skip


def _engine(risk: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    from upbit_auto_trading.application.trading.engine import TradingEngine
    from upbit_auto_trading.domain.trading.risk import RiskLimits

    return TradingEngine(risk_limits=RiskLimits.from_mapping(risk or {}), **kwargs)


def _live_guard(profile_id: Any, environment: Any, vault: Any) -> Any:
    from upbit_auto_trading.application.trading.live_guard import ProfileLiveGuard

    # the profile and its environment are read at each check: after a profile switch, the new one's
    return ProfileLiveGuard(profile_id=profile_id, environment=environment, has_keys=lambda: vault.load() is not None)


def _drift(**kwargs: Any) -> Any:
    from upbit_auto_trading.application.trading.drift import ShadowBacktest

    return ShadowBacktest(**kwargs)


def _promotion_check(**kwargs: Any) -> Any:
    from upbit_auto_trading.application.trading.promotion import PromotionCheck

    return PromotionCheck(**kwargs)


def _export_drift_csv() -> Any:
    from upbit_auto_trading.application.trading.drift_export import ExportDriftCsv
    from upbit_auto_trading.infrastructure.trading.report_files import write_report_text

    return ExportDriftCsv(write=write_report_text)


class TradingContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Configuration()
    market_data = providers.DependenciesContainer()
    triggers = providers.DependenciesContainer()
    strategies = providers.DependenciesContainer()
    upbit = providers.DependenciesContainer()
    event_bus = providers.DependenciesContainer()
    secrets = providers.DependenciesContainer()

    journal = providers.Singleton(SqliteOrderJournal, session=core.database_session)
    sessions = providers.Singleton(SqliteSessionStore, session=core.database_session)
    review = providers.Singleton(SqliteReviewList, session=core.database_session)

    adapters = providers.Singleton(
        _adapter_factory,
        candles=market_data.candle_reader,
        session=core.database_session,
        credentials=upbit.credentials.provider,
        config=config.upbit,
        store=market_data.candle_store,
    )
    live_guard = providers.Singleton(
        _live_guard,
        profile_id=core.active_profile_id.provider,
        environment=core.active_environment.provider,
        vault=secrets.vault,
    )
    engine_lock = providers.Factory(_engine_lock, session=core.database_session)
    watchdog_folder = providers.Callable(_watchdog_folder, session=core.database_session)
    watchdog = providers.Singleton(
        _watchdog, session=core.database_session, paths=core.app_paths,
        profile_id=core.active_profile_id.provider, settings=config.trading.watchdog,
    )
    # ``bus`` is given by the caller that runs one (the desktop session, ``trade run``).
    engine = providers.Singleton(
        _engine,
        strategies=strategies.strategy_repository,
        triggers=triggers.trigger_repository,
        candles=market_data.candle_reader,
        journal=journal,
        sessions=sessions,
        review=review,
        adapters=adapters,
        risk=config.trading.risk,
        live_guard=live_guard,
        watchdog=watchdog,
    )
    shadow_backtest = providers.Factory(
        _drift,
        sessions=sessions,
        journal=journal,
        strategies=strategies.strategy_repository,
        triggers=triggers.trigger_repository,
        candles=market_data.candle_reader,
    )
    promotion_check = providers.Factory(
        _promotion_check,
        sessions=sessions,
        journal=journal,
        strategies=strategies.strategy_repository,
        drift=shadow_backtest,
    )
    export_drift_csv = providers.Factory(_export_drift_csv)
