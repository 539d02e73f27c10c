"""docs/configuration-reference.md is generated from the schema and must not drift from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.infrastructure.config.defaults import DEFAULTS
from upbit_auto_trading.infrastructure.config.reference import main, render_reference

REPO_ROOT = Path(__file__).resolve().parents[3]
DOC = REPO_ROOT / "docs" / "configuration-reference.md"
REGENERATE = "python -m upbit_auto_trading.infrastructure.config.reference > docs/configuration-reference.md"


def _leaf_keys(node: dict, prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in node.items():
        if isinstance(value, dict):
            keys += _leaf_keys(value, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys


def test_the_committed_reference_equals_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), f"regenerate it: {REGENERATE}"


def test_every_key_is_listed_with_its_environment_variable() -> None:
    text = render_reference()
    for key in _leaf_keys(DEFAULTS):
        assert f"| `{key}` |" in text, key
        assert "UPBIT_AUTO_TRADING__" + key.replace(".", "__").upper() in text, key
    for key in ("trading.watchdog.timeout_seconds", "trading.risk.halt_loss_pct", "profiles[].environment"):
        assert f"`{key}`" in text


def test_the_command_prints_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    assert capsys.readouterr().out == render_reference()


def test_the_defaults_pass_their_own_schema_and_the_example_file_spells_them_out() -> None:
    from upbit_auto_trading.infrastructure.config.loader import load_config
    from upbit_auto_trading.infrastructure.config.schema import Settings

    assert Settings.model_validate(DEFAULTS).model_dump() == DEFAULTS
    assert load_config(REPO_ROOT / "config" / "config.example.yaml", environ={}) == DEFAULTS
