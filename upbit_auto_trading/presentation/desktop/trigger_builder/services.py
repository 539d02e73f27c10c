"""What the trigger builder works with: its use cases, the stored candles the preview reads, the stored
markets, the bus it follows for profile changes and its background runner. Filled in by the composition root
(``container/screens.py``); tests build it from fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.trigger.candle_source import ResamplingCandleStore
from upbit_auto_trading.application.trigger.create_trigger import CreateTrigger
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.duplicate_trigger import DuplicateTrigger
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.export_triggers import ExportTriggers
from upbit_auto_trading.application.trigger.find_trigger_users import FindTriggerUsers
from upbit_auto_trading.application.trigger.import_triggers import ImportTriggers
from upbit_auto_trading.application.trigger.list_catalogue import ListCatalogue
from upbit_auto_trading.application.trigger.list_triggers import ListTriggers
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


def _default_markets() -> Sequence[str]:
    return ["KRW-BTC"]


@dataclass(frozen=True)
class TriggerBuilderServices:
    """The presenter uses the use cases, ``candle_reader`` (stored series, and finer ones to resample in
    memory for the preview) and ``markets``; the screen's ``build`` uses ``bus`` and ``work``."""

    list_catalogue: ListCatalogue
    list_triggers: ListTriggers
    create_trigger: CreateTrigger
    edit_trigger: EditTrigger
    delete_trigger: DeleteTrigger
    duplicate_trigger: DuplicateTrigger
    export_triggers: ExportTriggers
    import_triggers: ImportTriggers
    candle_reader: ResamplingCandleStore | None
    markets: Callable[[], Sequence[str]] = field(default=_default_markets)
    trigger_users: FindTriggerUsers | None = None  # strategies using a trigger (asked before rename/delete)
    # the screen reloads on ProfileSwitched / BackupRestored published here (None: it reloads when reopened)
    bus: EventBus | None = None
    # the preview's worker thread, made with the screen's widget as its owner (it shuts down with the screen)
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork


def stored_markets(list_series: ListSeries) -> Callable[[], list[str]]:
    """The markets that have stored candles (any timeframe), for the preview's market list."""

    def markets() -> list[str]:
        return sorted({s.market for s in list_series.execute(with_gaps=False)})

    return markets
