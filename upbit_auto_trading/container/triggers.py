"""Trigger builder: catalogue, saved triggers, evaluation."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.strategy.trigger_references import StrategyTriggerReferences
from upbit_auto_trading.application.trigger.create_trigger import CreateTrigger
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.duplicate_trigger import DuplicateTrigger
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.evaluate_trigger import EvaluateTrigger
from upbit_auto_trading.application.trigger.export_triggers import ExportTriggers
from upbit_auto_trading.application.trigger.find_trigger_users import FindTriggerUsers
from upbit_auto_trading.application.trigger.get_trigger import GetTrigger
from upbit_auto_trading.application.trigger.import_triggers import ImportTriggers
from upbit_auto_trading.application.trigger.list_catalogue import ListCatalogue
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers
from upbit_auto_trading.infrastructure.sqlite.catalogue_repository import SqliteCatalogueRepository
from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import CatalogueSeeder
from upbit_auto_trading.infrastructure.sqlite.strategy_repository import (
    SqliteStrategiesTransaction,
    SqliteStrategyRepository,
)
from upbit_auto_trading.infrastructure.sqlite.trigger_repository import SqliteTriggerRepository


class TriggersContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    market_data = providers.DependenciesContainer()  # provides candle_reader (application.ports.CandleReader)
    event_bus = providers.DependenciesContainer()  # publisher(): saves and deletes are announced

    publisher = event_bus.publisher

    catalogue_repository = providers.Singleton(SqliteCatalogueRepository, session=core.database_session)
    trigger_repository = providers.Singleton(SqliteTriggerRepository, session=core.database_session)
    catalogue_seeder = providers.Factory(CatalogueSeeder, session=core.database_session)
    # Strategies reference triggers by name: renames and deletes consult them, in one transaction.
    # (A repository of its own: the strategies container depends on this one, not the other way round;
    # both repositories are stateless over the same session.)
    strategy_store = providers.Singleton(SqliteStrategyRepository, session=core.database_session)
    store_transaction = providers.Singleton(SqliteStrategiesTransaction, session=core.database_session)
    strategy_references = providers.Factory(
        StrategyTriggerReferences, strategies=strategy_store, triggers=trigger_repository
    )

    list_catalogue = providers.Factory(ListCatalogue, catalogue=catalogue_repository)
    list_triggers = providers.Factory(ListTriggers, triggers=trigger_repository)
    get_trigger = providers.Factory(GetTrigger, triggers=trigger_repository)
    create_trigger = providers.Factory(
        CreateTrigger, triggers=trigger_repository, catalogue=catalogue_repository, publisher=publisher
    )
    edit_trigger = providers.Factory(
        EditTrigger,
        triggers=trigger_repository,
        catalogue=catalogue_repository,
        references=strategy_references,
        store=store_transaction,
        publisher=publisher,
    )
    delete_trigger = providers.Factory(
        DeleteTrigger,
        triggers=trigger_repository,
        references=strategy_references,
        store=store_transaction,
        publisher=publisher,
    )
    find_trigger_users = providers.Factory(
        FindTriggerUsers, triggers=trigger_repository, references=strategy_references
    )
    duplicate_trigger = providers.Factory(DuplicateTrigger, triggers=trigger_repository, publisher=publisher)
    export_triggers = providers.Factory(
        ExportTriggers, triggers=trigger_repository, catalogue=catalogue_repository
    )
    import_triggers = providers.Factory(
        ImportTriggers,
        triggers=trigger_repository,
        catalogue=catalogue_repository,
        store=store_transaction,
        publisher=publisher,
    )
    evaluate_trigger = providers.Factory(EvaluateTrigger, candles=market_data.candle_reader)
