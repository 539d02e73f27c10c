"""The variable catalogue for pickers and `variables list`."""

from __future__ import annotations

from upbit_auto_trading.application.trigger.ports import CatalogueRepository
from upbit_auto_trading.domain.trigger.variables import Catalogue


class ListCatalogue:
    def __init__(self, catalogue: CatalogueRepository) -> None:
        self._catalogue = catalogue

    def execute(self) -> Catalogue:
        return self._catalogue.load()
