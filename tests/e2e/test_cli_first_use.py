"""A never-used profile opened from the command line (``--profile testing``) gets the real bundled candles and
the sample strategy, so the user guide's examples work there too (subprocess, fresh home, the packaged files:
one real seeding, ~10 s on two cores). The settings that turn it off and the ``profiles switch`` path are
covered in process by tests/integration/profiles/test_profiles_first_use.py."""

from __future__ import annotations

SAMPLE = "Basic 7-rule (기본 7규칙)"
BUNDLED = {("KRW-BTC", "1h"): 48_971, ("USD-BTC", "1h"): 33_259}  # docs/data.md


def test_a_new_testing_profile_has_the_bundled_series_and_the_sample_strategy(cli):
    strategies = cli.json("--profile", "testing", "strategies", "list")
    assert [s["name"] for s in strategies] == [SAMPLE]
    series = cli.json("--profile", "testing", "data", "list")
    assert {(s["market"], s["timeframe"]): s["count"] for s in series} == BUNDLED
    # the user guide's example runs there
    fired = cli.json("--profile", "testing", "triggers", "eval", "RSI(14) below 20", "--market", "KRW-BTC",
                     "--timeframe", "1h", "--from", "2022-01-01")  # fmt: skip
    assert fired["count"] > 0
    assert not (cli.home / "data" / "development").exists()  # only the profile asked for was opened


def test_with_seed_bundled_off_the_new_profile_has_no_candles(cli_unseeded):
    assert cli_unseeded.json("--profile", "testing", "data", "list") == []
    assert [s["name"] for s in cli_unseeded.json("--profile", "testing", "strategies", "list")] == [SAMPLE]
