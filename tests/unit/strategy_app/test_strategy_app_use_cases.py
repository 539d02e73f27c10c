"""Strategy use cases over in-memory fakes: save, version, duplicate, import, quick form, validation, seeding."""

from __future__ import annotations

import json

import pytest

from upbit_auto_trading.application.errors import ApplicationError, ConflictError, NotFoundError
from upbit_auto_trading.application.strategy.delete_strategy import DeleteStrategy
from upbit_auto_trading.application.strategy.duplicate_strategy import DuplicateStrategy
from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
from upbit_auto_trading.application.strategy.import_strategy import ImportStrategy
from upbit_auto_trading.application.strategy.quick_form import quick_strategy_document
from upbit_auto_trading.application.strategy.references import MissingTriggersError
from upbit_auto_trading.application.strategy.save_strategy_version import SaveStrategyVersion
from upbit_auto_trading.application.strategy.seed_samples import SeedSampleStrategies
from upbit_auto_trading.application.strategy.validate_strategy import ValidateStrategy
from upbit_auto_trading.domain.strategy import StrategyValidationError, strategy_from_dict


def test_create_refuses_unknown_triggers_and_names_them(support):
    w = support.world()
    doc = support.rsi_document(entry={"groups": [{"triggers": ["RSI below 35", "No such trigger"]}]})
    with pytest.raises(MissingTriggersError) as err:
        w.create.execute(doc)
    assert err.value.names == ["No such trigger"]
    assert w.strategies.list() == []


def test_save_version_increments_and_keeps_old_versions(support):
    w = support.world()
    first = w.create.execute(support.rsi_document())
    save = SaveStrategyVersion(w.strategies, w.triggers)
    same = save.execute(first.strategy_id, support.rsi_document())
    assert same.version == 1  # nothing changed: no new version
    changed = save.execute(first.strategy_id, support.rsi_document(cooldown_candles=5))
    assert changed.version == 2 and changed.strategy.cooldown_candles == 5
    old = GetStrategy(w.strategies).execute("RSI swing", version=1)
    assert old.strategy.cooldown_candles == 0
    with pytest.raises(NotFoundError):
        GetStrategy(w.strategies).execute("RSI swing", version=7)


def test_duplicate_picks_free_names_and_keeps_the_hash(support):
    w = support.world()
    src = w.create.execute(support.rsi_document())
    dup = DuplicateStrategy(w.strategies)
    a = dup.execute("RSI swing")
    b = dup.execute("RSI swing")
    assert (a.name, b.name) == ("RSI swing (copy)", "RSI swing (copy 2)")
    assert a.content_hash == src.content_hash
    with pytest.raises(ConflictError):
        dup.execute("RSI swing", new_name="RSI swing (copy)")


def test_import_conflict_modes(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    imp = ImportStrategy(w.strategies, w.triggers)
    text = json.dumps(support.rsi_document(cooldown_candles=2))
    with pytest.raises(ConflictError):
        imp.execute(text)
    assert imp.execute(text, "rename").name == "RSI swing (copy)"
    again = imp.execute(text, "new_version")
    assert again.name == "RSI swing" and again.version == 2
    with pytest.raises(StrategyValidationError):
        imp.execute(json.dumps(support.rsi_document(name="")))


def test_delete_removes_the_strategy(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    DeleteStrategy(w.strategies).execute("RSI swing")
    with pytest.raises(NotFoundError):
        GetStrategy(w.strategies).execute("RSI swing")


def test_quick_form_ands_entries_ors_exits_and_parses_trailing_stop():
    doc = quick_strategy_document(
        "q", ["A", "B"], ["X", "Y"], stop_loss="3", take_profit="6", trailing_stop="5:2.5", size_pct="30"
    )
    s = strategy_from_dict(doc)
    assert [[r.name for r in g.triggers] for g in s.entry.groups] == [["A", "B"]]
    exits = s.rule("exit_triggers")
    assert [[r.name for r in g.triggers] for g in exits.condition.groups] == [["X"], ["Y"]]
    trailing = s.rule("trailing_stop")
    assert (str(trailing.activate_pct), str(trailing.trail_pct)) == ("5", "2.5")
    assert str(s.rule("stop_take_profit").stop_loss_pct) == "3"
    assert str(s.sizing.value) == "30"
    with pytest.raises(ApplicationError, match="ACTIVATE_PCT:TRAIL_PCT"):
        quick_strategy_document("q", ["A"], trailing_stop="5")
    with pytest.raises(ApplicationError):
        quick_strategy_document("q", [])
    only_tp = strategy_from_dict(quick_strategy_document("q", ["A"], take_profit="4"))
    assert only_tp.rule("stop_take_profit").stop_loss_pct is None


def test_live_validation_reports_problems_missing_triggers_and_warnings(support):
    w = support.world()
    validate = ValidateStrategy(w.triggers)
    broken = validate.execute(support.rsi_document(name="", management=[]) | {"entry": {"groups": []}})
    codes = {p.code for p in broken.problems}
    assert {"name.empty", "groups.empty"} <= codes and not broken.ok
    missing = validate.execute(support.rsi_document(entry={"groups": [{"triggers": ["Ghost"]}]}))
    assert missing.missing_triggers == ("Ghost",) and not missing.ok
    warn = validate.execute(
        support.rsi_document(
            sizing={"mode": "cash_percent", "value": 100},
            management=[{"type": "pyramid", "drop_pct": 5, "max_times": 2}],
        )  # fmt: skip
    )
    assert warn.ok and [p.code for p in warn.warnings] == ["sizing.no_cash_for_adds"]


class _Catalogue:
    """The packaged variable catalogue (a package resource, as the settings database is seeded with)."""

    def load(self):  # noqa: ANN201
        from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import load_packaged_catalogue

        return load_packaged_catalogue()


def test_seed_samples_into_any_new_database_once(support):
    catalogue = _Catalogue()
    w = support.world()
    w.triggers = support.InMemoryTriggers(conditions=())
    ledger = support.InMemoryLedger()
    seed = SeedSampleStrategies(w.strategies, ledger, w.triggers, catalogue)
    saved = seed.execute()
    assert "Basic 7-rule (기본 7규칙)" in saved and len(w.triggers.list()) == 3
    DeleteStrategy(w.strategies).execute("Basic 7-rule (기본 7규칙)")
    assert seed.execute() == []  # a deleted sample is not seeded again


def test_seed_samples_leaves_a_database_already_in_use_alone(support):
    """A profile holding the user's own strategies, opened for the first time since samples go into every
    profile (a production profile, say), is not new: no sample is added, then or later."""
    catalogue = _Catalogue()
    w = support.world()
    w.create.execute(support.rsi_document())  # the user's own strategy
    before = {s.name for s in w.strategies.list()}
    ledger = support.InMemoryLedger()
    seed = SeedSampleStrategies(w.strategies, ledger, w.triggers, catalogue)
    assert seed.execute() == [] and {s.name for s in w.strategies.list()} == before
    for stored in w.strategies.list():
        DeleteStrategy(w.strategies).execute(stored.name)
    assert seed.execute() == []  # recorded in the ledger: the answer does not change
