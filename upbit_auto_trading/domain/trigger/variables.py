"""The catalogue model: variable and parameter definitions, parsed from the packaged catalogue data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from upbit_auto_trading.domain.trigger.errors import UnknownVariableError

TIMEFRAME_CHOICES: tuple[str, ...] = (
    "position",
    "1m",
    "3m",
    "5m",
    "10m",
    "15m",
    "30m",
    "1h",
    "4h",
    "1d",
    "1w",
    "1M",
)
FOLLOW_POSITION = "position"


class Purpose(Enum):
    TREND = "trend"
    MOMENTUM = "momentum"
    VOLATILITY = "volatility"
    VOLUME = "volume"
    PRICE = "price"
    CAPITAL = "capital"
    STATE = "state"
    META = "meta"

    @property
    def name_ko(self) -> str:
        return _PURPOSE_NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _PURPOSE_NAMES[self][1]


_PURPOSE_NAMES = {
    Purpose.TREND: ("추세", "Trend"),
    Purpose.MOMENTUM: ("모멘텀", "Momentum"),
    Purpose.VOLATILITY: ("변동성", "Volatility"),
    Purpose.VOLUME: ("거래량", "Volume"),
    Purpose.PRICE: ("가격", "Price"),
    Purpose.CAPITAL: ("자본", "Capital"),
    Purpose.STATE: ("상태", "State"),
    Purpose.META: ("메타", "Meta"),
}


class ChartPlacement(Enum):
    OVERLAY = "overlay"  # drawn on the price pane
    SUBPLOT = "subplot"  # its own pane


class Source(Enum):
    CANDLES = "candles"  # computed from candles
    POSITION = "position"  # read from a position / account context


class ParameterType(Enum):
    INT = "int"
    FLOAT = "float"
    ENUM = "enum"


@dataclass(frozen=True)
class ParameterDefinition:
    name: str
    type: ParameterType
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = True
    name_ko: str = ""
    name_en: str = ""
    help_ko: str = ""
    help_en: str = ""
    placeholder_ko: str = ""
    placeholder_en: str = ""


@dataclass(frozen=True)
class ValueRange:
    """Allowed fixed values for comparisons with a variable, and its unit."""

    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    unit: str = ""

    def describe(self) -> str:
        low = "" if self.minimum is None else f"{'>' if self.min_exclusive else '>='} {self.minimum:g}"
        high = "" if self.maximum is None else f"<= {self.maximum:g}"
        bounds = " and ".join(b for b in (low, high) if b) or "any value"
        return f"{bounds}{f' ({self.unit})' if self.unit else ''}"

    def contains(self, value: float) -> bool:
        if self.minimum is not None and (
            value <= self.minimum if self.min_exclusive else value < self.minimum
        ):
            return False
        return not (self.maximum is not None and value > self.maximum)


@dataclass(frozen=True)
class VariableDefinition:
    variable_id: str
    name_ko: str
    name_en: str
    purpose: Purpose
    chart: ChartPlacement
    group: str
    source: Source
    value_range: ValueRange
    parameters: tuple[ParameterDefinition, ...] = ()
    help_ko: str = ""
    help_en: str = ""
    tooltip_ko: str = ""
    tooltip_en: str = ""
    sort_order: int = 0

    @property
    def needs_position(self) -> bool:
        return self.source is Source.POSITION

    def parameter(self, name: str) -> ParameterDefinition | None:
        return next((p for p in self.parameters if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters if p.default is not None}


@dataclass(frozen=True)
class ComparisonGroup:
    group_id: str
    name_ko: str
    name_en: str
    description: str = ""


@dataclass(frozen=True)
class Catalogue:
    version: int
    variables: tuple[VariableDefinition, ...]
    groups: tuple[ComparisonGroup, ...] = ()
    _index: dict[str, VariableDefinition] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({v.variable_id: v for v in self.variables})

    def __iter__(self) -> Iterator[VariableDefinition]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    def __contains__(self, variable_id: object) -> bool:
        return variable_id in self._index

    def get(self, variable_id: str) -> VariableDefinition:
        try:
            return self._index[variable_id.upper()]
        except KeyError:
            raise UnknownVariableError(
                f"Unknown variable {variable_id!r}; known: {', '.join(sorted(self._index))}"
            ) from None

    def by_purpose(self) -> dict[Purpose, list[VariableDefinition]]:
        grouped: dict[Purpose, list[VariableDefinition]] = {p: [] for p in Purpose}
        for variable in self.variables:
            grouped[variable.purpose].append(variable)
        return grouped


def _timeframe_parameter(choices: Sequence[str]) -> ParameterDefinition:
    return ParameterDefinition(
        name="timeframe",
        type=ParameterType.ENUM,
        default=FOLLOW_POSITION,
        choices=tuple(choices),
        required=False,
        name_ko="타임프레임",
        name_en="Timeframe",
        help_ko="지표를 계산할 캔들 주기. position = 트리거(포지션)의 주기를 따름",
        help_en="Candle period the indicator is computed on; position = follow the trigger's (position's) timeframe",
    )


def _parameter(raw: Any, timeframes: Sequence[str]) -> ParameterDefinition:
    if raw == "timeframe":
        return _timeframe_parameter(timeframes)
    kind = ParameterType(raw["type"])
    return ParameterDefinition(
        name=raw["name"],
        type=kind,
        default=raw.get("default"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        choices=tuple(str(c) for c in raw.get("choices", ())),
        required=bool(raw.get("required", True)),
        name_ko=raw.get("name_ko", ""),
        name_en=raw.get("name_en", ""),
        help_ko=raw.get("help_ko", ""),
        help_en=raw.get("help_en", ""),
        placeholder_ko=raw.get("placeholder_ko", ""),
        placeholder_en=raw.get("placeholder_en", ""),
    )


def catalogue_from_dict(data: Mapping[str, Any]) -> Catalogue:
    """Parse the packaged catalogue document (``resources/catalogue/catalogue.yaml``)."""
    timeframes = tuple(data.get("timeframes", TIMEFRAME_CHOICES))
    groups = tuple(
        ComparisonGroup(g["id"], g["name_ko"], g["name_en"], g.get("description", "")) for g in data["groups"]
    )
    variables: list[VariableDefinition] = []
    for order, raw in enumerate(data["variables"]):
        value = raw.get("value", {})
        variables.append(
            VariableDefinition(
                variable_id=raw["id"],
                name_ko=raw["name_ko"],
                name_en=raw["name_en"],
                purpose=Purpose(raw["purpose"]),
                chart=ChartPlacement(raw["chart"]),
                group=raw["group"],
                source=Source(raw.get("source", "candles")),
                value_range=ValueRange(
                    minimum=value.get("min"),
                    maximum=value.get("max"),
                    min_exclusive=bool(value.get("min_exclusive", False)),
                    unit=value.get("unit", ""),
                ),
                parameters=tuple(_parameter(p, timeframes) for p in raw.get("parameters", ())),
                help_ko=raw.get("help_ko", ""),
                help_en=raw.get("help_en", ""),
                tooltip_ko=raw.get("tooltip_ko", ""),
                tooltip_en=raw.get("tooltip_en", ""),
                sort_order=order,
            )
        )
    return Catalogue(version=int(data["catalogue_version"]), variables=tuple(variables), groups=groups)


def group_ids(variables: Iterable[VariableDefinition]) -> set[str]:
    return {v.group for v in variables}
