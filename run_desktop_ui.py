#!/usr/bin/env python3
"""Launch the Upbit auto-trading desktop app (``--help`` for options)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from upbit_auto_trading.entrypoints.desktop import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
