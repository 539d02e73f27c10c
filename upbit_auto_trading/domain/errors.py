"""Base of the domain's error hierarchy."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, in words a user can act on."""
