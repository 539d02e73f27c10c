"""The trigger builder tab follows the stored series and reloads on ProfileSwitched / BackupRestored from the bus."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import numpy as np
import pytest
from dependency_injector import providers

from upbit_auto_trading.application.market_data.dto import SeriesSummary
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import trigger_builder_services
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.profiles.events import BackupRestored, ProfileSwitched
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder


class Reader:
    def __init__(self):
        close = np.round(4e7 + np.cumsum(np.random.default_rng(4).normal(0, 2e5, 800)), -3)
        start = 1_650_000_000 // 3600 * 3600 + 3600 * np.arange(close.size, dtype=np.int64)
        self.arrays = CandleArrays(
            "KRW-ETH", "1h", start, close, close, close, close, np.ones_like(close), close
        )
        self.markets: list[str] = []

    def load_arrays(self, market, timeframe, start=None, end=None):
        self.markets.append(market)
        return self.arrays


class Series:
    def execute(self, with_gaps=True):
        t = datetime(2024, 1, 1, tzinfo=UTC)
        return [SeriesSummary(m, "1h", t, t, 800) for m in ("KRW-ETH", "KRW-ETH", "USD-BTC")]


@pytest.fixture
def container(tmp_path):
    c = build_container(home=tmp_path)
    c.core.database_session()
    c.market_data.candle_reader.override(providers.Object(Reader()))
    c.market_data.list_series.override(providers.Object(Series()))
    yield c
    c.core.database_session().close_all()


@pytest.fixture
def bus_thread(container):
    """The container's bus running on its own loop thread (handlers are called off the GUI thread)."""
    bus = container.event_bus.bus()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(bus.start(), loop).result(10)
    yield bus
    asyncio.run_coroutine_threadsafe(bus.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_tab_market_list_comes_from_stored_series(qtbot, container):
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    combo = widget.market_combo
    qtbot.waitUntil(lambda: combo.count() == 2, timeout=10_000)
    assert [combo.itemText(i) for i in range(combo.count())] == ["KRW-ETH", "USD-BTC"]
    assert combo.currentText() == "KRW-ETH"
    qtbot.waitUntil(lambda: "KRW-ETH" in container.market_data.candle_reader().markets, timeout=10_000)


@pytest.mark.parametrize("event_type", [ProfileSwitched, BackupRestored])
def test_tab_reloads_when_the_bus_reports_a_profile_change(qtbot, container, bus_thread, event_type):
    widget = build_trigger_builder(trigger_builder_services(container))  # deleted by the test itself: it checks the unsubscription
    name = f"trigger_builder.{event_type.__name__}"
    try:
        assert name in [s.name for s in bus_thread.subscriptions()]
        qtbot.waitUntil(lambda: widget.presenter.preview_count is not None, timeout=10_000)
        assert widget.saved_list.count() == 0

        container.triggers.trigger_repository().add(
            TradingCondition(
                "restored", VariableRef("RSI", {"period": 14}), Operator.CROSSES_ABOVE, FixedValue(30)
            )
        )
        reader = container.market_data.candle_reader()
        reads = len(reader.markets)
        if event_type is ProfileSwitched:
            event = ProfileSwitched(previous_profile_id="a", profile_id="b", environment="paper")
        else:
            event = BackupRestored(backup_id="x", profile_id="a", pre_restore_backup_id="y")
        bus_thread.publish_threadsafe(event).result(10)
        qtbot.waitUntil(lambda: widget.saved_list.count() == 1, timeout=10_000)
        qtbot.waitUntil(lambda: len(reader.markets) > reads, timeout=10_000)  # candles read again
    finally:
        widget.deleteLater()
    qtbot.waitUntil(lambda: name not in [s.name for s in bus_thread.subscriptions()], timeout=10_000)


def test_tab_computes_indicators_only_off_the_gui_thread(qtbot, container, monkeypatch):
    """The numba kernels (and so their first compile) are reached from the preview worker, never the GUI."""
    from upbit_auto_trading.domain.indicators import _kernels
    from upbit_auto_trading.domain.trigger import operators

    threads: list[str] = []
    compiled, comparisons = _kernels._compiled, operators._kernels

    def record(original):
        def wrapper():
            threads.append(threading.current_thread().name)
            return original()

        return wrapper

    monkeypatch.setattr(_kernels, "_compiled", record(compiled))
    monkeypatch.setattr(operators, "_kernels", record(comparisons))
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.presenter.preview_count is not None, timeout=10_000)
    assert threads and threading.main_thread().name not in threads
    assert all(name.startswith("trigger-preview") for name in threads)
