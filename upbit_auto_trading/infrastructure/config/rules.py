"""Leaf types of the settings schemas; each carries the sentence that says what it allows.

The sentence serves twice: as the end of a refusal ("... is 'no'; expected true or false") and as the
"allowed" column of the generated reference (docs/configuration-reference.md), so the two cannot disagree.
The models that use these types are strict (``ConfigDict(strict=True)``): YAML already turns ``true``,
``10`` and ``0.5`` into their types, so a string where a boolean or a number belongs is a mistake to report,
not a value to guess at (``bool('no')`` is true).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError, core_schema

NOT_ALLOWED = "not_allowed"  # the error type of a refused leaf value
RULE = "rule"  # the error type of a rule over several keys (raised by model validators)


class Section(BaseModel):
    """A mapping of keys: every key known, every value of its exact type."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


@dataclass(frozen=True)
class Allowed:
    """``Annotated`` marker: ``kind`` is the type column of the reference, ``text`` the allowed values.

    Any failure of the type it annotates (wrong type, out of range, not finite, a failed check) becomes one
    ``not_allowed`` error with this text, instead of pydantic's wording. Use it on leaves only: on a model or
    a list it would hide which nested key failed.
    """

    kind: str
    text: str

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        inner = handler(source)
        text = self.text

        def refuse_with_the_rule(value: Any, validate: Any) -> Any:
            try:
                return validate(value)
            except ValidationError:
                raise PydanticCustomError(NOT_ALLOWED, "expected {allowed}", {"allowed": text}) from None

        return core_schema.no_info_wrap_validator_function(refuse_with_the_rule, inner)


Flag = Annotated[bool, Allowed("boolean", "true or false")]


# The rules below return the metadata of a leaf type, unpacked into ``Annotated`` beside the type it checks
# (``Annotated[int, *whole(0, 10)]``): the type is written out, so a type checker sees ``int``, not a call.
Metadata = tuple[Any, ...]


def whole(minimum: int, maximum: int | None = None) -> Metadata:
    """A whole number (never a bool or a float like 2.0) in ``minimum..maximum``: ``Annotated[int, *whole(...)]``."""
    text = (
        f"a whole number >= {minimum}" if maximum is None else f"a whole number from {minimum} to {maximum}"
    )
    return Field(ge=minimum, le=maximum), Allowed("integer", text)


def number(
    *, above: float | None = None, minimum: float | None = None, maximum: float, unit: str = ""
) -> Metadata:
    """A finite number (NaN and infinity refused: they fail far from here, in a timer or a sleep):
    ``Annotated[float, *number(...)]``."""
    low = f"> {above:g}" if above is not None else f">= {minimum:g}"
    text = f"a finite number {low} and <= {maximum:g}" + (f" ({unit})" if unit else "")
    bounds = Field(gt=above, ge=minimum, le=maximum, allow_inf_nan=False)
    return bounds, Allowed("number", text)


def choice(options: Any, *, any_case: bool = False) -> Metadata:
    """One of the values of ``options``, the ``Literal`` it annotates (``Annotated[Mode, *choice(Mode)]``);
    ``any_case`` accepts any letter case and keeps the canonical spelling."""
    values: tuple[str, ...] = typing.get_args(options)
    text = "one of " + ", ".join(values) + (" (any case)" if any_case else "")
    canonical = {value.lower(): value for value in values}

    def spelled(value: Any) -> Any:
        return canonical.get(value.strip().lower(), value) if isinstance(value, str) else value

    if any_case:
        return BeforeValidator(spelled), Allowed("choice", text)
    return (Allowed("choice", text),)


def url(*schemes: str, example: str) -> Metadata:
    """An absolute URL with one of ``schemes`` and a host, kept as written (no slash added):
    ``Annotated[str, *url(...)]``."""

    def check(value: str) -> str:
        try:
            parts = urlsplit(value)
            host = parts.hostname
            parts.port  # noqa: B018 - reading it checks the port is a number from 0 to 65535
        except ValueError:
            raise ValueError("not a URL") from None
        if parts.scheme not in schemes or not host or any(c.isspace() for c in value):
            raise ValueError("not a URL")
        return value

    text = f"a URL ({' or '.join(schemes)}) with a host, e.g. {example}"
    return AfterValidator(check), Allowed("URL", text)
