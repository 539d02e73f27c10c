"""What happens once, after the container is built and before any screen or command uses it.

Each bounded context adds its start-up step here (one line each), in dependency order.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def startup(container: Any) -> None:
    container.core.database_session()  # opens and migrates the active profile's three databases
    if container.config.market_data.seed_bundled():
        container.market_data.seed_bundled_candles().execute()  # first run: import the bundled sample candles
    container.profiles.gate_client()  # registers the profile.switch and backup.restore appliers on the gate
    container.triggers.catalogue_seeder().upgrade_if_needed()  # re-seed the variable catalogue if its version rose
    container.strategies.seed_samples().execute()  # development profile, first start: sample strategy + triggers
