"""Which profile the open database session belongs to, held in one typed object.

Set when the session opens (the requested profile, else the registry's active one) and changed only by a
profile switch (``ApplyProfileSwitch``). Providers that need the current profile (the system info, the
status bar, the live-trading guard) read it from here on every call, so a switch reaches them without
anything being rebuilt or re-wired.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class SessionProfileHolder:
    """The ``SessionProfile`` port. Thread-safe: a switch runs in a worker thread while screens read."""

    def __init__(self, profile_id: str) -> None:
        if not profile_id:
            raise ValueError("the session's profile id is empty")
        self._lock = threading.Lock()
        self._profile_id = profile_id

    def current(self) -> str:
        with self._lock:
            return self._profile_id

    def changed(self, profile_id: str) -> None:
        if not profile_id:
            raise ValueError("the session's profile id is empty")
        with self._lock:
            previous, self._profile_id = self._profile_id, profile_id
        if previous != profile_id:
            log.debug("the open session now belongs to profile %s (was %s)", profile_id, previous)
