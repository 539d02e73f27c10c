from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


@pytest.fixture
def session(tmp_path: Path):  # noqa: ANN201
    s = DatabaseSession({n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    s.migrate_all()
    yield s
    s.close_all()
