"""One line for a schema refusal: where the value came from, the key, the value and what is allowed.

Shared by the configuration and the profile registry, so every refusal reads the same way:
``<file or variable>: key 'backup.daily' is 'no'; expected true or false``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from upbit_auto_trading.infrastructure.config.rules import NOT_ALLOWED, RULE, Allowed

Loc = tuple[str | int, ...]
OriginOf = Callable[[Loc], str]
_SHOWN_CHARS = 200  # a whole path fits; a pasted blob must not turn the one line into a screenful


def dotted(loc: Loc) -> str:
    """``("profiles", 1, "id")`` -> ``profiles[1].id``."""
    text = ""
    for part in loc:
        name = str(part) if str(part).isprintable() else repr(str(part))[1:-1]  # a quoted YAML key "a\nb"
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _inner(annotation: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and ``X | None``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else annotation
    return annotation


def _is_model(node: Any) -> bool:
    return isinstance(node, type) and issubclass(node, BaseModel)


def walk(schema: type[BaseModel], loc: Loc) -> tuple[FieldInfo | None, Any]:
    """The field ``loc`` ends on (None for a list item or the top) and the type found there."""
    node: Any = schema
    field: FieldInfo | None = None
    for part in loc:
        node = _inner(node)
        if isinstance(part, int) and typing.get_origin(node) is list:
            field, node = None, typing.get_args(node)[0]
        elif isinstance(part, str) and _is_model(node) and part in node.model_fields:
            field = node.model_fields[part]
            node = field.annotation
        else:
            return None, None
    return field, _inner(node)


def _known_keys(schema: type[BaseModel], loc: Loc) -> str:
    node = walk(schema, loc)[1]
    return ", ".join(node.model_fields) if _is_model(node) else "?"


def _allowed(schema: type[BaseModel], loc: Loc) -> str | None:
    field = walk(schema, loc)[0]
    for marker in field.metadata if field else ():
        if isinstance(marker, Allowed):
            return marker.text
    return None


def _one(error: ErrorDetails, schema: type[BaseModel], origin_of: OriginOf) -> str:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    where = origin_of(loc)
    key = dotted(loc)
    value = shown(error.get("input"))
    if kind == NOT_ALLOWED:
        return f"{where}: key '{key}' is {value}; expected {error['ctx']['allowed']}"
    if kind == RULE:
        ctx = error["ctx"]
        key = dotted(loc + tuple(ctx.get("key", ())))
        return f"{where}: key '{key}' {ctx['text']}" if key else f"{where}: {ctx['text']}"
    if kind == "extra_forbidden":
        parent = loc[:-1]
        inside = f" in '{dotted(parent)}'" if parent else ""
        return f"{where}: unknown key '{key}'; known keys{inside}: {_known_keys(schema, parent)}"
    if kind == "invalid_key":  # YAML keys such as 1 or true
        parent = loc[:-1]
        inside = f" in '{dotted(parent)}'" if parent else ""
        return f"{where}: unknown key {shown(loc[-1])}{inside}; known keys{inside}: {_known_keys(schema, parent)}"
    if kind == "missing":
        expected = _allowed(schema, loc) or "a value"
        return f"{where}: key '{key}' is missing; expected {expected}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not loc:
            return (
                f"{where}: the top level must be a mapping of keys ({_known_keys(schema, loc)}), not {value}"
            )
        return f"{where}: key '{key}' is {value}; expected a mapping of keys ({_known_keys(schema, loc)})"
    if kind == "list_type":
        return f"{where}: key '{key}' is {value}; expected a list"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        entries = "one entry" if least == 1 else f"{least} entries"
        return f"{where}: key '{key}' is {value}; expected a list of at least {entries}"
    return f"{where}: key '{key}' is {value}; {error['msg']}"  # a pydantic check without a rule text


def describe(exc: ValidationError, schema: type[BaseModel], origin_of: OriginOf) -> str:
    """The first problem in one line, and how many more there are (fix one, the next shows)."""
    errors = exc.errors(include_url=False)
    line = _one(errors[0], schema, origin_of)
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return line
