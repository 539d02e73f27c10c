"""The API keys page words a refused key in the UI language (the domain's message is English only: it was
"The access key / 액세스 키 must be ...", Korean inside English) and writes the stored time in KST."""

from __future__ import annotations

import re

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import api_keys_services
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.api_keys.screen import build

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"
SECRET = "SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt1234"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def page(qtbot, app_home, request):  # noqa: ANN001, ANN201
    set_language(request.param)
    container = build_container(home=app_home)
    page = build(api_keys_services(container))
    qtbot.addWidget(page)
    yield page
    container.core.database_session().close_all()
    set_language("ko")


@pytest.mark.parametrize("page", ["ko"], indirect=True)
def test_a_refused_key_is_worded_in_korean(page) -> None:
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText("short")
    page.save_button.click()
    text = page.error_label.text()
    assert text.startswith("시크릿 키는") and "5자" in text and "secret" not in text.lower()


@pytest.mark.parametrize("page", ["en"], indirect=True)
def test_a_refused_key_in_english_has_no_korean_and_the_stored_time_says_kst(page) -> None:
    page.access_edit.setText("nope")
    page.secret_edit.setText(SECRET)
    page.save_button.click()
    text = page.error_label.text()
    assert "access key" in text and "(got 4 characters)" in text and not HANGUL.search(text)
    page.access_edit.setText(ACCESS)
    page.secret_edit.setText(SECRET)
    page.save_button.click()
    assert re.search(r"\(\d{4}-\d{2}-\d{2} \d{2}:\d{2} KST\)", page.status_label.text()), (
        page.status_label.text()
    )
