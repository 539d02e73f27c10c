"""The trigger builder tab (pytest-qt, real container and SQLite files, only 1h candles stored): a 4h trigger
previews 4h candles resampled from 1h and says so, writing nothing; the period fields show any part of the
history; "Latest" goes back to the last 2,000 candles; a mistyped date is named on the validation line."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import trigger_builder_services
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder

BASE = 1_609_459_200  # 2021-01-01T00:00:00Z
HOURS = 4 * 3600  # to 2022-08: the last 2,000 4h candles start in 2021-12


def _hours() -> list[Candle]:
    rng = np.random.default_rng(23)
    closes = (40_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, HOURS)))).round(-3).tolist()
    out, previous = [], closes[0]
    for i, close in enumerate(closes):
        o, c = Decimal(int(previous)), Decimal(int(close))
        out.append(Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), o, max(o, c) + 1000,
                          min(o, c) - 1000, c, Decimal("1.5"), c * Decimal("1.5")))  # fmt: skip
        previous = close
    return out


@pytest.fixture
def tab(qtbot, tmp_path):
    set_language("en")
    container = build_container(home=tmp_path, overrides={"market_data": {"seed_bundled": False}})
    container.core.database_session()
    container.market_data.candle_store().upsert(_hours())
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    _wait(qtbot, widget, "KRW-BTC 1h · ")
    yield widget, container
    container.core.database_session().close_all()


def _wait(qtbot, widget, text: str) -> None:
    qtbot.waitUntil(
        lambda: text in widget.preview_caption.text() and not widget.presenter._busy, timeout=20_000
    )


def _rows(container) -> dict:
    found = {}
    for name, path in container.core.database_session().paths().items():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                found[(name, table)] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        finally:
            conn.close()
    return found


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.clear()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # editingFinished: the period is read


def test_a_4h_trigger_previews_resampled_1h_candles_over_any_period(qtbot, tab):
    widget, container = tab
    assert "2,000 candles" in widget.preview_caption.text()
    before = _rows(container)

    widget.timeframe_combo.setCurrentText("4h")
    _wait(qtbot, widget, "KRW-BTC 4h resampled from 1h")
    assert "2,000 candles" in widget.preview_caption.text()
    assert (
        widget.presenter.preview_count is not None
        and widget.chart.markers.data.size == widget.presenter.preview_count
    )
    assert _rows(container) == before  # nothing written: no 4h series, no cache of one

    _type(qtbot, widget.period_from, "2021-06-01")
    _type(qtbot, widget.period_to, "2021-07-31")
    _wait(qtbot, widget, "2021-06-01 09:00 ~ 2021-08-01 05:00 KST · 366 candles")
    assert "4h resampled from 1h" in widget.preview_caption.text()
    assert widget.validation_label.text() == ""

    _type(qtbot, widget.period_to, "2021-07-32")
    qtbot.waitUntil(lambda: "YYYY-MM-DD" in widget.validation_label.text())

    widget.latest_button.click()
    _wait(qtbot, widget, "2,000 candles")
    assert widget.preview_period() == ("", "") and widget.validation_label.text() == ""
    assert _rows(container) == before
