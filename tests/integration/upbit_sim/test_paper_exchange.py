"""The loopback server as the paper exchange, over real HTTP: state on disk across restarts, Upbit's market
buy (cancel with fills), trades in order look-ups, Upbit's order-list parameters."""

from __future__ import annotations

import json
import os
from decimal import ROUND_DOWN
from decimal import Decimal as D

import pytest

from upbit_auto_trading.infrastructure.files.fsutil import TEMP_MARK
from upbit_auto_trading.infrastructure.upbit_sim import persistence
from upbit_auto_trading.infrastructure.upbit_sim.persistence import SimStateError, SimStateFile

from .conftest import ACCESS, MARKET, Raw, doc, limit_bid, make_server, market_buy

FEE = D("0.0005")
TRADE_KEYS = {"market", "uuid", "price", "volume", "funds", "side", "created_at", "trend"}


async def _answers(raw: Raw) -> dict[str, str]:
    """What the exchange says about the account, as raw reply texts."""
    queries = {
        "order rest-1": ("/v1/order", [("identifier", "uat-rest-1")]),
        "order buy-1": ("/v1/order", [("identifier", "uat-buy-1")]),
        "order ask-1": ("/v1/order", [("identifier", "uat-ask-1")]),
        "open": ("/v1/orders/open", []),
        "open wait+watch": ("/v1/orders/open", [("states[]", "wait"), ("states[]", "watch")]),
        "closed": ("/v1/orders/closed", []),
        "accounts": ("/v1/accounts", []),
    }
    out = {}
    for name, (path, params) in queries.items():
        reply = await raw.get(path, params)
        assert reply.status_code == 200, (name, reply.text)
        out[name] = reply.text
    return out


async def test_orders_and_balances_survive_a_restart(tmp_path):
    path = tmp_path / "paper" / "paper-account.json"
    with make_server(path) as sim:
        async with Raw(sim.base_url) as raw:
            assert (
                await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-rest-1"))
            ).status_code == 201
            placed = await raw.post("/v1/orders", market_buy("200000", "uat-buy-1"))
            assert placed.status_code == 201
            # On disk before the reply arrived: the file already holds the order and its fill.
            stored = SimStateFile(path).read()
            assert any(o["identifier"] == "uat-buy-1" and o["trades"] for o in stored["orders"])
            assert (
                await raw.post("/v1/orders", limit_bid("11000000", "0.01", "uat-rest-2"))
            ).status_code == 201
            assert (await raw.delete("/v1/order", [("identifier", "uat-rest-2")])).status_code == 200
            ask = {"market": MARKET, "side": "ask", "ord_type": "limit", "price": "100000000", "volume": "0.001",
                   "identifier": "uat-ask-1"}  # fmt: skip
            assert (await raw.post("/v1/orders", ask)).status_code == 201
            before = await _answers(raw)
    assert doc_trades(before["order buy-1"]), "the market buy's fill is listed"
    assert not list(path.parent.glob(f"*{TEMP_MARK}")), "no temp file is left behind"
    stored = SimStateFile(path).read()
    assert isinstance(stored["accounts"][ACCESS]["KRW"]["balance"], str)  # Decimals as exact text

    with make_server(path, krw="5") as again:  # a stored account keeps its balances, not the configured ones
        async with Raw(again.base_url) as raw:
            assert await _answers(raw) == before
            reused = await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-rest-1"))
            assert reused.status_code == 400 and doc(reused)["error"]["name"] == "duplicated_identifier"
            fresh = doc(await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-rest-3")))
    known = {o["uuid"] for o in stored["orders"]} | {t["uuid"] for o in stored["orders"] for t in o["trades"]}
    assert fresh["uuid"] not in known  # the uuid counter went on where it stopped


def doc_trades(text: str) -> list[dict]:
    return json.loads(text)["trades"]


async def test_a_failed_write_leaves_the_file_and_the_exchange_as_they_were(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    log = tmp_path / "state.json.log"
    with make_server(path) as sim:
        async with Raw(sim.base_url) as raw:
            assert (await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-1"))).status_code == 201
            saved, logged = path.read_bytes(), log.read_bytes()

            def broken_sync(fd):  # the disk fails once the change line is written
                raise OSError(28, "No space left on device")

            with monkeypatch.context() as patch:
                patch.setattr(persistence.os, "fdatasync", broken_sync)
                patch.setattr(persistence.os, "fsync", broken_sync)
                failed = await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-2"))
            assert failed.status_code == 500 and doc(failed)["error"]["name"] == "server_error"
            assert path.read_bytes() == saved and log.read_bytes() == logged  # no half change on disk
            assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.log"]
            assert (await raw.get("/v1/order", [("identifier", "uat-2")])).status_code == 404
            assert sim.balance(ACCESS, "KRW") == (D("1000000") - D("100050"), D("100050"))
            assert (await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-2"))).status_code == 201
    assert os.path.exists(path)


async def test_the_change_log_survives_a_torn_line_and_compaction(tmp_path, monkeypatch):
    """Orders are appended to the log (the state file is not rewritten per order); a crash mid-append leaves
    a cut line that the next start drops; every COMPACT_AFTER changes the state is rewritten whole."""
    monkeypatch.setattr(persistence, "COMPACT_AFTER", 5)
    path = tmp_path / "state.json"
    log = tmp_path / "state.json.log"
    with make_server(path) as sim:
        sim.set_rate_limit("order", 1000)
        async with Raw(sim.base_url) as raw:
            for n in range(12):
                reply = await raw.post("/v1/orders", limit_bid("10000000", "0.001", f"uat-{n}"))
                assert reply.status_code == 201
                if n == 1:
                    snapshot = path.read_bytes()
                    assert path.read_bytes() == snapshot and log.stat().st_size > 0  # appended, not rewritten
            before = await _orders_and_accounts(raw, 12)
    on_disk = SimStateFile(path).read()
    assert {o["identifier"] for o in on_disk["orders"]} == {f"uat-{n}" for n in range(12)}
    assert json.loads(path.read_text(encoding="utf-8"))["log_seq"] > 0  # compacted at least once
    with open(log, "ab") as handle:  # a crash in the middle of the next append
        handle.write(b'{"seq": 999, "orders": [{"uuid": "x"')
    with make_server(path) as again:
        async with Raw(again.base_url) as raw:
            assert await _orders_and_accounts(raw, 12) == before
            assert (await raw.post("/v1/orders", limit_bid("10000000", "0.001", "uat-12"))).status_code == 201
    assert {o["identifier"] for o in SimStateFile(path).read()["orders"]} == {f"uat-{n}" for n in range(13)}


async def _orders_and_accounts(raw: Raw, count: int) -> list[str]:
    answers = [(await raw.get("/v1/accounts")).text]
    for n in range(count):
        reply = await raw.get("/v1/order", [("identifier", f"uat-{n}")])
        assert reply.status_code == 200, reply.text
        answers.append(reply.text)
    return answers


def test_a_damaged_state_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"format": "upbit-sim-state", "version": 1, "accounts": {', encoding="utf-8")
    with pytest.raises(SimStateError, match="state.json"):
        make_server(path)
    assert path.read_text(encoding="utf-8").endswith("{")


async def test_market_buy_ends_cancelled_with_its_fill_and_market_sell_ends_done(tmp_path):
    with make_server(tmp_path / "s.json") as sim:
        price = sim.state.market.price(MARKET)
        async with Raw(sim.base_url) as raw:
            await raw.post("/v1/orders", market_buy("100000", "uat-buy"))
            buy = doc(await raw.get("/v1/order", [("identifier", "uat-buy")]))
            volume = (D("100000") / price).quantize(D("0.00000001"), rounding=ROUND_DOWN)
            funds = price * volume
            assert buy["state"] == "cancel" and buy["trades_count"] == 1
            assert buy["executed_volume"] == volume > 0 and buy["locked"] == 0
            assert buy["paid_fee"] == funds * FEE
            accounts = {a["currency"]: a for a in doc(await raw.get("/v1/accounts"))}
            assert accounts["KRW"]["balance"] == D("1000000") - funds - funds * FEE  # the rest refunded
            assert accounts["KRW"]["locked"] == 0 and accounts["BTC"]["balance"] == volume

            sell = {"market": MARKET, "side": "ask", "ord_type": "market", "volume": str(volume),
                    "identifier": "uat-sell"}  # fmt: skip
            await raw.post("/v1/orders", sell)
            sold = doc(await raw.get("/v1/order", [("identifier", "uat-sell")]))
            assert sold["state"] == "done" and sold["executed_volume"] == volume
            assert sold["paid_fee"] == funds * FEE
            krw = {a["currency"]: a for a in doc(await raw.get("/v1/accounts"))}["KRW"]["balance"]
            assert krw == D("1000000") - 2 * funds * FEE


async def test_order_look_ups_list_the_trades_with_stable_ids(tmp_path):
    path = tmp_path / "s.json"
    with make_server(path) as sim:
        async with Raw(sim.base_url) as raw:
            reply = doc(await raw.post("/v1/orders", market_buy("50000", "uat-a")))
            assert "trades" not in reply  # the POST reply does not list them (Upbit's neither)
            await raw.post("/v1/orders", market_buy("60000", "uat-b"))
            by_id = doc(await raw.get("/v1/order", [("identifier", "uat-a")]))
            by_uuid = doc(await raw.get("/v1/order", [("uuid", reply["uuid"])]))
            other = doc(await raw.get("/v1/order", [("identifier", "uat-b")]))
    assert by_id == by_uuid
    (trade,) = by_id["trades"]
    assert set(trade) == TRADE_KEYS
    assert trade["market"] == MARKET and trade["side"] == "bid" and trade["trend"] in ("up", "down")
    assert trade["funds"] == trade["price"] * trade["volume"] and trade["created_at"].endswith("+09:00")
    ids = {trade["uuid"], other["trades"][0]["uuid"], by_id["uuid"], other["uuid"]}
    assert len(ids) == 4  # every trade id is unique, and no order's id
    with make_server(path) as again:
        async with Raw(again.base_url) as raw:
            assert doc(await raw.get("/v1/order", [("identifier", "uat-a")]))["trades"] == [trade]


async def test_order_lists_take_upbits_parameters_newest_first():
    with make_server() as sim:
        async with Raw(sim.base_url) as raw:
            for ident, price in (("a", "10000000"), ("b", "11000000"), ("c", "12000000")):
                await raw.post("/v1/orders", limit_bid(price, "0.01", ident))
            await raw.delete("/v1/order", [("identifier", "b")])
            await raw.post("/v1/orders", market_buy("100000", "d"))
            first = sim.state.market.now(MARKET)
            sim.advance(MARKET, "1h")  # a later instant
            later = sim.state.market.now(MARKET)
            await raw.post("/v1/orders", {"market": MARKET, "side": "ask", "ord_type": "market",
                                          "volume": "0.0001", "identifier": "e"})  # fmt: skip

            async def ids(path: str, params: list[tuple[str, object]]) -> list[str]:
                reply = await raw.get(path, params)
                assert reply.status_code == 200, reply.text
                return [o["identifier"] for o in doc(reply)]

            assert await ids("/v1/orders/closed", []) == ["e", "d", "b"]
            assert await ids("/v1/orders/closed", [("states[]", "done"), ("states[]", "cancel")]) == [
                "e",
                "d",
                "b",
            ]
            assert await ids("/v1/orders/closed", [("states[]", "cancel")]) == ["d", "b"]
            assert await ids("/v1/orders/closed", [("state", "done")]) == ["e"]
            assert await ids("/v1/orders/closed", [("limit", 2)]) == ["e", "d"]
            assert await ids("/v1/orders/closed", [("order_by", "asc")]) == ["b", "d", "e"]
            assert await ids("/v1/orders/closed", [("start_time", _ms(later))]) == ["e"]
            assert await ids("/v1/orders/closed", [("end_time", _ms(first))]) == ["d", "b"]
            assert await ids("/v1/orders/closed", [("end_time", "2020-01-01T00:00:00+09:00")]) == []
            assert await ids("/v1/orders/open", []) == ["c", "a"]
            assert await ids("/v1/orders/open", [("states[]", "wait"), ("states[]", "watch")]) == ["c", "a"]
            assert await ids("/v1/orders/open", [("market", "KRW-ETH")]) == []
            wrong = await raw.get("/v1/orders/open", [("states[]", "done")])
            assert wrong.status_code == 400 and doc(wrong)["error"]["name"] == "validation_error"
            assert (await raw.get("/v1/orders/closed", [("limit", 1001)])).status_code == 400


def _ms(moment) -> int:
    return int(moment.timestamp() * 1000)
