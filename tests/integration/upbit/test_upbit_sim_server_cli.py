"""``upbit-auto-trading sim-server`` serves on 127.0.0.1 until interrupted, then exits cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx


def test_sim_server_command_serves_and_stops_on_ctrl_c(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "upbit_auto_trading",
            "--home",
            str(tmp_path),
            "--json",
            "sim-server",
            "--port",
            "0",
            "--synthetic",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        assert info["rest"].startswith("http://127.0.0.1:")
        markets = httpx.get(info["rest"] + "/v1/market/all", timeout=5).json()
        assert markets[0]["market"] == "KRW-BTC" and markets[0]["korean_name"] == "비트코인"
    finally:
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=15)
    assert rc == 0, proc.stderr.read()
