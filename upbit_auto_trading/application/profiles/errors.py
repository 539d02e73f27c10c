"""Errors of the database-configuration use cases: each says what blocked and what to do."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.errors import ApplicationError, ConflictError, NotFoundError


class BackupNotFoundError(NotFoundError):
    """No backup has this id (or its folder is gone); list the backups and pick one."""


class BackupInvalidError(ApplicationError):
    """The backup failed verification; it was not used and nothing was changed."""

    def __init__(self, backup_id: str, problems: Sequence[str]) -> None:
        self.backup_id = backup_id
        self.problems = list(problems)
        super().__init__(f"Backup {backup_id} cannot be used: " + "; ".join(self.problems))


class UnsafeOperationError(ConflictError):
    """The safety check found something that blocks the operation; the message lists it. Nothing changed."""

    def __init__(self, operation: str, blockers: Sequence[str]) -> None:
        self.blockers = list(blockers)
        super().__init__(f"Cannot {operation} now: " + "; ".join(self.blockers))


class OperationBusyError(ConflictError):
    """Another database operation (backup, restore, switch) is under way; wait for it and retry."""


class RestoreFailedError(ApplicationError):
    """The restore failed and the databases were rolled back to their state before it."""


class ProfileUnusableError(ApplicationError):
    """The target profile's databases are damaged, of the wrong kind or too new; it was not activated."""


class TradingStateUnknownError(ApplicationError):
    """Whether a trade is live cannot be told (the source of the trading state failed). Treated as a live
    trade (fail closed): operations that must not run during one are blocked, with this as the reason."""
