from __future__ import annotations

from upbit_auto_trading.entrypoints.cli import main

raise SystemExit(main())
