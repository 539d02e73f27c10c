"""Built-in configuration defaults: the lowest layer (defaults < file < environment < command line)."""

from __future__ import annotations

DEFAULTS: dict = {
    "profile": "",  # empty: the registry's active profile
    "ui": {"language": "auto", "theme": "light"},
    "logging": {"level": "INFO", "console": True, "file_max_bytes": 5_000_000, "file_backups": 5},
    "backup": {"keep_automatic": 10, "daily": False, "on_exit": False},
    "trading": {
        "mode": "paper",
        "risk": {  # checked before every order of the engine; null = off (docs/trading-engine.md)
            "max_position_krw": None,
            "max_total_krw": None,
            "max_open_positions": None,
            "daily_loss_limit_krw": None,
            "caution_loss_pct": 3,  # losses from the day's starting equity (KST day)
            "defense_loss_pct": 5,
            "halt_loss_pct": 8,
        },
    },
    "market_data": {"seed_bundled": True},  # import the bundled sample candles into an empty profile
    "upbit": {"api_url": "https://api.upbit.com", "websocket_url": "wss://api.upbit.com/websocket/v1", "timeout": 10.0},
    "event_bus": {  # see docs/event-bus.md
        "capacity": {  # queued events per priority
            "critical_trading": 10_000,
            "high_safety": 10_000,
            "medium_config": 10_000,
            "low_logging": 20_000,  # more queued objects make every GC pass slower (docs/event-bus.md)
            "lowest_cleanup": 10_000,
        },
        "publish_timeout": 5.0,  # s a CRITICAL/HIGH/MEDIUM publisher waits for room before QueueFullError
        "starvation_limit": 64,  # dispatches of other priorities before a waiting queue is served
        "retry": {"max_retries": 3, "base_delay": 0.2, "factor": 2.0},  # failed handler: 0.2, 0.4, 0.8 s
    },
}
