"""Rules of the database-configuration context that a request broke."""

from __future__ import annotations

from upbit_auto_trading.domain.errors import DomainError


class DatabaseConfigurationError(DomainError):
    """A profile or backup request breaks a rule; the message says which and how to fix the request."""


class InvalidProfileError(DatabaseConfigurationError):
    """A profile id, name, environment or path is not acceptable; correct the value and retry."""


class UnknownProfileError(DatabaseConfigurationError):
    """No profile has this id; list the profiles and use one of their ids."""


class ProfileInUseError(DatabaseConfigurationError):
    """The active profile cannot be deleted; switch to another profile first."""
