"""`keys` commands on bad input, in process (the subprocess runs are in tests/e2e/test_cli_keys.py): one
line on stderr, exit 1, and nothing stored."""

from __future__ import annotations

import io
import sys

import pytest

from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.presentation.cli.app import run

ACCESS = "Qm7TxV2pLk9RsW4nHc8ZyB3dFj6GaE1uNo5iKr0t"
SECRET = "Xp4Lm8Qz2Vn6Bw0Rt5Yc9Hd3Js7Kf1Ga4Ue8Io2P"


@pytest.fixture
def keys_cli(containers, monkeypatch, capsys):  # noqa: ANN201
    container = containers()

    def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run(list(argv), lambda args: cli_services(container))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _one_line(code: int, err: str) -> str:
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (f"{ACCESS}\n{SECRET}\n", "third line"),  # --passphrase without the passphrase
        (f"{ACCESS}\n{SECRET}\nshort\n", "at least 8"),
        (f"{ACCESS}\n{SECRET}\n        \n", "at least 8"),
        (f"{ACCESS}\n\n", "both the access key and the secret key"),
        (f"not a key\n{SECRET}\nlong enough passphrase\n", "access key"),
    ],
)
def test_bad_input_to_keys_set_is_one_line_and_stores_nothing(keys_cli, lines: str, expected: str) -> None:
    code, out, err = keys_cli("keys", "set", "--stdin", "--passphrase", stdin=lines)
    assert expected in _one_line(code, err) and out == ""
    code, out, _ = keys_cli("keys", "status")
    assert code == 0 and out.startswith("no keys stored")


def test_unlock_with_nothing_or_no_passphrase(keys_cli) -> None:
    code, out, _ = keys_cli("keys", "unlock", stdin="whatever passphrase\n")
    assert code == 0 and "nothing to unlock" in out
    keys_cli("keys", "set", "--stdin", "--passphrase", stdin=f"{ACCESS}\n{SECRET}\nlong enough passphrase\n")
    code, _, err = keys_cli("keys", "unlock", stdin="")
    assert "no passphrase given" in _one_line(code, err)


def test_keys_not_under_a_passphrase_need_no_unlock(keys_cli) -> None:
    keys_cli("keys", "set", "--stdin", stdin=f"{ACCESS}\n{SECRET}\n")
    code, out, _ = keys_cli("keys", "unlock", stdin="")
    assert code == 0 and "not protected by a passphrase" in out and "master key: file" in out


def test_a_production_profile_suggests_the_passphrase(containers, monkeypatch, capsys) -> None:
    container = containers(profile="production")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ACCESS}\n{SECRET}\n"))
    assert run(["keys", "set", "--stdin"], lambda args: cli_services(container)) == 0
    assert "--passphrase" in capsys.readouterr().err
