from __future__ import annotations

from importlib import resources

import pytest
import yaml

from upbit_auto_trading.domain.trigger.variables import Catalogue, catalogue_from_dict


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    text = resources.files("upbit_auto_trading.resources.catalogue").joinpath("catalogue.yaml").read_text("utf-8")
    return catalogue_from_dict(yaml.safe_load(text))
