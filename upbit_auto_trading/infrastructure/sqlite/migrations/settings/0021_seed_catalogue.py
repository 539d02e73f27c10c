"""Seed the trading-variable catalogue from the packaged data file (resources/catalogue/catalogue.yaml)."""

from __future__ import annotations

import sqlite3

from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import load_packaged_catalogue, seed_catalogue


def migrate(conn: sqlite3.Connection) -> None:
    seed_catalogue(conn, load_packaged_catalogue())
