"""Built-in configuration defaults: the lowest layer (defaults < file < environment < command line).

Declared once, in the schema (``schema.Settings``), beside each key's type, range and reason.
"""

from __future__ import annotations

from typing import Any

from upbit_auto_trading.infrastructure.config.schema import Settings

DEFAULTS: dict[str, Any] = Settings().model_dump()
