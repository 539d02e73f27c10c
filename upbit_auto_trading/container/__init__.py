"""The composition root: the only place that knows every layer.

Each bounded context has its own sub-container module beside this one; this container composes them.
"""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.container.core import CoreContainer


class ApplicationContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    home = providers.Dependency()

    core = providers.Container(CoreContainer, config=config, home=home)
    # Sub-containers of the bounded contexts are added below, one line each.
