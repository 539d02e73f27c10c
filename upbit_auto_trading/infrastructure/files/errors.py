"""Errors of the file adapters; each names the file and what to do."""

from __future__ import annotations

from upbit_auto_trading.infrastructure.errors import InfrastructureError


class FileOperationError(InfrastructureError):
    """A file could not be written, copied or renamed; nothing was changed (temporary files removed)."""


class NotWritableError(FileOperationError):
    """The destination folder cannot be written to (read-only or no permission); choose another one."""


class DiskFullError(FileOperationError):
    """The disk filled up while writing; the partial files were removed. Free some space and retry."""


class ArchiveError(FileOperationError):
    """The archive is not a backup archive of this app, or it is damaged; nothing was imported."""
