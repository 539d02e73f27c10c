"""What happens once, after the container is built and before any screen or command uses it.

Each bounded context adds its start-up step here (one line each), in dependency order. What a profile gets
when it is opened (the variable catalogue's upgrade, the bundled candles, the sample strategies) is
registered once on ``profiles.preparation`` and run for the profile opened now and again after every
switch, so a profile opened for the first time by ``--profile``, the Settings page or ``profiles switch``
is seeded like the development profile is at the first start.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def startup(container: Any) -> None:
    container.core.database_session()  # opens and migrates the active profile's three databases
    container.profiles.gate_client()  # registers the profile.switch and backup.restore appliers on the gate
    preparation = container.profiles.preparation()
    # each step is idempotent (a version or a seed ledger in the profile's own databases), in this order:
    # the sample triggers are built against the catalogue
    preparation.add("variable catalogue", lambda: container.triggers.catalogue_seeder().upgrade_if_needed())
    if _enabled(container, "market_data.seed_bundled"):
        preparation.add("bundled candles", lambda: container.market_data.seed_bundled_candles().execute())
    if _enabled(container, "strategies.seed_samples"):
        preparation.add("sample strategies", lambda: container.strategies.seed_samples().execute())
    preparation.execute()  # the profile opened now


def _enabled(container: Any, key: str) -> bool:
    """A seeding switch, on unless the configuration turns it off (a key the schema does not define yet
    reads as absent, which means on)."""
    value = container.config.get(key)
    return True if value is None else bool(value)
