"""Reopening a stored run clears the progress bar: it told of the last run ("100% done") and read as if the
stored run had just been computed (issue 13 item 10 leftover). Real container, SQLite files and queue."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import backtest_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.presentation.desktop.backtest.screen import build
from upbit_auto_trading.presentation.desktop.i18n import set_language

BASE = 1_704_067_200  # 2024-01-01T00:00:00Z


@pytest.fixture
def container(tmp_path):  # noqa: ANN001, ANN201
    set_language("en")
    c = build_container(home=tmp_path, overrides={"market_data": {"seed_bundled": False}})
    startup(c)  # the sample strategy
    rng = np.random.default_rng(9)
    closes = 40_000_000 * np.exp(np.cumsum(rng.normal(0, 0.012, 1500)))
    c.market_data.candle_store().upsert([
        Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), Decimal(int(v)), Decimal(int(v) + 5000),
               Decimal(int(v) - 5000), Decimal(int(v)), Decimal(1), Decimal(int(v)))
        for i, v in enumerate(closes)
    ])  # fmt: skip
    yield c
    c.core.database_session().close_all()
    set_language("ko")


def test_opening_a_stored_run_resets_the_progress_bar(qtbot, container):
    widget = build(backtest_services(container))
    qtbot.addWidget(widget)
    qtbot.mouseClick(widget.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.runs.rowCount() == 1 and widget.progress.value() == 1000, timeout=60_000)
    assert "100%" in widget.progress.format() and "done" in widget.progress.format()

    widget.runs.selectRow(0)
    qtbot.mouseClick(widget.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "#1" in widget.title.text(), timeout=10_000)
    assert widget.progress.value() == 0 and widget.progress.format() == ""
