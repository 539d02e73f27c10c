"""Proof that the keys never reach a file: after `keys set`, a run at DEBUG that signs real requests to the
loopback Upbit server, a crash dialog whose error carries every key in every form, a backup and an archive
export, no file under the home or the export folder holds the access key, the secret key or the
passphrase (plain, base64 or hex; zip members decompressed). The CLI's own run of this is in
tests/e2e/test_cli_keys.py."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from dependency_injector import providers
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMessageBox

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.logging_setup import configure_logging
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.infrastructure.upbit_sim import SimAccountSpec, SimConfig, UpbitSimServer
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
from upbit_auto_trading.presentation.desktop.exception_hook import ExceptionHook

# Shaped like real Upbit keys (40 letters and digits); the passphrase looks like nothing in particular.
ACCESS = "Qm7TxV2pLk9RsW4nHc8ZyB3dFj6GaE1uNo5iKr0t"
SECRET = "Xp4Lm8Qz2Vn6Bw0Rt5Yc9Hd3Js7Kf1Ga4Ue8Io2P"
PASSPHRASE = "uat-proof passphrase 42"
FAST_SCRYPT_N = 2**10


def _loopback() -> UpbitSimServer:
    replay = MarketReplay()
    replay.add_candles(synthetic_candles("KRW-BTC", "1h", 50))
    return UpbitSimServer(SimConfig(accounts=[SimAccountSpec(ACCESS, SECRET, {"KRW": Decimal("1000000")})]), replay)


def _crash_with_the_secrets_in_it(qtbot, secrets: dict[str, str]) -> list[str]:  # noqa: ANN001
    """The desktop's exception hook with its real dialog (closed by a timer once shown), for an error
    whose message carries every secret the app holds, plain, base64 and hex."""
    shown: list[str] = []

    def close_when_shown() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close_when_shown)
            return
        shown.append(box.text())
        box.done(0)

    message = "signing failed: " + " ".join(
        f"{name} {value} b64 {base64.b64encode(value.encode()).decode()} hex {value.encode().hex()} "
        f"HEX {value.encode().hex().upper()};"
        for name, value in secrets.items()
    )
    QTimer.singleShot(0, close_when_shown)
    hook = ExceptionHook()
    try:
        raise RuntimeError(message)
    except RuntimeError as exc:
        hook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    return shown


@pytest.mark.parametrize("protection", ["file", "passphrase", "keyring"])
def test_no_file_holds_a_key_after_set_debug_run_crash_backup_and_export(
    protection: str, qtbot, app_home: Path, tmp_path: Path, scan, machine_keyring
) -> None:
    if protection == "keyring":
        machine_keyring()
    secrets = {"access key": ACCESS, "secret key": SECRET}
    if protection == "passphrase":  # a secret the app holds only in this case
        secrets["passphrase"] = PASSPHRASE
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    with _loopback() as sim:
        container = build_container(
            home=app_home,
            overrides={
                "logging": {"level": "DEBUG"},
                "upbit": {"api_url": sim.base_url},
                "market_data": {"seed_bundled": False},
            },
        )
        container.secrets.scrypt_n.override(providers.Object(FAST_SCRYPT_N))
        configure_logging(container, console=False)
        try:
            startup(container)
            status = container.secrets.save_api_keys().execute(
                ACCESS, SECRET, PASSPHRASE if protection == "passphrase" else None
            )
            assert status.protection == protection
            logging.getLogger("upbit_auto_trading.test").debug("keys in use: %s", container.secrets.vault().load())

            with container.upbit.sync_client() as client:  # signed requests, every HTTP library at DEBUG
                assert [a.currency for a in client.accounts()] == ["KRW"]
                client.order_chance("KRW-BTC")

            assert _crash_with_the_secrets_in_it(qtbot, secrets)

            backup = container.profiles.create_backup().execute(CreateBackupCommand(note="secrets proof"))
            archive = container.profiles.export_backup().execute(backup.id, export_dir)
            assert archive.is_file()
        finally:
            container.core.database_session().close_all()
            for handler in logging.getLogger().handlers:
                handler.flush()

    log_text = (app_home / "logs" / "upbit_auto_trading.log").read_text(encoding="utf-8")
    assert "signing failed" in log_text and "/v1/accounts" in log_text  # the run and the crash were logged
    assert scan.leaks([app_home, export_dir], secrets) == []
