"""Base of the infrastructure's error hierarchy."""

from __future__ import annotations


class InfrastructureError(Exception):
    """An adapter failed (disk, database, network); the message names the file or service involved."""


class DatabaseError(InfrastructureError):
    """A database could not be opened, migrated or written; nothing was changed."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer version of the app; it is left untouched. Upgrade the app."""
