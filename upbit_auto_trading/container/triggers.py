"""Trigger builder: catalogue, saved triggers, evaluation."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.trigger.create_trigger import CreateTrigger
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.duplicate_trigger import DuplicateTrigger
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.evaluate_trigger import EvaluateTrigger
from upbit_auto_trading.application.trigger.export_triggers import ExportTriggers
from upbit_auto_trading.application.trigger.get_trigger import GetTrigger
from upbit_auto_trading.application.trigger.import_triggers import ImportTriggers
from upbit_auto_trading.application.trigger.list_catalogue import ListCatalogue
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers
from upbit_auto_trading.infrastructure.sqlite.catalogue_repository import SqliteCatalogueRepository
from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import CatalogueSeeder
from upbit_auto_trading.infrastructure.sqlite.trigger_repository import SqliteTriggerRepository


class TriggersContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    market_data = providers.DependenciesContainer()  # provides candle_reader (application.ports.CandleReader)

    catalogue_repository = providers.Singleton(SqliteCatalogueRepository, session=core.database_session)
    trigger_repository = providers.Singleton(SqliteTriggerRepository, session=core.database_session)
    catalogue_seeder = providers.Factory(CatalogueSeeder, session=core.database_session)

    list_catalogue = providers.Factory(ListCatalogue, catalogue=catalogue_repository)
    list_triggers = providers.Factory(ListTriggers, triggers=trigger_repository)
    get_trigger = providers.Factory(GetTrigger, triggers=trigger_repository)
    create_trigger = providers.Factory(
        CreateTrigger, triggers=trigger_repository, catalogue=catalogue_repository
    )
    edit_trigger = providers.Factory(EditTrigger, triggers=trigger_repository, catalogue=catalogue_repository)
    delete_trigger = providers.Factory(DeleteTrigger, triggers=trigger_repository)
    duplicate_trigger = providers.Factory(DuplicateTrigger, triggers=trigger_repository)
    export_triggers = providers.Factory(
        ExportTriggers, triggers=trigger_repository, catalogue=catalogue_repository
    )
    import_triggers = providers.Factory(
        ImportTriggers, triggers=trigger_repository, catalogue=catalogue_repository
    )
    evaluate_trigger = providers.Factory(EvaluateTrigger, candles=market_data.candle_reader)
