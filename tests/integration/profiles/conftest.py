from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

RAM_FOLDER = Path("/dev/shm")
RAM_NEEDED = 512 * 1024 * 1024


def _ram_folder_usable() -> bool:
    try:
        return (
            RAM_FOLDER.is_dir()
            and os.access(RAM_FOLDER, os.W_OK)
            and shutil.disk_usage(RAM_FOLDER).free > RAM_NEEDED
        )
    except OSError:
        return False


@pytest.fixture
def home(tmp_path: Path):
    """A temporary home on a RAM file system when there is one, else ``tmp_path``.

    For the tests that repeat file operations many times (100 cycles, SIGKILL at every step): fsync
    then costs nothing. They check content and process kills, which the page cache survives on any
    file system; durability across power loss is not something a test can check.
    """
    if not _ram_folder_usable():
        yield tmp_path
        return
    home = Path(tempfile.mkdtemp(prefix="uat-profiles-", dir=RAM_FOLDER))
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)
