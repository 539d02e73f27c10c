"""Errors of the trigger context; each message names what to change."""

from __future__ import annotations

from upbit_auto_trading.domain.errors import DomainError


class TriggerError(DomainError):
    """Base of trigger rule violations."""


class UnknownVariableError(TriggerError):
    """The variable id is not in the catalogue; run `variables list` for the ids."""


class InvalidParameterError(TriggerError):
    """A parameter is missing, of the wrong type, outside its range or not one of its choices."""


class IncompatibleVariablesError(TriggerError):
    """The two variables cannot be compared (different comparison groups); pick another target."""


class ValueOutOfRangeError(TriggerError):
    """A fixed value lies outside the variable's range or unit (e.g. RSI above 100)."""


class InvalidOperatorError(TriggerError):
    """Unknown operator, or an operator that does not fit the target (e.g. rising with a variable)."""


class InvalidConditionError(TriggerError):
    """The trigger as a whole is not valid (empty name, missing target...)."""


class NeedsPositionError(TriggerError):
    """The variable is read from a position or account, and none was supplied (e.g. a chart preview)."""
