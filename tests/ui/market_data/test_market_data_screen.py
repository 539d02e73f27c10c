"""The real market-data screen on a temporary home: list, chart, crosshair, busy state (offscreen)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import market_data_services
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.presentation.desktop.i18n import language, set_language
from upbit_auto_trading.presentation.desktop.market_data.chart import bars_for_view
from upbit_auto_trading.presentation.desktop.market_data.screen import build as build_market_data

BASE = 1_704_067_200


@pytest.fixture
def container(tmp_path):
    before = language()
    set_language("en")
    c = build_container(home=tmp_path)
    store = c.market_data.candle_store()
    candles = []
    for i in range(5000):
        p = Decimal(1000 + i % 50)
        candles.append(
            Candle(
                "KRW-BTC",
                "1h",
                datetime.fromtimestamp(BASE + i * 3600, UTC),
                p,
                p + 5,
                p - 5,
                p + 1,
                Decimal("1.5"),
                Decimal("1500"),
            )
        )
    store.upsert(candles)
    yield c
    c.core.database_session().close_all()
    set_language(before)


def test_screen_lists_series_and_draws_the_chart(qtbot, container):
    screen = build_market_data(market_data_services(container), None)
    qtbot.addWidget(screen)
    screen.interactive = False
    screen.resize(1000, 700)
    screen.show()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    assert [screen.table.item(0, c).text() for c in (0, 1, 4, 5)] == ["KRW-BTC", "1h", "5,000", "0"]
    assert screen.table.item(0, 2).text() == "2024-01-01 09:00"  # KST
    qtbot.waitUntil(lambda: screen.chart.visible_bar_count() > 0, timeout=10_000)
    assert screen.chart.visible_bar_count() <= 1500
    text = screen.chart.readout_text(BASE + 3600 * 10 + 100)
    assert text.startswith("2024-01-01 19:00 KST") and "O 1,010" in text and "C 1,011" in text

    screen.set_busy(True, "Downloading...", 0.5, True)
    assert screen.cancel_button.isVisibleTo(screen) and not screen.import_button.isEnabled()
    assert screen.progress.value() == 500
    screen.set_busy(False)
    assert not screen.cancel_button.isVisibleTo(screen) and screen.import_button.isEnabled()


def test_zoomed_out_view_merges_candles_into_fewer_bars(container):
    arrays = container.market_data.candle_reader().load_arrays("KRW-BTC", "1h")
    s, o, h, lo, c, v, width = bars_for_view(arrays, BASE, BASE + 5000 * 3600, max_bars=100)
    assert len(s) <= 100 and width == 3600 * 50
    assert h.max() == arrays.high.max() and lo.min() == arrays.low.min()
    assert v.sum() == pytest.approx(arrays.volume.sum())
