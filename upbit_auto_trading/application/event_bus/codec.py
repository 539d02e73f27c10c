"""Events to JSON text and back, so adapters can persist them (dead letters, undelivered events).

Values are tagged so they round-trip: datetime, Decimal, Enum, tuple, nested dataclasses. An event whose
class cannot be found on load (renamed, or defined outside the package and not imported) comes back as an
:class:`OpaqueEvent` carrying the original type name and data, never as an error.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from upbit_auto_trading.domain.events import Event

_TRUSTED_PREFIX = "upbit_auto_trading."


@dataclass(frozen=True, kw_only=True)
class OpaqueEvent(Event):
    """An event loaded from storage whose class is not available; keeps its id, chain and data."""

    original_type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def event_type(self) -> str:
        return self.original_type.rsplit(":", 1)[-1]


def type_path(klass: type) -> str:
    return f"{klass.__module__}:{klass.__qualname__}"


def _resolve(path: str) -> type | None:
    module_name, _, qualname = path.partition(":")
    module = sys.modules.get(module_name)
    if module is None and module_name.startswith(_TRUSTED_PREFIX):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
    if module is None:
        return None
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if isinstance(obj, type) else None


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__dec__": str(value)}
    if isinstance(value, Enum):
        return {"__enum__": type_path(type(value)), "value": _encode(value.value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__dc__": type_path(type(value)),
            "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init},
        }
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return {"__set__": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"__map__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return {"__repr__": repr(value)}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__dt__" in value:
        return datetime.fromisoformat(value["__dt__"])
    if "__dec__" in value:
        return Decimal(value["__dec__"])
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__set__" in value:
        return frozenset(_decode(v) for v in value["__set__"])
    if "__map__" in value:
        return {_decode(k): _decode(v) for k, v in value["__map__"]}
    if "__enum__" in value:
        return _decode_enum(value)
    if "__dc__" in value:
        return _decode_dataclass(value)
    if "__repr__" in value:
        return value["__repr__"]
    return {k: _decode(v) for k, v in value.items()}


def _decode_enum(value: dict[str, Any]) -> Any:
    """The enum member, or its bare value when the enum class is gone."""
    klass = _resolve(value["__enum__"])
    raw = _decode(value["value"])
    return klass(raw) if klass is not None and issubclass(klass, Enum) else raw


def _decode_dataclass(value: dict[str, Any]) -> Any:
    """The dataclass, or its fields tagged with the type path when the class is gone or changed shape."""
    klass = _resolve(value["__dc__"])
    fields = {k: _decode(v) for k, v in value["fields"].items()}
    if klass is not None and dataclasses.is_dataclass(klass):
        try:
            return klass(**fields)
        except TypeError:
            pass
    return {"__type__": value["__dc__"], **fields}


_BASE_FIELDS = ("event_id", "timestamp", "source", "correlation_id", "causation_id")


def encode_event(event: Event) -> str:
    """JSON text of an event (type path + fields)."""
    return json.dumps(_encode(event), ensure_ascii=False, separators=(",", ":"))


def decode_event(text: str) -> Event:
    """The event back from :func:`encode_event`; an :class:`OpaqueEvent` when its class is unknown."""
    raw = json.loads(text)
    path = raw.get("__dc__", "") if isinstance(raw, dict) else ""
    fields_raw = raw.get("fields", {}) if isinstance(raw, dict) else {}
    klass = _resolve(path) if path else None
    fields = {k: _decode(v) for k, v in fields_raw.items()}
    if klass is not None and isinstance(klass, type) and issubclass(klass, Event):
        try:
            return klass(**fields)
        except TypeError:
            pass
    base = {k: fields[k] for k in _BASE_FIELDS if k in fields}
    data = {k: v for k, v in fields.items() if k not in _BASE_FIELDS}
    return OpaqueEvent(original_type=path or "unknown", data=data, **base)
