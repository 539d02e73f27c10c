"""Built-in configuration defaults: the lowest layer (defaults < file < environment < command line)."""

from __future__ import annotations

DEFAULTS: dict = {
    "profile": "",  # empty: the registry's active profile
    "ui": {"language": "auto", "theme": "light"},
    "logging": {"level": "INFO", "console": True, "file_max_bytes": 5_000_000, "file_backups": 5},
    "backup": {"keep_automatic": 10, "daily": False, "on_exit": False},
    "trading": {"mode": "paper"},
    "market_data": {"seed_bundled": True},  # import the bundled sample candles into an empty profile
    "upbit": {"api_url": "https://api.upbit.com", "websocket_url": "wss://api.upbit.com/websocket/v1", "timeout": 10.0},
}
