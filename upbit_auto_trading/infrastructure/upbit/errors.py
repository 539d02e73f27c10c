"""Typed Upbit errors. Each class's docstring says what the caller should do.

Upbit answers errors as ``{"error": {"name": "...", "message": "..."}}`` with a 4xx status; ``error_for``
maps that shape (and transport failures) onto this hierarchy.
"""

from __future__ import annotations

from upbit_auto_trading.infrastructure.errors import InfrastructureError


class UpbitError(InfrastructureError):
    """Base of every Upbit failure. ``name`` is Upbit's error name, ``status`` the HTTP status (0: no reply)."""

    def __init__(self, message: str, *, name: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.name = name
        self.status = status


# --- transport -------------------------------------------------------------------------------------


class UpbitNetworkError(UpbitError):
    """No usable reply (connection refused, DNS, reset). Safe reads may be retried later; tell the user
    the exchange is unreachable. Never re-place an order on this error without looking it up first."""


class UpbitTimeoutError(UpbitNetworkError):
    """The request timed out. For a read: retry. For an order: its fate is unknown; look it up by
    identifier (the client does this itself) before doing anything else."""


class UpbitServerError(UpbitError):
    """Upbit answered 5xx. Retry reads later with backoff; look orders up before retrying them."""


class UpbitProtocolError(UpbitError):
    """The reply could not be understood (not JSON, missing fields). A bug or an API change: stop and report."""


# --- rate limits -----------------------------------------------------------------------------------


class UpbitRateLimitError(UpbitError):
    """429 Too Many Requests, still failing after the client's own backoff. Slow down and retry later."""


class UpbitBlockedError(UpbitError):
    """418: the IP or account is blocked for repeated rate-limit violations. STOP sending requests until
    ``retry_after`` seconds have passed; retrying earlier lengthens the block."""

    def __init__(self, message: str, *, name: str = "", status: int = 418, retry_after: float = 0.0) -> None:
        super().__init__(message, name=name, status=status)
        self.retry_after = retry_after


# --- authentication (401/403) ----------------------------------------------------------------------


class UpbitAuthError(UpbitError):
    """Authentication failed. Do not retry: check the API keys, the clock and the key's settings."""


class UpbitInvalidQueryPayloadError(UpbitAuthError):
    """The query hash does not match the parameters sent (``invalid_query_payload``). A client bug: report it."""


class UpbitJwtVerificationError(UpbitAuthError):
    """The token signature is wrong (``jwt_verification``): the secret key does not match the access key."""


class UpbitExpiredAccessKeyError(UpbitAuthError):
    """The API key has expired (``expired_access_key``): issue a new key on Upbit and save it in settings."""


class UpbitNonceUsedError(UpbitAuthError):
    """The nonce was already used (``nonce_used``): a replayed token. Build a fresh token and send again once."""


class UpbitIpNotAllowedError(UpbitAuthError):
    """This IP is not registered for the key (``no_authorization_i_p``): add it on Upbit's API key page."""


class UpbitOutOfScopeError(UpbitAuthError):
    """The key lacks the permission (``out_of_scope``), e.g. ordering: enable it on Upbit's API key page."""


# --- request and order errors (400/404) ------------------------------------------------------------


class UpbitRequestError(UpbitError):
    """The exchange refused the request as invalid. Do not retry unchanged; show the message to the user."""


class UpbitValidationError(UpbitRequestError):
    """A parameter is missing or malformed (``validation_error``): fix the request."""


class UpbitOrderError(UpbitRequestError):
    """The order was refused and NOT placed. Fix it (price, volume, funds) before placing a new one."""


class UpbitInsufficientFundsError(UpbitOrderError):
    """Not enough balance (``insufficient_funds_bid/ask``): lower the amount or deposit funds."""


class UpbitUnderMinTotalError(UpbitOrderError):
    """The order total is below the market minimum (``under_min_total_bid/ask``; 5,000 KRW in KRW markets)."""


class UpbitInvalidPriceError(UpbitOrderError):
    """The price is not on the tick grid (``invalid_price_bid/ask``): round it with ``round_to_tick``."""


class UpbitMarketOfflineError(UpbitOrderError):
    """The market does not accept orders right now (``market_offline``): wait and check again."""


class UpbitDuplicateIdentifierError(UpbitOrderError):
    """The client identifier was used before. Look the earlier order up by identifier; never reuse one."""


class UpbitNotFoundError(UpbitRequestError):
    """The order (or resource) does not exist (``order_not_found``): it was never placed, or is too old."""


_BY_NAME: dict[str, type[UpbitError]] = {
    "invalid_query_payload": UpbitInvalidQueryPayloadError,
    "jwt_verification": UpbitJwtVerificationError,
    "expired_access_key": UpbitExpiredAccessKeyError,
    "nonce_used": UpbitNonceUsedError,
    "no_authorization_i_p": UpbitIpNotAllowedError,
    "no_authorization_ip": UpbitIpNotAllowedError,
    "out_of_scope": UpbitOutOfScopeError,
    "validation_error": UpbitValidationError,
    "insufficient_funds_bid": UpbitInsufficientFundsError,
    "insufficient_funds_ask": UpbitInsufficientFundsError,
    "under_min_total_bid": UpbitUnderMinTotalError,
    "under_min_total_ask": UpbitUnderMinTotalError,
    "invalid_price_bid": UpbitInvalidPriceError,
    "invalid_price_ask": UpbitInvalidPriceError,
    "market_offline": UpbitMarketOfflineError,
    "create_bid_error": UpbitOrderError,
    "create_ask_error": UpbitOrderError,
    "duplicated_identifier": UpbitDuplicateIdentifierError,
    "order_not_found": UpbitNotFoundError,
    "too_many_requests": UpbitRateLimitError,
}


def error_for(status: int, name: str, message: str) -> UpbitError:
    """The typed error for an Upbit error reply (unknown names fall back on the status class)."""
    text = f"Upbit {status} {name}: {message}" if name else f"Upbit {status}: {message}"
    if status == 418:
        return UpbitBlockedError(text, name=name, status=status, retry_after=_block_seconds(message))
    if status == 429:
        return UpbitRateLimitError(text, name=name or "too_many_requests", status=status)
    cls = _BY_NAME.get(name)
    if cls is None:
        if status in (401, 403):
            cls = UpbitAuthError
        elif status == 404:
            cls = UpbitNotFoundError
        elif status >= 500:
            cls = UpbitServerError
        else:
            cls = UpbitRequestError
    return cls(text, name=name, status=status)


def _block_seconds(message: str) -> float:
    """Upbit states the block duration in the 418 message; take the first number of seconds in it."""
    digits = ""
    for ch in message:
        if ch.isdigit() or (ch == "." and digits):
            digits += ch
        elif digits:
            break
    try:
        return float(digits) if digits else 60.0
    except ValueError:
        return 60.0
