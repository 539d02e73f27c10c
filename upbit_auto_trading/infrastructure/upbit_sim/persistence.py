"""The paper exchange's state file: accounts, orders with their trades, identifiers and the uuid counter.

JSON, Decimals as strings (exact), datetimes ISO 8601 in UTC. Written whole after every change: to a temp
file in the same folder, flushed and fsynced, then renamed over the old one, so the file on disk is always
one complete state, the one before or the one after a change, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.infrastructure.errors import InfrastructureError
from upbit_auto_trading.infrastructure.files.fsutil import TEMP_MARK, fsync_dir
from upbit_auto_trading.infrastructure.upbit_sim.orders import Balance, SimOrder, SimTrade

if TYPE_CHECKING:
    from upbit_auto_trading.infrastructure.upbit_sim.exchange import SimExchange

FORMAT = "upbit-sim-state"
VERSION = 1


class SimStateError(InfrastructureError):
    """The paper exchange's state file cannot be read; it is left untouched."""


class SimStateFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, Any] | None:
        """The stored document, or None when there is no file yet. Leftover temp files of an interrupted
        write are removed: the file itself is still the last complete state."""
        self._remove_leftovers()
        if not self.path.exists():
            return None
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SimStateError(f"cannot read the paper exchange state {self.path}: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise SimStateError(f"{self.path} is not a paper exchange state file")
        if doc.get("version") != VERSION:
            raise SimStateError(
                f"{self.path} was written by another version of the paper exchange "
                f"(format {doc.get('version')}, this one reads {VERSION})"
            )
        return doc

    def write(self, doc: dict[str, Any]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=TEMP_MARK)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # no indent: json's C encoder only runs without one (the file is rewritten on every order)
                handle.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        with contextlib.suppress(OSError):  # the rename is durable once the folder is; best effort
            fsync_dir(folder)

    def _remove_leftovers(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            return
        for leftover in folder.glob(f".{self.path.name}.*{TEMP_MARK}"):
            with contextlib.suppress(OSError):
                leftover.unlink()


# --- the document -----------------------------------------------------------------------------------------


def dump_exchange(exchange: SimExchange) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "uuid_prefix": f"{exchange.uuid_prefix:016x}",
        "counter": exchange.counter,
        "placed_count": exchange.placed_count,
        "accounts": {
            key: {
                cur: {
                    "balance": str(b.balance),
                    "locked": str(b.locked),
                    "avg_buy_price": str(b.avg_buy_price),
                }
                for cur, b in balances.items()
            }
            for key, balances in exchange.accounts.items()
        },
        "orders": [_dump_order(o) for o in exchange.orders.values()],
        "identifiers": [[key, ident, uid] for (key, ident), uid in exchange.by_identifier.items()],
    }


def load_exchange(exchange: SimExchange, doc: dict[str, Any]) -> None:
    """Replace the exchange's accounts and orders with the document's."""
    try:
        accounts = {
            key: {
                cur: Balance(_dec(b["balance"]), _dec(b["locked"]), _dec(b["avg_buy_price"]))
                for cur, b in balances.items()
            }
            for key, balances in doc["accounts"].items()
        }
        orders = {o["uuid"]: _load_order(o) for o in doc["orders"]}
        identifiers = {(str(k), str(i)): str(u) for k, i, u in doc["identifiers"]}
        counter = int(doc["counter"])
        prefix = int(doc["uuid_prefix"], 16)
        placed = int(doc.get("placed_count", 0))
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise SimStateError(f"the paper exchange state is damaged: {exc!r}") from exc
    exchange.accounts = accounts
    exchange.orders = orders
    exchange.by_identifier = identifiers
    exchange.counter = counter
    exchange.uuid_prefix = prefix
    exchange.placed_count = placed


def _dump_order(o: SimOrder) -> dict[str, Any]:
    return {
        "uuid": o.uuid,
        "access_key": o.access_key,
        "market": o.market,
        "side": o.side,
        "ord_type": o.ord_type,
        "price": _opt(o.price),
        "volume": _opt(o.volume),
        "identifier": o.identifier,
        "created_at": o.created_at.isoformat(),
        "time_in_force": o.time_in_force,
        "state": o.state,
        "remaining": str(o.remaining),
        "executed": str(o.executed),
        "paid_fee": str(o.paid_fee),
        "locked": str(o.locked),
        "seq": o.seq,
        "external": o.external,
        "trades": [
            {
                "uuid": t.uuid,
                "price": str(t.price),
                "volume": str(t.volume),
                "funds": str(t.funds),
                "fee": str(t.fee),
                "created_at": t.created_at.isoformat(),
                "trend": t.trend,
                "maker": t.maker,
            }
            for t in o.trades
        ],
    }


def _load_order(d: dict[str, Any]) -> SimOrder:
    return SimOrder(
        uuid=str(d["uuid"]),
        access_key=str(d["access_key"]),
        market=str(d["market"]),
        side=str(d["side"]),
        ord_type=str(d["ord_type"]),
        price=_opt_dec(d["price"]),
        volume=_opt_dec(d["volume"]),
        identifier=d["identifier"],
        created_at=datetime.fromisoformat(d["created_at"]),
        time_in_force=d["time_in_force"],
        state=str(d["state"]),
        remaining=_dec(d["remaining"]),
        executed=_dec(d["executed"]),
        paid_fee=_dec(d["paid_fee"]),
        locked=_dec(d["locked"]),
        trades=[
            SimTrade(
                uuid=str(t["uuid"]),
                price=_dec(t["price"]),
                volume=_dec(t["volume"]),
                funds=_dec(t["funds"]),
                fee=_dec(t["fee"]),
                created_at=datetime.fromisoformat(t["created_at"]),
                trend=str(t["trend"]),
                maker=bool(t["maker"]),
            )
            for t in d["trades"]
        ],
        seq=int(d.get("seq", 0)),
        external=bool(d.get("external", False)),
    )


def _dec(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise ValueError(f"expected a decimal string, got {text!r}")
    return Decimal(text)


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _opt_dec(text: Any) -> Decimal | None:
    return None if text is None else _dec(text)
