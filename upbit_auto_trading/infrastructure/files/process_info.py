"""Is a process running, and which incarnation of its pid is it (to tell a reused pid apart)?"""

from __future__ import annotations

import os
import sys


def pid_running(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_running(pid)
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    """A killed child nobody has waited for yet still answers signal 0 (Linux: state Z)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def process_start_token(pid: int) -> str | None:
    """The process's start time since boot (Linux ``/proc/<pid>/stat`` field 22); None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rpartition(")")[2].split()
        return fields[19]
    except (OSError, IndexError):
        return None


# Defined on Windows only: ctypes.WinDLL and get_last_error exist there alone (a type checker run elsewhere
# skips this block, as it skips the call in pid_running).
if sys.platform == "win32":  # pragma: no cover - Windows only

    def _windows_pid_running(pid: int) -> bool:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        process_query_limited_information = 0x1000
        still_active = 259
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
