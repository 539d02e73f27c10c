"""The trigger builder tab with pytest-qt: build, preview (off the GUI thread), save, reload."""

from __future__ import annotations

import numpy as np
import pytest
from dependency_injector import providers

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import trigger_builder_services
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder


class ArrayReader:
    def __init__(self):
        rng = np.random.default_rng(11)
        close = np.round(4e7 + np.cumsum(rng.normal(0, 2e5, 2600)), -3)
        start = 1_650_000_000 // 3600 * 3600 + 3600 * np.arange(close.size, dtype=np.int64)
        self.arrays = CandleArrays(
            "KRW-BTC",
            "1h",
            start,
            close,
            close * 1.01,
            close * 0.99,
            close,
            np.ones_like(close),
            close.copy(),
        )

    def load_arrays(self, market, timeframe, start=None, end=None):
        return self.arrays


class NoSeries:
    def execute(self, with_gaps=True):
        return []


@pytest.fixture
def container(tmp_path):
    c = build_container(home=tmp_path)
    c.core.database_session()
    c.market_data.candle_reader.override(providers.Object(ArrayReader()))
    c.market_data.list_series.override(providers.Object(NoSeries()))  # candle_reader is the store too
    yield c
    c.core.database_session().close_all()


def test_tab_builds_previews_saves_and_reloads(qtbot, container):
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.presenter.preview_count is not None, timeout=10_000)
    assert "2000" in widget.chart.count_label.text()
    assert widget.variable_tree.topLevelItemCount() == 8

    widget.presenter.variable_changed("SMA")
    widget.variable_radio.setChecked(True)
    index = widget.target_combo.findData("RSI", 256)
    assert not widget.target_combo.model().item(index).isEnabled()  # incompatible: disabled with a tooltip
    assert widget.target_combo.model().item(index).toolTip()
    widget.target_combo.setCurrentIndex(widget.target_combo.findData("EMA", 256))
    widget.target_params.set_value("period", "50")
    widget.presenter.preview_count = None
    widget.presenter.form_changed()
    qtbot.waitUntil(lambda: widget.presenter.preview_count is not None, timeout=10_000)
    assert widget.validation_label.text() == ""
    assert widget.chart.markers.data.size == widget.presenter.preview_count

    widget.name_edit.setText("sma-ema")
    assert widget.presenter.save()
    assert widget.saved_list.count() == 1

    again = build_trigger_builder(trigger_builder_services(container))  # reload: a fresh tab sees the saved trigger
    qtbot.addWidget(again)
    assert again.saved_list.count() == 1
    again.saved_list.setCurrentRow(0)
    again.presenter.saved_selected()
    form = again.form()
    assert (
        form.variable_id == "SMA"
        and form.target_variable_id == "EMA"
        and form.target_params["period"] == "50"
    )
    assert form.target_kind == "variable" and form.name == "sma-ema"
