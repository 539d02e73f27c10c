"""Cyclic garbage is collected on the GUI thread only: a Qt object freed by a collection on a worker thread
is deleted off its thread (the segfaults once seen in the UI suite)."""

from __future__ import annotations

import gc
import threading

from upbit_auto_trading.presentation.desktop.gui_thread_gc import GuiThreadCollector, collect_if_due


class _Cyclic:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cyclic.freed_on.append(threading.current_thread().name)


def test_the_app_collects_cycles_only_on_the_gui_thread(qapp) -> None:
    assert not gc.isenabled()  # configure_application (tests/ui/conftest.py) switched automatic GC off
    assert len(qapp.findChildren(GuiThreadCollector)) == 1
    _Cyclic.freed_on.clear()

    def churn() -> None:
        _Cyclic()  # garbage at once: only a collection can free it
        kept = [[] for _ in range(50_000)]  # far past gen-0's threshold: automatic GC would collect here
        assert len(kept) == 50_000

    worker = threading.Thread(target=churn, name="worker")
    worker.start()
    worker.join()
    assert _Cyclic.freed_on == []

    assert collect_if_due((0, 0, 0)) >= 1
    assert _Cyclic.freed_on == [threading.main_thread().name]


def test_the_timer_collects_without_being_asked(qapp, qtbot) -> None:
    _Cyclic.freed_on.clear()
    _Cyclic()
    kept = [[] for _ in range(5_000)]  # past gen-0's threshold
    qtbot.waitUntil(lambda: _Cyclic.freed_on == [threading.main_thread().name], timeout=5000)
    assert len(kept) == 5_000
