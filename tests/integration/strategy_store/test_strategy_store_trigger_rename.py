"""Renaming and deleting triggers used by strategies, through the container on a real SQLite database."""

from __future__ import annotations

import pytest
from dependency_injector import providers

from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.strategy import strategy_to_dict
from upbit_auto_trading.infrastructure.sqlite.strategy_repository import SqliteStrategyRepository


@pytest.fixture
def c(tmp_path, support):
    c = build_container(home=tmp_path)
    c.core.database_session()
    t = c.triggers
    for name, op, value in (
        ("RSI below 35", "lt", "35"),
        ("RSI above 65", "gt", "65"),
        ("RSI below 20", "lt", "20"),
    ):
        t.create_trigger().execute(
            TriggerDraft(name=name, variable_id="RSI", operator=op, params={"period": 14}, value=value)
        )
    create = c.strategies.create_strategy()
    create.execute(support.rsi_document("A swing"))
    create.execute(support.rsi_document("B", entry={"groups": [{"triggers": ["RSI below 20"]}]}))
    yield c
    c.core.database_session().close_all()


def _rename(c, name, new_name):
    draft = TriggerDraft.from_condition(c.triggers.get_trigger().execute(name))
    draft.name = new_name
    return c.triggers.edit_trigger().execute(name, draft)


def _versions(c):
    return {s.name: s.version for s in c.strategies.list_strategies().execute("")}


def test_rename_updates_the_stored_strategies_in_one_commit(c):
    result = _rename(c, "RSI above 65", "RSI overbought")
    assert result.updated_strategies == ("A swing", "B")
    assert _versions(c) == {"A swing": 2, "B": 2}
    doc = strategy_to_dict(c.strategies.get_strategy().execute("A swing").strategy)
    assert doc["management"][0]["groups"][0]["triggers"][0]["name"] == "RSI overbought"
    assert c.triggers.find_trigger_users().execute("RSI overbought") == ["A swing", "B"]
    # the strategy still validates and resolves its triggers (a backtest would find them)
    assert c.strategies.validate_strategy().execute(doc).missing_triggers == ()


def test_a_failing_strategy_write_rolls_the_rename_back(c):
    class FailsOnSecondSave(SqliteStrategyRepository):
        calls = 0

        def save_version(self, strategy_id, strategy):
            FailsOnSecondSave.calls += 1
            if FailsOnSecondSave.calls == 2:
                raise OSError("disk full")
            return super().save_version(strategy_id, strategy)

    c.triggers.strategy_store.override(
        providers.Singleton(FailsOnSecondSave, session=c.core.database_session)
    )
    with pytest.raises(OSError):
        _rename(c, "RSI above 65", "RSI overbought")
    assert FailsOnSecondSave.calls == 2
    assert [t.name for t in c.triggers.list_triggers().execute("")] == [
        "RSI above 65",
        "RSI below 20",
        "RSI below 35",
    ]
    assert _versions(c) == {"A swing": 1, "B": 1}  # the first strategy's new version was rolled back too


def test_delete_of_a_used_trigger_is_refused(c):
    with pytest.raises(TriggerInUseError) as err:
        c.triggers.delete_trigger().execute("RSI below 20")
    assert err.value.strategies == ["B"]
    c.strategies.delete_strategy().execute("B")
    c.triggers.delete_trigger().execute("RSI below 20")
    assert c.triggers.find_trigger_users().execute("RSI below 35") == ["A swing"]
