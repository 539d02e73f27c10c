"""Renaming or deleting a trigger that strategies use: references follow a rename (new strategy versions,
one transaction); a delete is refused with the strategies' names."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.strategy.references import missing_triggers
from upbit_auto_trading.application.strategy.trigger_references import StrategyTriggerReferences
from upbit_auto_trading.application.trigger.delete_trigger import DeleteTrigger
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.edit_trigger import EditTrigger
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.application.trigger.find_trigger_users import FindTriggerUsers
from upbit_auto_trading.domain.strategy import strategy_to_dict
from upbit_auto_trading.domain.trigger.variables import catalogue_from_dict


class Catalogue:
    def __init__(self, catalogue):
        self.catalogue = catalogue

    def load(self):
        return self.catalogue


@pytest.fixture(scope="module")
def catalogue():
    files = resources.files("upbit_auto_trading.resources.catalogue")
    return catalogue_from_dict(yaml.safe_load(files.joinpath("catalogue.yaml").read_text("utf-8")))


@pytest.fixture
def w(support, catalogue):
    w = support.world()
    w.refs = StrategyTriggerReferences(w.strategies, w.triggers)
    w.tx = support.SnapshotTransaction(w.triggers, w.strategies)
    w.edit = EditTrigger(w.triggers, Catalogue(catalogue), w.refs, w.tx)
    w.delete = DeleteTrigger(w.triggers, w.refs, w.tx)
    w.users = FindTriggerUsers(w.triggers, w.refs)
    w.create.execute(support.rsi_document("A swing"))  # entry RSI below 35, exit RSI above 65
    w.create.execute(
        support.rsi_document("B exit only", entry={"groups": [{"triggers": ["RSI(14) below 20"]}]})
    )
    w.create.execute(
        support.rsi_document(
            "C unrelated",
            entry={"groups": [{"triggers": ["RSI(14) below 20"]}]},
            management=[{"type": "stop_take_profit", "stop_loss_pct": 4}],
        )
    )
    return w


def _renamed(w, name, new_name):
    draft = TriggerDraft.from_condition(w.triggers.get(name))
    draft.name = new_name
    return draft


def _entry_and_exit(stored):
    doc = strategy_to_dict(stored.strategy)
    entry = [t["name"] for g in doc["entry"]["groups"] for t in g["triggers"]]
    exits = [t["name"] for r in doc["management"] if r["type"] == "exit_triggers" for g in r["groups"]
             for t in g["triggers"]]  # fmt: skip
    return entry, exits


def test_rename_updates_every_strategy_using_it_as_a_new_version(w):
    assert w.users.execute("RSI above 65") == ["A swing", "B exit only"]
    result = w.edit.execute("RSI above 65", _renamed(w, "RSI above 65", "RSI overbought"))
    assert result.condition.name == "RSI overbought" and result.renamed_from == "RSI above 65"
    assert result.updated_strategies == ("A swing", "B exit only") and w.tx.commits == 1
    a, b, c = (w.strategies.get(n) for n in ("A swing", "B exit only", "C unrelated"))
    assert (a.version, b.version, c.version) == (2, 2, 1)
    assert _entry_and_exit(a) == (["RSI below 35"], ["RSI overbought"])
    assert _entry_and_exit(b) == (["RSI(14) below 20"], ["RSI overbought"])
    assert _entry_and_exit(w.strategies.get_version(a.strategy_id, 1))[1] == ["RSI above 65"]  # history kept
    assert all(missing_triggers(w.triggers, s.strategy) == [] for s in (a, b, c))
    assert w.users.execute("RSI overbought") == ["A swing", "B exit only"]


def test_edit_without_rename_and_rename_of_an_unused_trigger_make_no_versions(w):
    draft = TriggerDraft.from_condition(w.triggers.get("RSI above 65"))
    draft.description = "overbought"
    result = w.edit.execute("RSI above 65", draft)
    assert result.renamed_from is None and result.updated_strategies == ()
    result = w.edit.execute(
        "Crash: close 3% below previous close", _renamed(w, "Crash: close 3% below previous close", "Crash")
    )
    assert result.renamed_from and result.updated_strategies == ()
    assert [s.version for s in w.strategies.list()] == [1, 1, 1]


def test_rename_is_all_or_nothing(w, support):
    saves = []
    real_save = w.strategies.save_version

    def save_then_fail(strategy_id, strategy):
        saves.append(strategy_id)
        if len(saves) == 2:
            raise OSError("disk full")
        return real_save(strategy_id, strategy)

    w.strategies.save_version = save_then_fail
    with pytest.raises(OSError):
        w.edit.execute("RSI above 65", _renamed(w, "RSI above 65", "RSI overbought"))
    assert w.tx.rollbacks == 1 and len(saves) == 2
    assert w.triggers.get("RSI above 65") is not None and w.triggers.get("RSI overbought") is None
    assert [s.version for s in w.strategies.list()] == [1, 1, 1]


def test_rename_onto_a_taken_name_or_unknown_trigger_is_refused(w):
    with pytest.raises(ConflictError):
        w.edit.execute("RSI above 65", _renamed(w, "RSI above 65", "RSI below 35"))
    with pytest.raises(NotFoundError):
        w.edit.execute("nope", _renamed(w, "RSI above 65", "x"))
    assert [s.version for s in w.strategies.list()] == [1, 1, 1]


def test_delete_of_a_used_trigger_is_refused_with_the_strategies(w):
    with pytest.raises(TriggerInUseError) as err:
        w.delete.execute("RSI(14) below 20")
    assert err.value.strategies == ["B exit only", "C unrelated"]
    assert "'B exit only', 'C unrelated'" in str(err.value) and isinstance(err.value, ConflictError)
    assert w.triggers.get("RSI(14) below 20") is not None
    w.delete.execute("Surge: close 5% above previous close")  # used by nobody
    assert w.triggers.get("Surge: close 5% above previous close") is None


def test_a_reference_with_an_id_is_resolved_by_the_id_as_the_backtest_does(w, support):
    above = w.triggers.get("RSI above 65")
    below = w.triggers.get("RSI below 35")
    doc = support.rsi_document(
        "D by id",
        entry={"groups": [{"triggers": [{"name": "an old name", "id": str(above.condition_id)}]}]},
        # named like "RSI above 65" but its id points at "RSI below 35": it uses "RSI below 35"
        management=[{"type": "exit_triggers", "groups": [{"triggers": [
            {"name": "RSI above 65", "id": str(below.condition_id)}]}]}],
    )  # fmt: skip
    w.create.execute(doc)
    assert "D by id" in w.users.execute("RSI above 65") and "D by id" in w.users.execute("RSI below 35")
    w.edit.execute("RSI above 65", _renamed(w, "RSI above 65", "RSI overbought"))
    doc = strategy_to_dict(w.strategies.get("D by id").strategy)
    assert doc["entry"]["groups"][0]["triggers"] == [
        {"name": "RSI overbought", "id": str(above.condition_id)}
    ]
    assert doc["management"][0]["groups"][0]["triggers"] == [
        {"name": "RSI above 65", "id": str(below.condition_id)}
    ]
