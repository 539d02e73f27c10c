"""A writer process for the write-protocol race tests: writes through the app's own repositories, one
record at a time, and acknowledges each write only after the repository call returned (as a CLI
command prints "saved").

    python write_race.py HOME KIND ACK_FILE STOP_FILE

KIND is trigger, strategy, candle or journal. Each acknowledged record's key goes to ACK_FILE as
``ok KEY``; a refused write as ``refused KEY message``. After a refusal the writer starts over with a
new container (a new command reads the profile registry again), and so every FRESH_EVERY writes. It
stops when STOP_FILE exists.
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.strategy import load_sample_strategy
from upbit_auto_trading.domain.trading.journal import JournalOrder, JournalState
from upbit_auto_trading.domain.trading.order import OrderSide, OrderType
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.infrastructure.errors import InfrastructureError

KINDS = ("trigger", "strategy", "candle", "journal")
RACE_MARKET = "KRW-RACE"
FRESH_EVERY = 25
T0 = datetime(2024, 1, 1, tzinfo=UTC)
OVERRIDES = {"market_data": {"seed_bundled": False}, "backup": {"keep_automatic": 1000, "daily": False, "on_exit": False}}


def open_container(home: Path):  # noqa: ANN201
    container = build_container(home=home, overrides=OVERRIDES)
    container.core.database_session()
    return container


def write(container, kind: str, key: str, n: int) -> None:  # noqa: ANN001
    if kind == "trigger":
        catalogue = container.triggers.catalogue_repository().load()
        container.triggers.trigger_repository().add(
            TradingCondition.create(
                catalogue, name=key, variable_id="RSI", params={"period": 14}, operator="crosses_above", value=30
            )
        )
    elif kind == "strategy":
        container.triggers.strategy_store().add(replace(load_sample_strategy(), name=key))
    elif kind == "candle":
        price = Decimal(100 + n % 7)
        start = datetime.fromtimestamp(T0.timestamp() + int(key.rsplit("-", 1)[1]) * 3600, UTC)
        container.market_data.candle_store().upsert(
            [Candle(RACE_MARKET, "1h", start, price, price, price, price, Decimal("1"), Decimal("100"))]
        )
    elif kind == "journal":
        container.trading.journal().record_intent(
            JournalOrder(
                identifier=key,
                session_id="race",
                market="KRW-BTC",
                side=OrderSide.BID,
                ord_type=OrderType.LIMIT,
                price=Decimal("95000000"),
                volume=Decimal("0.0001"),
                reason="entry",
                kind="entry",
                state=JournalState.INTENT,
                created_at=T0,
                updated_at=T0,
                decided_bar=T0.isoformat(),
                source="intent",
            )
        )
    else:
        raise SystemExit(f"unknown kind {kind}")


def main(home: Path, kind: str, ack_path: Path, stop_path: Path) -> int:
    rng = random.Random(os.getpid())
    container = None
    with open(ack_path, "a", encoding="utf-8", buffering=1) as ack:
        n = 0
        while not stop_path.exists():
            n += 1
            key = f"race-{os.getpid()}-{n}"  # the candle writer stores n as an hour offset
            try:
                if container is None:
                    container = open_container(home)
                write(container, kind, key, n)
            except InfrastructureError as exc:
                ack.write(f"refused {key} {' '.join(str(exc).split())}\n")
                container = None  # the next "command" starts afresh
                continue
            ack.write(f"ok {key} {time.monotonic():.6f}\n")
            if n % FRESH_EVERY == 0:  # a new command: reads the registry again (a switch or move shows)
                container.core.database_session().close_all()
                container = None
            time.sleep(rng.random() * 0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
