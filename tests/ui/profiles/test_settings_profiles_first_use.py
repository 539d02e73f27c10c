"""Settings -> Database, Switch, into a profile never opened before (pytest-qt): the real page, presenter,
SwitchProfile, gate and ApplyProfileSwitch, after the app's own start-up. The new profile comes with the
bundled candle series and the sample strategy, as the development profile does at the first start (the
bundled files cut to 300 candles so the seeding is quick: tests/support/bundled_sample.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from dependency_injector import providers

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.screens import database_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.profiles.screen import build as build_database_page

SAMPLE = "Basic 7-rule (기본 7규칙)"


def _support():  # noqa: ANN202 - tests/support/bundled_sample.py (tests are not a package under importlib mode)
    name = "bundled_sample"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / "bundled_sample.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _page(qtbot, tmp_path, *, seed: bool):
    set_language("en")
    overrides = {} if seed else {"market_data": {"seed_bundled": False}}
    container = build_container(home=tmp_path / "home", overrides=overrides)
    if not seed:
        container.config.strategies.seed_samples.from_value(False)
    catalog = _support().small_bundle(tmp_path / "bundle")
    container.market_data.bundled_catalog.override(providers.Object(catalog))
    startup(container)  # as the desktop does before the window: registers what an opened profile gets
    view = build_database_page(database_services(container), None)
    qtbot.addWidget(view)
    messages = []
    view.confirm = lambda question: True
    view.show_info = lambda message: messages.append(("info", message))
    view.show_error = lambda message: messages.append(("error", message))
    qtbot.waitUntil(lambda: view.runner.pending == 0 and view.profiles.rowCount() == 3)
    return view, container, messages


def _switch_to_testing(qtbot, view, container, messages) -> None:
    view.select_profile("testing")
    view.switch_button.click()
    qtbot.waitUntil(lambda: view.runner.pending == 0 and not view.presenter.busy, timeout=20_000)
    assert not [m for m in messages if m[0] == "error"], messages
    assert container.core.active_profile_id() == "testing"


@pytest.fixture
def closing():
    made = []
    yield made.append
    for container in made:
        container.core.database_session().close_all()


def test_switch_to_a_new_testing_profile_brings_the_bundled_series_and_the_samples(qtbot, tmp_path, closing):
    view, container, messages = _page(qtbot, tmp_path, seed=True)
    closing(container)
    _switch_to_testing(qtbot, view, container, messages)
    series = container.market_data.list_series().execute(with_gaps=False)
    assert {(s.market, s.timeframe) for s in series} == _support().bundled_series()
    assert all(s.count == 300 for s in series)
    assert [s.name for s in container.strategies.list_strategies().execute()] == [SAMPLE]
    assert "testing" in str(container.core.database_session().paths()["strategies"])


def test_with_the_seeding_settings_off_the_new_profile_stays_empty(qtbot, tmp_path, closing):
    view, container, messages = _page(qtbot, tmp_path, seed=False)
    closing(container)
    _switch_to_testing(qtbot, view, container, messages)
    assert container.market_data.list_series().execute(with_gaps=False) == []
    assert container.strategies.list_strategies().execute() == []
    assert container.triggers.list_triggers().execute("") == []
