"""Before any replacement of database files: is it safe now? Says what blocks, in words a user can act on.

Checks the trading state (of this process and, through a marker file, of other windows of the app),
free disk space, other programs holding the files open, and this app's own
unfinished transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from upbit_auto_trading.application.profiles.dto import SafetyReport
from upbit_auto_trading.application.profiles.ports import (
    SafetyProbe,
    TradeElsewhere,
    TradingActivity,
    TradingElsewhere,
)

log = logging.getLogger(__name__)

MB = 1024 * 1024
SPACE_MARGIN_BYTES = 16 * MB


@dataclass(frozen=True)
class SafetyCheckRequest:
    operation: str
    paths: Mapping[str, Path] = field(default_factory=dict)  # database files to be replaced
    space_needed: Mapping[Path, int] = field(default_factory=dict)  # folder -> bytes that will be written
    check_trading: bool = True  # this process (the gate already covers switches and restores)
    check_other_processes: bool = True  # another window's live trade, which no gate here can see
    check_transactions: bool = True


def elsewhere_blocker(trade: TradeElsewhere) -> str:
    return f"{trade.describe()}; wait until it ends there (or stop it in that window), then retry"


class SystemSafetyCheck:
    def __init__(
        self, probe: SafetyProbe, trading: TradingActivity, elsewhere: TradingElsewhere | None = None
    ) -> None:
        self._probe = probe
        self._trading = trading
        self._elsewhere = elsewhere

    def execute(self, request: SafetyCheckRequest) -> SafetyReport:
        blockers: list[str] = []
        warnings: list[str] = []
        if request.check_trading:
            blocker = self._trading_blocker(request.operation)
            if blocker:
                blockers.append(blocker)
        if request.check_other_processes and self._elsewhere is not None:
            other = self._elsewhere.trade_elsewhere()
            if other is not None:
                blockers.append(elsewhere_blocker(other))
        self._check_space(request, blockers, warnings)
        if request.paths:
            blockers.extend(self._file_users(request.paths))
        if request.check_transactions:
            for transaction in self._probe.open_transactions():
                blockers.append(f"{transaction}; wait for it to finish")
        return SafetyReport(blockers, warnings)

    def _check_space(self, request: SafetyCheckRequest, blockers: list[str], warnings: list[str]) -> None:
        """Too little room for what will be written blocks; less than twice that only warns."""
        for folder, needed in request.space_needed.items():
            free = self._probe.free_bytes(folder)
            wanted = needed + SPACE_MARGIN_BYTES
            if free < wanted:
                blockers.append(
                    f"not enough free disk space in {folder}: {request.operation} needs {wanted / MB:.1f} MB, "
                    f"{free / MB:.1f} MB free; free some space or choose another folder"
                )
            elif free < 2 * wanted:
                warnings.append(f"little free disk space left in {folder} ({free / MB:.0f} MB)")

    def _file_users(self, paths: Mapping[str, Path]) -> list[str]:
        """Other programs and running engines that have the files open."""
        blockers = [f"{user}; close that program first" for user in self._probe.foreign_users(paths)]
        # even flat, a running engine's order journal is in these files: replacing them forgets orders
        blockers.extend(
            f"{engine}; stop it first (`trade stop`)" for engine in self._probe.running_engines(paths)
        )
        return blockers

    def _trading_blocker(self, operation: str) -> str | None:
        """Fails closed: a trading state that cannot be read counts as a live trade, and says so."""
        try:
            trade = self._trading.live_trade()
        except Exception as exc:  # noqa: BLE001 - any failure to answer blocks; the reason is shown
            log.error(
                "%s is blocked: whether a trade is live cannot be told: %s", operation, exc, exc_info=exc
            )
            return (
                f"whether a trade is live cannot be told, so one is assumed ({exc}); "
                "nothing was changed: restart the app and retry"
            )
        return f"a trade is live ({trade}); wait until it ends" if trade else None
