from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.api_keys.view import create_api_keys_page

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"


@pytest.fixture
def page(qtbot, app_home: Path):
    set_language("en")
    container = build_container(home=app_home)
    page = create_api_keys_page(container)
    qtbot.addWidget(page)
    yield page
    container.core.database_session().close_all()


def test_save_shows_masked_key_and_clears_inputs(page) -> None:
    assert "No keys stored" in page.status_label.text()
    assert not page.delete_button.isEnabled()
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText(SECRET)
    page.save_button.click()
    assert "AbCd" in page.status_label.text() and ACCESS not in page.status_label.text()
    assert page.access_edit.text() == "" and page.secret_edit.text() == ""
    assert page.delete_button.isEnabled()


def test_bad_key_shows_an_inline_error(page) -> None:
    page.access_edit.setText("nope")
    page.secret_edit.setText(SECRET)
    page.save_button.click()
    assert "access key" in page.error_label.text()
    assert "No keys stored" in page.status_label.text()


def test_delete_asks_first(page, monkeypatch) -> None:
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText(SECRET)
    page.save_button.click()
    monkeypatch.setattr(page, "confirm", lambda question: False)
    page.delete_button.click()
    assert "Stored" in page.status_label.text()
    monkeypatch.setattr(page, "confirm", lambda question: True)
    page.delete_button.click()
    assert "No keys stored" in page.status_label.text()
