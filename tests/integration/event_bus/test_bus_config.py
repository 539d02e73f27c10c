"""The ``event_bus`` config section reaches the container's bus; bad values name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.application.event_bus import EventPriority, LogLineEvent, RetryPolicy
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.infrastructure.config.loader import ConfigError
from upbit_auto_trading.infrastructure.paths import AppPaths


def _write_config(home: Path, text: str) -> Path:
    paths = AppPaths(home).ensure()
    paths.config_file.write_text(text, encoding="utf-8")
    return paths.config_file


def test_defaults_match_the_documented_values(tmp_path: Path) -> None:
    bus = build_container(home=tmp_path, environ={}).event_bus.bus()
    stats = bus.stats()
    assert stats.queue_capacity[EventPriority.LOW_LOGGING] == 20_000
    assert stats.queue_capacity[EventPriority.CRITICAL_TRADING] == 10_000
    assert bus.publish_timeout == 5.0
    assert bus.retry_policy(EventPriority) == RetryPolicy(max_retries=3, base_delay=0.2, factor=2.0)


def test_a_config_file_changes_capacity_timeout_starvation_and_retry(tmp_path: Path) -> None:
    _write_config(
        tmp_path,
        "event_bus:\n"
        "  capacity:\n"
        "    low_logging: 3\n"
        "    medium_config: 7\n"
        "  publish_timeout: 0.25\n"
        "  starvation_limit: 5\n"
        "  retry:\n"
        "    max_retries: 1\n"
        "    base_delay: 0.05\n",
    )
    bus = build_container(home=tmp_path, environ={}).event_bus.bus()
    stats = bus.stats()
    assert stats.queue_capacity[EventPriority.LOW_LOGGING] == 3
    assert stats.queue_capacity[EventPriority.MEDIUM_CONFIG] == 7
    assert stats.queue_capacity[EventPriority.HIGH_SAFETY] == 10_000  # untouched keys keep the default
    assert bus.publish_timeout == 0.25
    assert bus.retry_policy(EventPriority) == RetryPolicy(max_retries=1, base_delay=0.05, factor=2.0)

    # The capacity takes effect: a fourth LOW event drops the oldest (the bus is not started, so
    # nothing is dispatched in between).
    for i in range(4):
        bus.publish_nowait(
            LogLineEvent(source="t", level="INFO", logger="t", message=str(i)), EventPriority.LOW_LOGGING
        )
    stats = bus.stats()
    assert stats.queue_depths[EventPriority.LOW_LOGGING] == 3
    assert stats.dropped[EventPriority.LOW_LOGGING] == 1
    assert bus._queues.limit == 5  # noqa: SLF001 - the starvation limit has no public getter


def test_an_environment_override_reaches_the_bus(tmp_path: Path) -> None:
    env = {"UPBIT_AUTO_TRADING__EVENT_BUS__CAPACITY__CRITICAL_TRADING": "42"}
    bus = build_container(home=tmp_path, environ=env).event_bus.bus()
    assert bus.stats().queue_capacity[EventPriority.CRITICAL_TRADING] == 42


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("event_bus:\n  capacity:\n    low_logging: 0\n", "event_bus.capacity.low_logging"),
        ("event_bus:\n  capacity:\n    critical_trading: lots\n", "event_bus.capacity.critical_trading"),
        ("event_bus:\n  publish_timeout: 0\n", "event_bus.publish_timeout"),
        ("event_bus:\n  starvation_limit: 2.5\n", "event_bus.starvation_limit"),
        ("event_bus:\n  retry:\n    max_retries: -1\n", "event_bus.retry.max_retries"),
        ("event_bus:\n  retry:\n    factor: 0.5\n", "event_bus.retry.factor"),
        ("event_bus:\n  retry:\n    base_delay: true\n", "event_bus.retry.base_delay"),
        ("event_bus:\n  capacity:\n    urgent: 5\n", "event_bus.capacity.urgent"),
    ],
)
def test_a_bad_value_is_a_config_error_naming_file_and_key(tmp_path: Path, yaml_text: str, key: str) -> None:
    config_file = _write_config(tmp_path, yaml_text)
    with pytest.raises(ConfigError) as caught:
        build_container(home=tmp_path, environ={})
    message = str(caught.value)
    assert f"'{key}'" in message
    assert str(config_file) in message


def test_a_bad_environment_value_names_the_environment(tmp_path: Path) -> None:
    env = {"UPBIT_AUTO_TRADING__EVENT_BUS__RETRY__MAX_RETRIES": "many"}
    with pytest.raises(ConfigError, match=r"environment .*'event_bus\.retry\.max_retries'"):
        build_container(home=tmp_path, environ=env)
