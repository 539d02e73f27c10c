"""``profiles`` and ``backup``: the profiles feature (with its backups) on the command line."""

from __future__ import annotations

import argparse

from upbit_auto_trading.presentation.cli.commands.profiles import backup_commands, profile_commands


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup_commands.register(subparsers)
    profile_commands.register(subparsers)
