"""upbit-auto-trading: a desktop trading workstation for the Upbit exchange."""

__version__ = "0.1.0"
