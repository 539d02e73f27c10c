"""Errors of the robustness context."""

from __future__ import annotations

from upbit_auto_trading.domain.errors import DomainError


class RobustnessError(DomainError):
    """Base of the robustness context's errors."""


class ParameterPathError(RobustnessError):
    """A parameter path does not name a numeric parameter of this strategy (the message lists what does)."""


class ParameterSpaceError(RobustnessError):
    """A range or list of values cannot be swept (empty, wrong order, not whole numbers, too many cells)."""


class InvalidCell(RobustnessError):
    """This combination of values makes no valid strategy or trigger (e.g. a partial take-profit above the
    take-profit): the cell is recorded as invalid and the sweep goes on."""
