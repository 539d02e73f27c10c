"""Sample strategies shipped with the package (``upbit_auto_trading/resources/strategies/*.json``)."""

from __future__ import annotations

from importlib import resources

from upbit_auto_trading.domain.strategy.errors import StrategySchemaError
from upbit_auto_trading.domain.strategy.serialization import strategy_from_json
from upbit_auto_trading.domain.strategy.strategy import Strategy

_PACKAGE = "upbit_auto_trading.resources.strategies"


def sample_strategy_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(_PACKAGE).iterdir() if p.name.endswith(".json"))


def sample_strategy_json(name: str) -> str:
    path = resources.files(_PACKAGE).joinpath(f"{name}.json")
    if not path.is_file():
        raise StrategySchemaError(
            f"No sample strategy {name!r}; available: {', '.join(sample_strategy_names())}"
        )
    return path.read_text(encoding="utf-8")


def load_sample_strategy(name: str = "basic_7_rule") -> Strategy:
    """The bundled sample, parsed and validated (``basic_7_rule`` is the original project's reference)."""
    return strategy_from_json(sample_strategy_json(name))
