"""A first ``data fetch`` of a series names the CLI's own option, while the use case's message (which the
desktop's download dialog also meets) names none (issue 13 item 10: "give a start date (--from)")."""

from __future__ import annotations

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.cli.app import run


def test_first_fetch_without_from_says_the_flag(capsys, tmp_path):
    made = []

    def factory(args):  # noqa: ANN001, ANN202 - as entrypoints/cli.py, minus the log files
        container = build_container(home=args.home, overrides={"market_data": {"seed_bundled": False}})
        startup(container)
        made.append(container)
        return cli_services(container)

    # nothing is fetched: the use case refuses before the first page (an address nobody listens on)
    code = run(["--home", str(tmp_path), "data", "fetch", "--market", "KRW-BTC", "--timeframe", "1h",
                "--api-url", "http://127.0.0.1:9"], factory)  # fmt: skip
    for container in made:
        container.core.database_session().close_all()
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "No 1h candles of KRW-BTC are stored yet: give a start date for the first download (--from DATE)"
        in err
    )
