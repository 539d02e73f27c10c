"""Base of the application's error hierarchy."""

from __future__ import annotations


class ApplicationError(Exception):
    """A use case could not be carried out; the message tells the user what to do."""


class NotFoundError(ApplicationError):
    """The named thing does not exist; check the name or id."""


class ConflictError(ApplicationError):
    """The operation conflicts with the current state (a name in use, an operation under way)."""
