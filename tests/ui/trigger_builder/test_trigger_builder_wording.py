"""The trigger builder and the strategy maker word triggers and rules by the catalogue's names, never by raw
identifiers (issue 13 item 10: the saved list read "RSI(period=14) crosses_above 30", the strategy list
"exit_triggers, trailing_stop").

Real container and SQLite files: the first-use samples (a strategy and its three triggers) plus a cross and a
"rising" trigger saved through the use case; stored 1h candles for the preview.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTreeWidget,
    QWidget,
)

from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import strategy_maker_services, trigger_builder_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.strategy_maker.screen import build as build_strategy_maker
from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build as build_trigger_builder

BASE = 1_609_459_200  # 2021-01-01T00:00:00Z
# a lowercase snake_case word: an operator, a rule type, a policy ("crosses_above", "exit_triggers")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _hours(n: int = 3000) -> list[Candle]:
    rng = np.random.default_rng(5)
    closes = (40_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))).round(-3)
    out = []
    for i, close in enumerate(closes):
        c = Decimal(int(close))
        out.append(Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), c, c + 1000, c - 1000, c,
                          Decimal("1.5"), c * Decimal("1.5")))  # fmt: skip
    return out


@pytest.fixture(params=["ko", "en"])
def language(request):  # noqa: ANN001, ANN201
    set_language(request.param)
    yield request.param
    set_language("ko")


@pytest.fixture
def container(tmp_path):  # noqa: ANN001, ANN201
    c = build_container(home=tmp_path, overrides={"market_data": {"seed_bundled": False}})
    startup(c)  # the first-use samples: "Basic 7-rule" and its three triggers
    c.market_data.candle_store().upsert(_hours())
    create = c.triggers.create_trigger()
    create.execute(TriggerDraft(name="golden cross", variable_id="SMA", params={"period": 20},
                                operator="crosses_above", target_variable_id="SMA",
                                target_params={"period": 60}))  # fmt: skip
    create.execute(TriggerDraft(name="ema up", variable_id="EMA", params={"period": 20}, operator="rising",
                                operator_params={"candles": 3}))  # fmt: skip
    yield c
    c.core.database_session().close_all()


def shown_texts(root: QWidget) -> list[str]:
    """Every text a user can read on the widget: labels, buttons, fields, list, tree and combo items, group
    titles, tooltips, chart legends and axis labels."""
    texts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        texts.append(w.toolTip())
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLineEdit):
            texts += [w.text(), w.placeholderText()]
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
            texts += [str(w.itemData(i, 3) or "") for i in range(w.count())]  # item tooltips
        elif isinstance(w, QListWidget):
            texts += [t for i in range(w.count()) for t in (w.item(i).text(), w.item(i).toolTip())]
        elif isinstance(w, QTreeWidget):
            texts += _tree_texts(w)
        elif isinstance(w, pg.GraphicsView):
            texts += _chart_texts(w)
    return [t for t in texts if t]


def _tree_texts(tree: QTreeWidget) -> list[str]:
    """Top-level items' texts, and their children's texts and tooltips."""
    texts: list[str] = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        texts += [top.text(0)]
        texts += [t for j in range(top.childCount()) for t in (top.child(j).text(0), top.child(j).toolTip(0))]
    return texts


def _chart_texts(view: pg.GraphicsView) -> list[str]:
    """Legend entries and axis labels of a chart."""
    texts: list[str] = []
    for item in view.scene().items():
        if isinstance(item, pg.LegendItem):
            texts += [label.text for _sample, label in item.items]
        elif isinstance(item, pg.AxisItem):
            texts.append(item.labelText)
    return texts


def _preview_done(qtbot, widget) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: widget.presenter.preview_count is not None and not widget.presenter._busy,
                    timeout=20_000)  # fmt: skip


def _saved_rows(widget) -> dict[str, str]:  # noqa: ANN001
    return {widget.saved_list.item(i).data(256): widget.saved_list.item(i).text()
            for i in range(widget.saved_list.count())}  # fmt: skip


def test_saved_triggers_show_the_catalogue_names(qtbot, container, language):
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    rows = _saved_rows(widget)
    if language == "ko":
        assert rows["golden cross"].endswith("단순이동평균(20) 상향 돌파 단순이동평균(60)")
        assert rows["ema up"].endswith("지수이동평균(20) 3봉 연속 상승")
    else:
        assert rows["golden cross"].endswith(
            "Simple moving average(20) crosses above Simple moving average(60)"
        )
        assert rows["ema up"].endswith("Exponential moving average(20) rising for 3 candles")
    assert rows["RSI(14) below 20"].endswith("RSI(14) < 20")
    text = "\n".join(rows.values())
    assert "crosses_above" not in text and "period=" not in text and "rising 3" not in text


def test_no_raw_identifier_on_the_trigger_builder_or_the_strategy_maker(qtbot, container, language):
    builder = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(builder)
    _preview_done(qtbot, builder)
    for name in ("golden cross", "ema up"):  # each opened: form, preview, legends and count line
        builder.presenter.saved_selected(name)
        builder.presenter.preview_count = None
        _preview_done(qtbot, builder)
        texts = shown_texts(builder)
        assert [t for t in texts if IDENTIFIER.search(t)] == [], name
    legend = [t for t in shown_texts(builder.chart) if "(20)" in t]
    assert legend, "the variable is named in a legend"

    maker = build_strategy_maker(strategy_maker_services(container))
    qtbot.addWidget(maker)
    assert maker.list.count() >= 1
    maker.list.setCurrentRow(0)  # the sample strategy: five management rules
    maker.presenter.strategy_selected(maker.list.item(0).data(256))
    assert maker.rules.count() == 5
    texts = shown_texts(maker)
    assert [t for t in texts if IDENTIFIER.search(t)] == []
    tooltip = maker.list.item(0).toolTip()
    assert ("트레일링 스탑" if language == "ko" else "Trailing stop") in tooltip and "KST" in tooltip


def test_the_scan_finds_an_identifier():
    """The scan's pattern: what the screens showed before, and not what they show now."""
    assert IDENTIFIER.search("RSI(period=14) crosses_above 30")
    assert IDENTIFIER.search("(up) | exit_triggers, trailing_stop")
    assert not IDENTIFIER.search("단순이동평균(20) 상향 돌파 단순이동평균(60)  현재가 (CURRENT_PRICE)")


def _type_period(qtbot, widget, start: str, end: str) -> None:  # noqa: ANN001
    widget.presenter.preview_count = None
    widget.period_from.setText(start)
    widget.period_to.setText(end)
    widget.period_to.editingFinished.emit()  # the field is left: the period is read
    _preview_done(qtbot, widget)


def test_the_count_line_describes_the_chosen_period(qtbot, container):
    """Issue 13 leftover: the line under the caption said "(last N candles)" for any period."""
    set_language("en")
    widget = build_trigger_builder(trigger_builder_services(container))
    qtbot.addWidget(widget)
    _preview_done(qtbot, widget)
    assert "(last 2000 candles)" in widget.chart.count_label.text()

    _type_period(qtbot, widget, "2021-02-01", "2021-02-28")
    line = widget.chart.count_label.text()
    assert "in the chosen period" in line and "last" not in line
    assert line.endswith(f"({len(widget.chart._data.times)} candles in the chosen period)")

    _type_period(qtbot, widget, "", "2021-03-31")
    assert "candles up to the chosen end" in widget.chart.count_label.text()

    set_language("ko")
    _type_period(qtbot, widget, "2021-02-01", "2021-02-28")
    assert (
        "선택한 기간의" in widget.chart.count_label.text() and "최근" not in widget.chart.count_label.text()
    )


def test_the_import_conflict_dialog_words_the_differences_by_name(qtbot, container):
    from upbit_auto_trading.application.trigger.import_triggers import TriggerConflict
    from upbit_auto_trading.presentation.desktop.trigger_builder.import_dialog import conflict_dialog

    catalogue = container.triggers.list_catalogue().execute()
    stored = TriggerDraft(name="a", variable_id="RSI", params={"period": 14}, operator="crosses_above",
                          value="30").build(catalogue)  # fmt: skip
    incoming = TriggerDraft(name="a", variable_id="RSI", params={"period": 21}, operator="gt",
                            value="30").build(catalogue)  # fmt: skip
    conflict = TriggerConflict("a", stored, incoming, ("as the CLI words it",), "a (2)")
    set_language("en")
    try:
        box = conflict_dialog(None, conflict, catalogue)
        qtbot.addWidget(box)
        assert box.informativeText().splitlines() == [
            "variable: RSI(14) -> RSI(21)", "operator: crosses above -> greater than (>)",
        ]  # fmt: skip
    finally:
        set_language("ko")
    box = conflict_dialog(None, conflict, catalogue)
    qtbot.addWidget(box)
    assert box.informativeText().splitlines() == [
        "변수 (variable: RSI(14) -> RSI(21))", "연산자 (operator: 상향 돌파 -> 초과 (>))",
    ]  # fmt: skip
