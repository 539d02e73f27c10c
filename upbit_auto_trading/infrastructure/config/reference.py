"""Print docs/configuration-reference.md, generated from the schemas (never edited by hand).

    python -m upbit_auto_trading.infrastructure.config.reference > docs/configuration-reference.md

A test compares the committed file with this output, so the reference cannot drift from the schema.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from upbit_auto_trading.infrastructure.config.environment import ENV_PREFIX
from upbit_auto_trading.infrastructure.config.rules import Allowed
from upbit_auto_trading.infrastructure.config.schema import Settings
from upbit_auto_trading.infrastructure.profiles.registry_schema import RegistryDocument

COMMAND = "python -m upbit_auto_trading.infrastructure.config.reference > docs/configuration-reference.md"

_INTRO = f"""# Configuration reference

Generated from the schemas (`upbit_auto_trading/infrastructure/config/schema.py`, `risk_schema.py` and
`upbit_auto_trading/infrastructure/profiles/registry_schema.py`); do not edit by hand. Regenerate with

    {COMMAND}

## How the configuration is read

Layers, each overriding the one before: built-in defaults < `<home>/config/config.yaml` (start from
`config/config.example.yaml`) < environment variables < command line (`--profile`). The whole configuration
is validated after each layer, once, at start-up. A refused value stops the start with one line naming the
file or the environment variable, the key, the value and what is allowed, and nothing is created or changed:

    /home/me/upbit/config/config.yaml: key 'backup.daily' is 'no'; expected true or false

- Environment variables are `{ENV_PREFIX}` followed by the key with `__` between its parts
  (`{ENV_PREFIX}LOGGING__LEVEL=DEBUG` sets `logging.level`); their values are read as YAML, like the file.
  Two variables for one key, or for a section and a key inside it, are refused.
- Booleans are YAML booleans: `true`/`false` (YAML 1.1 also reads `yes`/`no`, `on`/`off`). Quoted text such
  as `'no'` or `'false'` is refused, never read as true.
- Whole numbers are refused as text (`'10'`) or with a fraction (`2.5`); numbers must be finite (`.nan` and
  `.inf` are refused).
- Unknown keys are refused, so a misspelt key is not silently ignored.
"""

_REGISTRY_INTRO = """## `profiles.json` (the profile registry)

`<home>/config/profiles.json`, written by the app (Settings > Database, `profiles` commands). It is
validated whenever it is read; a refusal names the file, the key (`profiles[1].id`), the value and what is
allowed. Unknown keys are refused.
"""


def _inner(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _inner(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _listed_model(annotation: Any) -> type[BaseModel] | None:
    annotation = _inner(annotation)
    return _model(typing.get_args(annotation)[0]) if typing.get_origin(annotation) is list else None


def _allowed(field: FieldInfo) -> Allowed | None:
    return next((m for m in field.metadata if isinstance(m, Allowed)), None)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if value is None:
        return "`null`"
    if value == "":
        return "`''`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"  # 30.0 -> 30, 0.2 -> 0.2


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _prose(text: str) -> str:
    """A plain-text cell: ``<home>`` would be read as an HTML tag."""
    return _cell(text).replace("<", "\\<")


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    return _shown(field.get_default(call_default_factory=True))


def _sections(
    model: type[BaseModel], path: str
) -> Iterator[tuple[str, type[BaseModel], list[tuple[str, FieldInfo]]]]:
    """(path, model, its rows) for ``model`` and every model inside it, depth first."""
    rows = [(name, field) for name, field in model.model_fields.items() if not _model(field.annotation)]
    if rows:
        yield path, model, rows
    for name, field in model.model_fields.items():
        inner = _model(field.annotation) or _listed_model(field.annotation)
        if inner is not None:
            suffix = "[]" if _listed_model(field.annotation) else ""
            yield from _sections(inner, f"{path}.{name}{suffix}" if path else f"{name}{suffix}")


def _row(key: str, field: FieldInfo, with_env: bool) -> str:
    allowed = _allowed(field)
    if allowed is not None:
        kind, text = allowed.kind, allowed.text
    else:  # a list of entries (profiles)
        least = next((m.min_length for m in field.metadata if hasattr(m, "min_length")), 0)
        kind, text = "list", "a list of entries as below" + (f", at least {least}" if least else "")
    cells = [f"`{key}`", kind, _prose(text), _default(field)]
    if with_env:
        cells.append(f"`{ENV_PREFIX}{key.replace('.', '__').upper()}`")
    cells.append(_prose(field.description or ""))
    return "| " + " | ".join(cells) + " |"


def _tables(model: type[BaseModel], with_env: bool) -> list[str]:
    header = (
        "| key | type | allowed | default |" + (" environment variable |" if with_env else "") + " notes |"
    )
    rule = "|---|---|---|---|" + ("---|" if with_env else "") + "---|"
    lines: list[str] = []
    for path, section, rows in _sections(model, ""):
        lines += ["", f"### `{path}`" if path else "### Top level", ""]
        doc = inspect.getdoc(section) if section.__doc__ else None
        if doc and section is not model:
            lines += [" ".join(doc.split()), ""]
        lines += [header, rule]
        lines += [_row(f"{path}.{name}" if path else name, field, with_env) for name, field in rows]
    return lines


def render_reference() -> str:
    lines = [
        _INTRO,
        "## `config.yaml` keys",
        *_tables(Settings, with_env=True),
        "",
        _REGISTRY_INTRO.rstrip("\n"),
    ]
    lines += _tables(RegistryDocument, with_env=False)
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.stdout.write(render_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
