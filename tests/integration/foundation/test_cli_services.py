"""The CLI's typed services (presentation/cli/services.py) as the composition root fills them in
(container/cli.py), on a real home: every factory builds what its field says, and filling them in builds
nothing (a command opens only what it uses)."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles
from upbit_auto_trading.application.trading.engine import TradingEngine
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.cli import services as cli_types
from upbit_auto_trading.presentation.cli.services import CliServices, LoopbackServer


@pytest.fixture
def built(app_home: Path) -> Iterator[CliServices]:
    container = build_container(home=app_home, overrides={"market_data": {"seed_bundled": False}})
    container.config.strategies.seed_samples.from_value(False)
    startup(container)
    yield cli_services(container)
    container.core.database_session().close_all()


def _type_checking_names() -> dict[str, object]:
    """What services.py imports for type checkers only (the engine's types stay off the start-up path)."""
    tree = ast.parse(inspect.getsource(cli_types))
    names: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imported in (n for n in node.body if isinstance(n, ast.ImportFrom)):
                module = importlib.import_module(imported.module or "")
                names |= {a.asname or a.name: getattr(module, a.name) for a in imported.names}
    return names


def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, globalns=vars(cli_types), localns=_type_checking_names())


def _protocol_members(protocol: type) -> set[str]:
    members: set[str] = set()
    for base in protocol.__mro__:
        if getattr(base, "_is_protocol", False) and base is not typing.Protocol:
            members |= {n for n in vars(base) if not n.startswith("_") or n in ("__enter__", "__exit__")}
    return members - {"_is_protocol"}


def _check(product: object, declared: object, where: str) -> None:
    assert isinstance(declared, type), f"{where}: {declared!r}"
    if getattr(declared, "_is_protocol", False):
        missing = sorted(m for m in _protocol_members(declared) if not hasattr(product, m))
        assert not missing, f"{where}: {type(product).__name__} lacks {missing} of {declared.__name__}"
    else:
        assert isinstance(product, declared), f"{where}: {type(product).__name__} is not {declared.__name__}"


def test_every_factory_without_arguments_builds_what_its_field_declares(built: CliServices) -> None:
    every, checked = set(), set()
    for group_field in dataclasses.fields(CliServices):
        group = getattr(built, group_field.name)
        if not dataclasses.is_dataclass(group):
            continue
        for name, hint in _hints(type(group)).items():
            every.add(f"{group_field.name}.{name}")
            if typing.get_origin(hint) is not Callable:
                continue
            params, declared = typing.get_args(hint)
            if params != [] or typing.get_origin(declared) is not None:  # with arguments, or Awaitable[...]
                continue
            _check(getattr(group, name)(), declared, f"{group_field.name}.{name}")
            checked.add(f"{group_field.name}.{name}")
    # everything but the factories with arguments (the next test) was built and checked
    with_arguments = {
        "market_data.candle_fetcher",
        "market_data.download_candles",
        "trading.engine",
        "trading.start_bus",
    }
    assert every - checked == with_arguments
    assert len(checked) > 50 and "profiles.restore_backup" in checked and "trading.journal" in checked


def test_the_factories_that_take_arguments(built: CliServices) -> None:
    md = built.market_data
    with md.candle_fetcher(None) as fetcher:
        _check(fetcher, cli_types.ClosingCandleFetcher, "market_data.candle_fetcher")
        assert isinstance(md.download_candles(fetcher), DownloadCandles)

    engine = built.trading.engine()
    assert isinstance(engine, TradingEngine) and built.trading.engine() is engine  # one per process

    async def bus_for_a_command() -> None:
        bus = await built.trading.start_bus()
        try:
            assert isinstance(bus, EventBus) and bus.is_running
            assert bus is built.events.bus()  # the bus the gate and the events commands see
        finally:
            await bus.stop()

    asyncio.run(bus_for_a_command())

    server = built.loopback_server(
        port=0, markets=["KRW-BTC"], timeframe="1h", synthetic=True, limit=50, visible=None, krw=Decimal(5000)
    )
    _check(server, LoopbackServer, "loopback_server")
    assert server.config.accounts[0].access_key and server.base_url.startswith("http://127.0.0.1")


def test_filling_in_the_services_opens_no_database(app_home: Path) -> None:
    container = build_container(home=app_home)
    services = cli_services(container)
    assert services.keys.active_environment() == "development"  # reads profiles.json only
    assert not list(app_home.rglob("*.sqlite3"))  # nothing opened or migrated for a command that needs none
    services.system.get_system_info()
    assert list(app_home.rglob("*.sqlite3"))  # the first use case that needs the databases opens them
    container.core.database_session().close_all()
