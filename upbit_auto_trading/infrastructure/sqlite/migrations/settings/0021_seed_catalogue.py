"""Seed the trading-variable catalogue from the packaged data file (resources/catalogue/catalogue.yaml)."""

from __future__ import annotations

from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import load_packaged_catalogue, seed_catalogue
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import SqlConnection


def migrate(conn: SqlConnection) -> None:
    seed_catalogue(conn, load_packaged_catalogue())
