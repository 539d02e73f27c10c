"""Live trading only on the production profile, with stored keys, after the profile's name is typed, and for
a strategy that has never run on paper only when the user accepted that (the promotion check)."""

from __future__ import annotations

from collections.abc import Callable

from upbit_auto_trading.application.errors import ApplicationError


class LiveModeRefused(ApplicationError):
    """Live trading is not allowed here; the message says which condition is missing."""


class ProfileLiveGuard:
    def __init__(
        self,
        *,
        profile_id: Callable[[], str],
        environment: Callable[[], str],
        has_keys: Callable[[], bool],
    ) -> None:
        self._profile_id = profile_id
        self._environment = environment
        self._has_keys = has_keys

    def check(self, request: object, confirmation: str) -> None:
        profile = self._profile_id()
        env = self._environment()
        if env != "production":
            raise LiveModeRefused(
                f"Live trading runs only on a production profile; {profile!r} is {env}. Switch to the production "
                "profile (settings or `profiles switch`), or trade on paper."
            )
        if not self._has_keys():
            raise LiveModeRefused("Live trading needs stored Upbit API keys: `keys set` or Settings > API keys.")
        if confirmation.strip() != profile:
            raise LiveModeRefused(
                f"Live trading with real money needs the profile's name typed as confirmation (--confirm {profile})."
            )
        if getattr(request, "paper_record_missing", False):
            raise LiveModeRefused(
                "This strategy has never run on paper: run it on paper first, or accept starting it live "
                "without a paper record."
            )
