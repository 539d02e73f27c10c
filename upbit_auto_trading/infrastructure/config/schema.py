"""The typed settings schema: every configuration key, its type, its range and its default.

One schema for every layer (file, environment, command line): the loader merges the layers and validates
the result with :class:`Settings` after each one, so a refusal names the layer that brought the value.
``defaults.py`` and the generated docs/configuration-reference.md both come from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from upbit_auto_trading.infrastructure.config.risk_schema import RiskSettings
from upbit_auto_trading.infrastructure.config.rules import Flag, Section, choice, number, url, whole
from upbit_auto_trading.infrastructure.profiles.registry_schema import ProfileSetting

LanguageName = Literal["auto", "ko", "en"]
ThemeName = Literal["light", "dark"]
LevelName = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
ModeName = Literal["paper", "live"]

Language = Annotated[LanguageName, *choice(LanguageName)]
Theme = Annotated[ThemeName, *choice(ThemeName)]
Level = Annotated[LevelName, *choice(LevelName, any_case=True)]
Mode = Annotated[ModeName, *choice(ModeName)]
Bytes = Annotated[int, *whole(0)]
Kept = Annotated[int, *whole(0, 1000)]
AtLeastOne = Annotated[int, *whole(1)]
Capacity = Annotated[int, *whole(1, 10_000_000)]
Dispatches = Annotated[int, *whole(1, 1_000_000)]
Retries = Annotated[int, *whole(0, 100)]
Seconds = Annotated[float, *number(above=0, maximum=3600, unit="seconds")]
RequestSeconds = Annotated[float, *number(above=0, maximum=300, unit="seconds")]
WatchdogSeconds = Annotated[float, *number(minimum=5, maximum=3600, unit="seconds")]
DelaySeconds = Annotated[float, *number(minimum=0, maximum=60, unit="seconds")]
Factor = Annotated[float, *number(minimum=1, maximum=10)]
RestUrl = Annotated[str, *url("http", "https", example="https://api.upbit.com")]
SocketUrl = Annotated[str, *url("ws", "wss", example="wss://api.upbit.com/websocket/v1")]


class UiSettings(Section):
    language: Language = Field("auto", description="interface language; auto follows the system locale")
    theme: Theme = Field("light", description="colour theme")


class LoggingSettings(Section):
    level: Level = Field("INFO", description="lowest level written to the log file and the console")
    console: Flag = Field(
        True, description="also log to the console (the CLI never does: its stderr is for errors)"
    )
    file_max_bytes: Bytes = Field(
        5_000_000, description="log file size that starts a new file; 0 never rotates"
    )
    file_backups: Kept = Field(5, description="rotated log files kept")


class BackupSettings(Section):
    keep_automatic: AtLeastOne = Field(
        10, description="automatic backups kept per profile; manual ones are never pruned"
    )
    daily: Flag = Field(False, description="back up when the app starts and the newest backup is a day old")
    on_exit: Flag = Field(False, description="back up when the window closes")


class WatchdogSettings(Section):
    """The dead-man watchdog of live sessions (docs/trading-engine.md)."""

    enabled: Flag = Field(
        True, description="start a watchdog process with every live session (paper and replay need none)"
    )
    timeout_seconds: WatchdogSeconds = Field(
        30.0, description="seconds without the engine's heartbeat before the watchdog cancels the open orders"
    )
    flatten: Flag = Field(
        False, description="the watchdog also sells the session's positions at market and halts the session"
    )


class TradingSettings(Section):
    mode: Mode = Field(
        "paper",
        description="mode shown in the status bar; each trading session chooses its own when it starts",
    )
    risk: RiskSettings = Field(default_factory=RiskSettings)
    watchdog: WatchdogSettings = Field(default_factory=WatchdogSettings)


class MarketDataSettings(Section):
    seed_bundled: Flag = Field(True, description="import the bundled real candles into an empty profile")


class StrategiesSettings(Section):
    seed_samples: Flag = Field(
        True, description="save the sample strategy and its triggers into a profile the first time it is opened"
    )


class UpbitSettings(Section):
    api_url: RestUrl = Field(
        "https://api.upbit.com", description="REST base URL (the loopback server's for offline runs)"
    )
    websocket_url: SocketUrl = Field(
        "wss://api.upbit.com/websocket/v1", description="WebSocket URL of the live price feed"
    )
    timeout: RequestSeconds = Field(10.0, description="one REST request, connect to answer")


class CapacitySettings(Section):
    """Queued events per priority (docs/event-bus.md)."""

    critical_trading: Capacity = Field(
        10_000, description="CRITICAL/HIGH/MEDIUM never drop: a full queue makes the publisher wait"
    )
    high_safety: Capacity = Field(10_000, description="HIGH: never dropped either")
    medium_config: Capacity = Field(10_000, description="MEDIUM: never dropped either")
    low_logging: Capacity = Field(
        20_000, description="LOW/LOWEST drop their oldest when full; more queued objects slow every GC pass"
    )
    lowest_cleanup: Capacity = Field(10_000, description="LOWEST: drops its oldest when full")


class RetrySettings(Section):
    """A failing handler's default retries: retry n waits base_delay * factor**(n-1), at most 30 s."""

    max_retries: Retries = Field(3, description="then a dead letter and a CriticalFailure")
    base_delay: DelaySeconds = Field(0.2, description="wait before the first retry")
    factor: Factor = Field(2.0, description="each further wait is this many times longer")


class EventBusSettings(Section):
    capacity: CapacitySettings = Field(default_factory=CapacitySettings)
    publish_timeout: Seconds = Field(
        5.0, description="a CRITICAL/HIGH/MEDIUM publisher waits this long for room, then QueueFullError"
    )
    starvation_limit: Dispatches = Field(
        64, description="a waiting queue is served after this many dispatches of other priorities"
    )
    retry: RetrySettings = Field(default_factory=RetrySettings)


class Settings(Section):
    """The whole configuration (config/config.yaml, UPBIT_AUTO_TRADING__SECTION__KEY, the command line)."""

    profile: ProfileSetting = Field(
        "", description="database profile to open; empty: the registry's active one"
    )
    ui: UiSettings = Field(default_factory=UiSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    trading: TradingSettings = Field(default_factory=TradingSettings)
    market_data: MarketDataSettings = Field(default_factory=MarketDataSettings)
    strategies: StrategiesSettings = Field(default_factory=StrategiesSettings)
    upbit: UpbitSettings = Field(default_factory=UpbitSettings)
    event_bus: EventBusSettings = Field(default_factory=EventBusSettings)
