"""Re-importing an export on real SQLite: identical triggers are recognised and skipped, a different one with
the same name is a conflict the caller decides (rename, skip, replace) before anything is written."""

from __future__ import annotations

import json

import pytest

from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.import_triggers import ConflictChoice, TriggerConflict
from upbit_auto_trading.container.bootstrap import build_container


@pytest.fixture
def triggers(tmp_path):
    container = build_container(home=tmp_path)
    container.core.database_session()
    t = container.triggers
    t.create_trigger().execute(TriggerDraft(name="rsi", variable_id="RSI", operator="lt", value="30"))
    t.create_trigger().execute(
        TriggerDraft(name="up3", variable_id="EMA", operator="rising", operator_params={"candles": 3})
    )
    t.create_trigger().execute(
        TriggerDraft(
            name="golden",
            variable_id="SMA",
            params={"period": "20"},
            operator="crosses_above",
            target_variable_id="SMA",
            target_params={"period": "60"},
        )
    )
    yield t
    container.core.database_session().close_all()


def _rows(t) -> list[tuple[str, str, int]]:
    return [(c.name, c.describe(), c.condition_id) for c in t.list_triggers().execute()]


def _export(t) -> dict:
    return json.loads(json.dumps(t.export_triggers().execute()))  # as read back from the file


def test_reimporting_an_export_adds_nothing_and_reports_the_triggers_as_identical(triggers):
    before = _rows(triggers)
    document = _export(triggers)
    document["triggers"][1]["target"]["value"] = "30.00"  # the same number written another way
    asked: list[TriggerConflict] = []
    result = triggers.import_triggers().execute(document, asked.append)
    assert _rows(triggers) == before and asked == []
    assert sorted(result.identical) == ["golden", "rsi", "up3"]
    assert result.imported == result.skipped == result.replaced == result.renamed == []
    assert result.summary() == "3 skipped (identical)"


def _changed(t) -> dict:
    document = _export(t)
    by_name = {item["name"]: item for item in document["triggers"]}
    by_name["rsi"]["variable"]["params"]["period"] = 21
    by_name["golden"]["timeframe"] = "4h"
    return document


def test_a_different_trigger_of_the_same_name_is_asked_about_once_each(triggers):
    before = {name: (text, key) for name, text, key in _rows(triggers)}
    asked: list[TriggerConflict] = []
    answers = {"golden": ConflictChoice.SKIP, "rsi": ConflictChoice.RENAME}

    def decide(conflict: TriggerConflict) -> ConflictChoice:
        asked.append(conflict)
        return answers[conflict.name]

    result = triggers.import_triggers().execute(_changed(triggers), decide)
    assert [c.name for c in asked] == ["golden", "rsi"]
    assert asked[0].differences == ("timeframe: 1h -> 4h",)
    assert asked[1].differences == ("variable: RSI(period=14) -> RSI(period=21)",)
    assert asked[1].rename_to == "rsi (2)"
    assert result.renamed == [("rsi", "rsi (2)")] and result.skipped == ["golden"]
    assert result.identical == ["up3"] and result.imported == []
    assert result.summary() == (
        "1 imported under a new name, 1 skipped (different, kept the saved one), 1 skipped (identical)"
    )
    rows = {name: (text, key) for name, text, key in _rows(triggers)}
    assert {k: v for k, v in rows.items() if k != "rsi (2)"} == before  # the saved ones untouched
    assert rows["rsi (2)"][0] == "RSI(period=21) < 30"


def test_replace_overwrites_the_saved_trigger_in_place(triggers):
    ids = {name: key for name, _, key in _rows(triggers)}
    result = triggers.import_triggers().execute(_changed(triggers), "replace")
    assert sorted(result.replaced) == ["golden", "rsi"] and result.identical == ["up3"]
    rows = _rows(triggers)
    assert {name: key for name, _, key in rows} == ids  # same ids: strategies using them follow
    assert triggers.get_trigger().execute("golden").timeframe == "4h"
    assert triggers.get_trigger().execute("rsi").variable.params["period"] == 21


def test_a_refused_question_imports_nothing(triggers):
    before = _rows(triggers)
    document = _changed(triggers)
    document["triggers"].append({**document["triggers"][0], "name": "brand new"})

    def refuse(conflict: TriggerConflict) -> ConflictChoice:
        raise RuntimeError("the user closed the dialog")

    with pytest.raises(RuntimeError):
        triggers.import_triggers().execute(document, refuse)
    assert _rows(triggers) == before  # not even the new trigger


def test_a_copy_saved_by_an_earlier_import_counts_as_already_imported(triggers):
    document = _changed(triggers)
    assert triggers.import_triggers().execute(document, "rename").renamed == [
        ("golden", "golden (2)"),
        ("rsi", "rsi (2)"),
    ]
    before = _rows(triggers)
    asked: list[TriggerConflict] = []
    result = triggers.import_triggers().execute(document, asked.append)  # the same file once more
    assert asked == [] and _rows(triggers) == before
    assert sorted(result.identical) == ["golden", "rsi", "up3"]


def test_a_name_given_twice_in_the_file_is_compared_with_the_first(triggers):
    document = _export(triggers)
    first = {**document["triggers"][1], "name": "new"}
    second = {**first, "timeframe": "1d"}
    document["triggers"] = [first, dict(first), second]
    asked: list[TriggerConflict] = []

    def rename(conflict: TriggerConflict) -> ConflictChoice:
        asked.append(conflict)
        return ConflictChoice.RENAME

    result = triggers.import_triggers().execute(document, rename)
    assert result.imported == ["new"] and result.identical == ["new"]
    assert [c.differences for c in asked] == [("timeframe: 1h -> 1d",)]
    assert result.renamed == [("new", "new (2)")]
    assert triggers.get_trigger().execute("new (2)").timeframe == "1d"
