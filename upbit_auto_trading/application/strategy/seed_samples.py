"""A new profile's first opening: save the sample strategies and the triggers they use.

Any profile (development, testing, production) the first time it is opened; ``strategies.seed_samples:
false`` turns it off (container/startup.py). The seed ledger in the strategies database makes it once per
database: a sample the user deleted is not saved again.
"""

from __future__ import annotations

import logging

from upbit_auto_trading.application.strategy.ports import SeedLedger, StrategyRepository
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository
from upbit_auto_trading.domain.strategy import load_sample_strategy

log = logging.getLogger(__name__)

SAMPLE_TRIGGERS: tuple[TriggerDraft, ...] = (
    TriggerDraft(
        name="RSI(14) below 20",
        variable_id="RSI",
        params={"period": 14},
        operator="lt",
        value="20",
        description="Sample: Wilder RSI(14) of closes under 20 (deeply oversold). Entry of basic_7_rule.",
    ),
    TriggerDraft(
        name="Crash: close 3% below previous close",
        variable_id="ROC",
        params={"period": 1},
        operator="le",
        value="-3",
        description="Sample: a candle closing at least 3% below the previous close. Crash exit of basic_7_rule.",
    ),
    TriggerDraft(
        name="Surge: close 5% above previous close",
        variable_id="ROC",
        params={"period": 1},
        operator="ge",
        value="5",
        description="Sample: a candle closing at least 5% above the previous close. Surge exit of basic_7_rule.",
    ),
)
SAMPLE_STRATEGIES: tuple[str, ...] = ("basic_7_rule",)


class SeedSampleStrategies:
    """Runs once per strategies database."""

    def __init__(
        self,
        strategies: StrategyRepository,
        ledger: SeedLedger,
        triggers: TriggerRepository,
        catalogue: CatalogueRepository,
    ) -> None:
        self._strategies = strategies
        self._ledger = ledger
        self._triggers = triggers
        self._catalogue = catalogue

    def execute(self) -> list[str]:
        """Names of what was saved now (empty when already seeded, or the database was in use before)."""
        keys = [f"sample:{sample}" for sample in SAMPLE_STRATEGIES]
        if not any(self._ledger.is_seeded(key) for key in keys) and self._in_use():
            # A database holding the user's own strategies or triggers, with no sample ever seeded, was in
            # use before samples went into every profile (a production profile, say): it is not new, and
            # the samples would be clutter there. Recorded, so the answer stays the same.
            for key in keys:
                self._ledger.mark_seeded(key)
            log.info("samples not seeded: this strategies database already holds strategies or triggers")
            return []
        saved: list[str] = []
        catalogue = None
        for sample, key in zip(SAMPLE_STRATEGIES, keys, strict=True):
            if self._ledger.is_seeded(key):
                continue
            strategy = load_sample_strategy(sample)
            needed = {ref.name for ref in strategy.trigger_refs()}
            for draft in SAMPLE_TRIGGERS:
                if draft.name in needed and self._triggers.get(draft.name) is None:
                    catalogue = catalogue or self._catalogue.load()
                    self._triggers.add(draft.build(catalogue))
                    saved.append(draft.name)
            if self._strategies.get(strategy.name) is None:
                self._strategies.add(strategy)
                saved.append(strategy.name)
            self._ledger.mark_seeded(key)
        if saved:
            log.info("seeded samples: %s", ", ".join(saved))
        return saved

    def _in_use(self) -> bool:
        return bool(self._strategies.list()) or bool(self._triggers.list())
