from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import api_keys_services
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.api_keys.screen import build as build_api_keys_page

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"


@pytest.fixture
def page(qtbot, app_home: Path):
    set_language("en")
    container = build_container(home=app_home)
    page = build_api_keys_page(api_keys_services(container))
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


# --- issue 15: where the master key is kept, passphrase protection, unlock ------------------------------

PASSPHRASE = "correct horse battery staple"


def _page_for(qtbot, home: Path, profile: str | None = None):  # noqa: ANN001, ANN202
    from dependency_injector import providers

    container = build_container(home=home, profile=profile)
    container.secrets.scrypt_n.override(providers.Object(2**10))  # tests only: fast scrypt
    page = build_api_keys_page(api_keys_services(container))
    qtbot.addWidget(page)
    return page, container


def test_the_page_says_where_the_master_key_is_kept(page) -> None:
    assert "Master key: a file" in page.where_label.text() and "secret.key" in page.where_label.text()
    assert not page.passphrase_check.isChecked()  # a development profile: the master key by default
    assert not page.unlock_button.isVisibleTo(page)


def test_passphrase_save_then_locked_elsewhere_then_unlock(qtbot, page, app_home: Path, monkeypatch) -> None:
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText(SECRET)
    page.passphrase_check.setChecked(True)
    monkeypatch.setattr(page, "ask_new_passphrase", lambda: PASSPHRASE)
    page.save_button.click()
    assert "AbCd" in page.status_label.text() and "passphrase" in page.where_label.text()
    assert not (app_home / "config" / "secret.key").exists()

    other, container = _page_for(qtbot, app_home)  # the next start of the app
    try:
        assert "locked" in other.status_label.text() and other.unlock_button.isVisibleTo(other)
        monkeypatch.setattr(other, "ask_passphrase", lambda: "not it at all")
        other.unlock_button.click()
        assert "Wrong passphrase" in other.error_label.text() and "locked" in other.status_label.text()
        monkeypatch.setattr(other, "ask_passphrase", lambda: PASSPHRASE)
        other.unlock_button.click()
        assert "AbCd" in other.status_label.text() and other.error_label.text() == ""
        assert not other.unlock_button.isVisibleTo(other)
    finally:
        container.core.database_session().close_all()


def test_a_cancelled_or_weak_passphrase_saves_nothing(page, monkeypatch) -> None:
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText(SECRET)
    page.passphrase_check.setChecked(True)
    monkeypatch.setattr(page, "ask_new_passphrase", lambda: None)
    page.save_button.click()
    assert "No keys stored" in page.status_label.text() and page.access_edit.text() == ACCESS
    monkeypatch.setattr(page, "ask_new_passphrase", lambda: "short")
    page.save_button.click()
    assert "at least 8" in page.error_label.text() and "No keys stored" in page.status_label.text()


def test_a_production_profile_offers_the_passphrase_by_default(qtbot, app_home: Path) -> None:
    page, container = _page_for(qtbot, app_home, profile="production")
    try:
        assert page.passphrase_check.isChecked()
    finally:
        container.core.database_session().close_all()


def test_the_passphrase_dialog_asks_twice_and_never_echoes(qtbot) -> None:
    from PyQt6.QtWidgets import QLineEdit

    set_language("en")  # its messages are read in English below

    from upbit_auto_trading.presentation.desktop.settings.api_keys.passphrase_dialog import PassphraseDialog

    dialog = PassphraseDialog(confirm=True)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.passphrase_edit.echoMode() == dialog.again_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.passphrase_edit.setText(PASSPHRASE)
    dialog.again_edit.setText(PASSPHRASE + "x")
    dialog.ok_button.click()
    assert dialog.isVisible() and "differ" in dialog.error_label.text() and dialog.again_edit.text() == ""
    dialog.again_edit.setText(PASSPHRASE)
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.passphrase() == PASSPHRASE
    dialog.clear()
    assert dialog.passphrase_edit.text() == "" and dialog.again_edit.text() == ""
