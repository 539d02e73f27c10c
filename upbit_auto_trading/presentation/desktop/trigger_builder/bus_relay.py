"""Reload the trigger builder when the active profile's data changes (ProfileSwitched / BackupRestored).

Bus handlers run on the bus loop's thread (with qasync that is the GUI thread, but the bus makes no promise);
the handler only emits a Qt signal, delivered queued on the GUI thread, where a short single-shot timer
coalesces a burst (a restore publishes several events) into one reload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.domain.profiles.events import BackupRestored, ProfileSwitched

log = logging.getLogger(__name__)

COALESCE_MS = 50


class ReloadRelay(QObject):
    requested = pyqtSignal()

    def __init__(self, reload: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(reload)
        # PyQt6's stubs omit connect's connection-type argument (the runtime takes it)
        self.requested.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)  # type: ignore[call-arg]
        self._unsubscribe: Callable[[], None] | None = None

    def handle(self, _event: object) -> None:
        """Bus handler (any thread): hand the reload to the GUI thread."""
        try:
            self.requested.emit()
        except RuntimeError:  # the widget is gone; the subscription is being removed
            log.debug("trigger builder closed before a reload event arrived")

    def attach(self, unsubscribe: Callable[[], None]) -> None:
        self._unsubscribe = unsubscribe

    def unsubscriber(self) -> Callable[[], None]:
        """A plain callable that detaches this relay, safe to call after the relay's Qt object is gone."""
        state = self.__dict__

        def unsubscribe() -> None:
            callback = state.get("_unsubscribe")
            if callback is not None:
                state["_unsubscribe"] = None
                callback()

        return unsubscribe

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


def follow_profile_changes(bus: EventBus | None, relay: ReloadRelay) -> bool:
    """Subscribe ``relay`` to ProfileSwitched and BackupRestored on ``bus``; False without a bus (the tab then
    shows the new profile's data when it is built again)."""
    if bus is None:
        return False
    subscriptions = [
        bus.subscribe(event_type, relay.handle, name=f"trigger_builder.{event_type.__name__}")
        for event_type in (ProfileSwitched, BackupRestored)
    ]

    def unsubscribe() -> None:
        for subscription in subscriptions:
            bus.unsubscribe(subscription)

    relay.attach(unsubscribe)
    return True
