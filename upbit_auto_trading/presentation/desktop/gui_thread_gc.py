"""Python's cyclic garbage collector runs on whichever thread happens to allocate when a threshold is
crossed: a screen's worker thread, the watchdog's heartbeat, the backtest pool's result thread. When the
garbage it finds holds a Qt object (a closed dialog in a cycle with its presenter, a chart's plot items),
that object is deleted on the wrong thread, at times while the GUI thread paints it: a segfault with no
Python traceback, seen in the UI tests as "NumberAxis painted after deletion".

So the desktop app collects cycles only on the GUI thread: automatic collection is switched off and a timer
on the GUI thread runs the same generational collection Python would have run. Reference counting (nearly
all freeing) is untouched; only cycles wait up to one tick."""

from __future__ import annotations

import gc

from PyQt6.QtCore import QObject, QTimer

INTERVAL_MS = 500


def collect_if_due(thresholds: tuple[int, int, int] | None = None) -> int:
    """Run the collections automatic GC would have run by now; returns the objects found unreachable."""
    first, second, third = thresholds or _thresholds
    young, middle, old = gc.get_count()
    if young <= first:
        return 0
    if middle <= second:
        return gc.collect(0)
    if old <= third:
        return gc.collect(1)
    return gc.collect(2)


_thresholds: tuple[int, int, int] = gc.get_threshold()


class GuiThreadCollector(QObject):
    """The timer that does the collecting (a child of the QApplication, so it lives on the GUI thread)."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("guiThreadCollector")
        self._timer = QTimer(self)
        self._timer.timeout.connect(collect_if_due)
        self._timer.start(interval_ms)


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Switch automatic collection off and collect from a GUI-thread timer instead (idempotent)."""
    existing = app.findChild(GuiThreadCollector, "guiThreadCollector")
    if existing is not None:
        return existing
    gc.disable()
    return GuiThreadCollector(app)
