"""Migrations, catalogue seeding and upgrade, and the trigger repository on real SQLite files."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import CatalogueSeeder, load_packaged_catalogue


@pytest.fixture
def container(tmp_path):
    c = build_container(home=tmp_path)
    c.core.database_session()
    yield c
    c.core.database_session().close_all()


def test_trigger_catalogue_seeded_equals_packaged(container):
    seeded = container.triggers.list_catalogue().execute()
    packaged = load_packaged_catalogue()
    assert seeded.version == packaged.version
    assert seeded.variables == packaged.variables
    assert {g.group_id for g in seeded.groups} == {g.group_id for g in packaged.groups}
    conn = container.core.database_session().settings.connection()
    assert conn.execute("SELECT value FROM app_settings WHERE key='catalogue.version'").fetchone()[0] == str(
        seeded.version
    )


def test_trigger_catalogue_upgrades_when_version_rises(container):
    session = container.core.database_session()
    packaged = load_packaged_catalogue()
    assert CatalogueSeeder(session).upgrade_if_needed() is False
    rsi = packaged.get("RSI")
    newer = replace(
        packaged,
        version=packaged.version + 1,
        variables=tuple(
            replace(v, name_en="Relative strength") if v is rsi else v for v in packaged.variables
        ),
        _index={},
    )
    assert CatalogueSeeder(session, newer).upgrade_if_needed() is True
    loaded = container.triggers.list_catalogue().execute()
    assert loaded.version == packaged.version + 1 and loaded.get("RSI").name_en == "Relative strength"
    assert CatalogueSeeder(session, newer).upgrade_if_needed() is False


def test_trigger_repository_round_trip_and_rules(container):
    t = container.triggers
    draft = TriggerDraft(
        name="golden",
        variable_id="SMA",
        params={"period": "20"},
        operator="crosses_above",
        target_variable_id="SMA",
        target_params={"period": "60"},
        description="20/60",
    )
    saved = t.create_trigger().execute(draft)
    assert saved.condition_id
    loaded = t.get_trigger().execute("golden")
    assert loaded.describe() == saved.describe() and loaded.created_at == saved.created_at
    with pytest.raises(ConflictError):
        t.create_trigger().execute(draft)
    t.create_trigger().execute(
        TriggerDraft(
            name="rsi", variable_id="RSI", operator="approx", value="30", operator_params={"percent": 2}
        )
    )
    assert [c.name for c in t.list_triggers().execute()] == ["golden", "rsi"]
    assert [c.name for c in t.list_triggers().execute("20/60")] == ["golden"]
    copy = t.duplicate_trigger().execute("golden")
    assert copy.name == "golden (2)" and copy.condition_id != saved.condition_id
    edited = TriggerDraft.from_condition(loaded)
    edited.name, edited.params = "golden-50", {"period": 50}
    t.edit_trigger().execute("golden", edited)
    assert t.get_trigger().execute("golden-50").variable.params["period"] == 50
    with pytest.raises(NotFoundError):
        t.get_trigger().execute("golden")
    with pytest.raises(ConflictError):
        bad = TriggerDraft.from_condition(t.get_trigger().execute("rsi"))
        bad.name = "golden-50"
        t.edit_trigger().execute("rsi", bad)
    t.delete_trigger().execute("golden (2)")
    assert [c.name for c in t.list_triggers().execute()] == ["golden-50", "rsi"]


def test_trigger_export_import_round_trip(container, tmp_path):
    t = container.triggers
    t.create_trigger().execute(
        TriggerDraft(name="up3", variable_id="EMA", operator="rising", operator_params={"candles": 3})
    )
    t.create_trigger().execute(TriggerDraft(name="rsi", variable_id="RSI", operator="lt", value="25.5"))
    document = json.loads(json.dumps(t.export_triggers().execute()))
    assert [d["name"] for d in document["triggers"]] == ["rsi", "up3"]
    result = t.import_triggers().execute(document)  # the same triggers: recognised, not copied
    assert result.identical == ["rsi", "up3"] and result.imported == [] and result.renamed == []
    t.delete_trigger().execute("up3")
    result = t.import_triggers().execute(document)
    assert result.imported == ["up3"] and result.identical == ["rsi"]
    assert t.get_trigger().execute("up3").describe() == "EMA(period=20) rising 3"
    document["triggers"][0]["target"]["value"] = "250"
    with pytest.raises(Exception, match="rsi"):
        t.import_triggers().execute(document)
    assert len(t.list_triggers().execute()) == 2  # nothing half-imported


def test_trigger_migrations_apply_from_empty_and_are_idempotent(tmp_path):
    c = build_container(home=tmp_path)
    session = c.core.database_session()
    assert session.migrate_all() == {"settings": [], "strategies": [], "market_data": []}
    columns = {r[1] for r in session.strategies.connection().execute("PRAGMA table_info(trading_conditions)")}
    assert {"usage", "operator_params"} <= columns
    session.close_all()
