"""The steps every profile gets when it is opened, at start-up or by a switch.

The steps belong to other contexts (the bundled candles, the sample strategies, the variable catalogue), so
start-up registers them here (container/startup.py) and the profile switch runs them after it has opened
the new files. "Only the first time" is decided by each step's own seed ledger, which lives in the
profile's databases: a step that already ran there does nothing, and a sample the user deleted stays deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Step = Callable[[], object]


class PrepareOpenedProfile:
    """Registered steps, run in the order they were added (a later step may need an earlier one's rows)."""

    def __init__(self) -> None:
        self._steps: dict[str, Step] = {}

    def add(self, name: str, step: Step) -> None:
        """Register the step called ``name``; the same name again replaces it in its place (start-up may run
        twice on one container)."""
        self._steps[name] = step

    def execute(self) -> list[str]:
        ran: list[str] = []
        for name, step in list(self._steps.items()):
            step()
            ran.append(name)
        if ran:
            log.debug("profile prepared: %s", ", ".join(ran))
        return ran
