"""Importing through the real screen and its real dialogs (offscreen): the format is detected, a file of another
market or with numbers that read two ways is asked about once, and the answer decides what is stored."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import market_data_services
from upbit_auto_trading.presentation.desktop.i18n import language, set_language
from upbit_auto_trading.presentation.desktop.market_data.dialogs import ImportDialog, NumberFormatDialog
from upbit_auto_trading.presentation.desktop.market_data.screen import build as build_market_data

EUROPEAN = (
    "https://www.CryptoDataDownload.com\n"
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    '1571302800,2019-10-17 09:00:00,BTCUSD,"8.000,5","8.100","7.900,25","8.050","1,5","12.075"\n'
)


@pytest.fixture(autouse=True)
def _english():
    before = language()
    set_language("en")
    yield
    set_language(before)


@pytest.fixture
def container(tmp_path):
    c = build_container(home=tmp_path / "home")
    yield c
    c.core.database_session().close_all()


@pytest.fixture
def screen(qtbot, container):
    view = build_market_data(market_data_services(container), None)
    qtbot.addWidget(view)
    view.interactive = False
    view.show()
    return view


class DialogAnswers:
    """Answers the modal dialogs the screen opens, in order, as a user would (a timer polls for them)."""

    def __init__(self, answers: list[Callable[[QWidget], None]]) -> None:
        self.answers = answers
        self.seen: list[QWidget] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (self.seen and dialog is self.seen[-1]) or not self.answers:
            return
        self.seen.append(dialog)
        self.answers.pop(0)(dialog)


def fill_import(path, market: str) -> Callable[[QWidget], None]:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        assert dialog.format.currentData() == "auto"  # detected from the header unless the user picks one
        dialog.path.setText(str(path))
        dialog.market.setText(market)
        dialog.accept()

    return answer


def test_decimal_commas_are_asked_about_and_read_as_answered(qtbot, screen, container, tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(EUROPEAN)
    asked: list[tuple[str, str]] = []

    def number_format(dialog: QWidget) -> None:
        assert isinstance(dialog, NumberFormatDialog)
        asked.append(dialog.choice())  # the file's most likely reading, offered as the default
        dialog.accept()

    answers = DialogAnswers([fill_import(path, "USD-BTC"), number_format])
    screen.import_button.click()
    qtbot.waitUntil(lambda: container.market_data.candle_store().count("USD-BTC", "1h") == 1, timeout=10_000)
    answers.timer.stop()
    assert asked == [(",", ".")]
    [candle] = container.market_data.candle_store().load_candles("USD-BTC", "1h")
    assert (candle.open, candle.low, candle.volume) == (Decimal("8000.5"), Decimal("7900.25"), Decimal("1.5"))


def test_declining_the_number_question_stores_nothing(qtbot, screen, container, tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(EUROPEAN)
    answers = DialogAnswers([fill_import(path, "USD-BTC"), lambda dialog: dialog.reject()])
    screen.import_button.click()
    qtbot.waitUntil(
        lambda: len(answers.seen) == 2 and QApplication.activeModalWidget() is None, timeout=10_000
    )
    answers.timer.stop()
    qtbot.waitUntil(screen.import_button.isEnabled, timeout=10_000)
    assert container.market_data.candle_store().series() == []


@pytest.mark.parametrize("accept", [True, False])
def test_a_file_of_another_market_is_asked_about_once(qtbot, screen, container, tmp_path, accept):
    path = tmp_path / "Bitstamp_BTCUSD_1h.csv"
    path.write_text(
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
        "1571302800,2019-10-17 09:00:00,BTCUSD,8000,8100,7900,8050,10.5,84000\n"
    )
    questions: list[str] = []

    def confirm(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        questions.append(dialog.text())
        button = QMessageBox.StandardButton.Yes if accept else QMessageBox.StandardButton.No
        dialog.button(button).click()

    answers = DialogAnswers([fill_import(path, "KRW-BTC"), confirm])  # the dialog's default market
    screen.import_button.click()
    qtbot.waitUntil(
        lambda: len(answers.seen) == 2 and QApplication.activeModalWidget() is None, timeout=10_000
    )
    answers.timer.stop()
    qtbot.waitUntil(screen.import_button.isEnabled, timeout=10_000)
    assert len(questions) == 1 and "USD-BTC" in questions[0] and "KRW-BTC" in questions[0]
    store = container.market_data.candle_store()
    if accept:
        qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
        assert [(s.market, s.count) for s in store.series()] == [("USD-BTC", 1)]
    else:
        assert store.series() == []


def test_number_format_dialog_refuses_the_same_separator_twice(qtbot):
    dialog = NumberFormatDialog("eu.csv", "1,5", ",", "")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.choice() == (",", "") and ok.isEnabled()
    dialog.thousands.setCurrentIndex(dialog.thousands.findData(","))
    assert not ok.isEnabled() and dialog.error.isVisibleTo(dialog) and "differ" in dialog.error.text()
    dialog.decimal.setCurrentIndex(dialog.decimal.findData("."))
    assert ok.isEnabled() and dialog.choice() == (".", ",")
