"""The error every refused configuration value ends in."""

from __future__ import annotations

from upbit_auto_trading.infrastructure.errors import InfrastructureError


class ConfigError(InfrastructureError):
    """The configuration is invalid: one line naming the file or variable, the key, the value and what is
    allowed. Raised before anything is created or changed."""
