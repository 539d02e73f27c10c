"""Use cases against fakes: the safety check and the switch/restore gate handling."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from upbit_auto_trading.application.profiles.apply_profile_switch import ApplyProfileSwitch
from upbit_auto_trading.application.profiles.errors import (
    ProfileUnusableError,
    UnsafeOperationError,
)
from upbit_auto_trading.application.profiles.gate_client import PROFILE_SWITCH, GateClient
from upbit_auto_trading.application.profiles.ports import DatabaseHealth, TradeElsewhere
from upbit_auto_trading.application.profiles.switch_profile import SwitchProfile
from upbit_auto_trading.application.profiles.system_safety_check import (
    SafetyCheckRequest,
    SystemSafetyCheck,
)
from upbit_auto_trading.domain.profiles.configuration import DatabaseConfiguration
from upbit_auto_trading.domain.profiles.events import ProfileSwitched
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import Environment, ProfileId

MB = 1024 * 1024


class FakeProbe:
    def __init__(self, free=10**12, users=(), transactions=()):
        self.free, self.users, self.transactions = free, list(users), list(transactions)

    def free_bytes(self, folder):
        return self.free

    def running_engines(self, paths):
        return []

    def foreign_users(self, paths):
        return self.users

    def open_transactions(self):
        return self.transactions


class FakeTrading:
    def __init__(self, trade=None):
        self.trade = trade

    def live_trade(self):
        return self.trade


def test_safety_check_says_what_blocks():
    check = SystemSafetyCheck(
        FakeProbe(
            free=5 * MB,
            users=["another program (process 7) has the settings database open"],
            transactions=["a write"],
        ),
        FakeTrading("s1@KRW-BTC"),
    )
    report = check.execute(
        SafetyCheckRequest("the restore", {"settings": Path("/x")}, {Path("/b"): 100 * MB})
    )
    assert not report.ok
    text = " | ".join(report.blockers)
    assert "trade is live (s1@KRW-BTC)" in text
    assert "not enough free disk space in /b" in text
    assert "process 7" in text and "a write" in text


def test_safety_check_passes_when_all_is_well():
    report = SystemSafetyCheck(FakeProbe(), FakeTrading()).execute(
        SafetyCheckRequest("the backup", {}, {Path("/b"): MB})
    )
    assert report.ok and report.blockers == []


class FakeRepo:
    def __init__(self):
        self.config = DatabaseConfiguration(
            [DatabaseProfile(ProfileId(p), p, Environment.parse(p)) for p in ("development", "testing")],
            ProfileId("development"),
        )
        self.saved = 0

    def load_configuration(self):
        return DatabaseConfiguration(self.config.profiles(), self.config.active_id)

    def save_configuration(self, configuration):
        self.config = configuration
        self.saved += 1

    def database_paths(self, profile_id):
        return {n: Path(f"/data/{profile_id}/{n}.db") for n in ("settings", "strategies", "market_data")}

    def default_paths(self, profile_id):
        return self.database_paths(profile_id)


class FakeFiles:
    def __init__(self, problem=None):
        self.problem = problem
        self.prepared = []

    def health(self, paths, *, thorough=False):
        return [DatabaseHealth(n, str(p), True, 1, 1, self.problem) for n, p in paths.items()]

    def prepare(self, paths):
        self.prepared.append(dict(paths))


class FakeSession:
    def __init__(self):
        self.current_paths = {"settings": Path("/data/development/settings.db")}

    def paths(self):
        return dict(self.current_paths)

    def close_all(self):
        pass

    def reopen(self, paths, *, migrate_now=True):
        self.current_paths = dict(paths)


class FakeSessionProfile:
    def __init__(self):
        self.id = "development"

    def current(self):
        return self.id

    def changed(self, profile_id):
        self.id = profile_id


class FakeLock:
    @contextmanager
    def hold(self, operation):
        yield


class FakeWriters:
    """Records which files each operation held exclusively."""

    def __init__(self):
        self.held = []

    @contextmanager
    def exclusive(self, paths, operation):
        self.held.append((operation, dict(paths)))
        yield self

    def retire(self, database, moved_to):
        pass


class FakePublisher:
    def __init__(self):
        self.events = []

    def publish(self, event):
        self.events.append(event)


class FakeGate:
    """Holds everything (a live trade) until release()."""

    def __init__(self):
        self.appliers, self.held = {}, []

    def register_applier(self, kind, applier, *, progress=False):
        self.appliers[kind] = applier

    async def submit(self, request, *, progress=None):
        self.held.append(request)
        return type("Outcome", (), {"status": "held", "reason": "A trade is live (s1@KRW-BTC)."})()

    async def release(self):
        for request in self.held:
            result = self.appliers[request.kind](request.payload)
            if hasattr(result, "__await__"):
                await result


class FakeElsewhere:
    def __init__(self, trade=None):
        self.trade = trade

    def trade_elsewhere(self):
        return self.trade


def _switch(gate=None, files=None, elsewhere=None, preparation=None):
    repo, files, session = FakeRepo(), files or FakeFiles(), FakeSession()
    session_profile, publisher = FakeSessionProfile(), FakePublisher()
    applier = ApplyProfileSwitch(
        repo, files, session, session_profile, FakeLock(), publisher, elsewhere, writers=FakeWriters(),
        preparation=preparation,
    )
    client = GateClient(gate)
    client.register(PROFILE_SWITCH, applier)
    return (
        SwitchProfile(repo, files, session_profile, client, elsewhere),
        repo,
        session,
        session_profile,
        publisher,
    )


async def test_switch_without_gate_applies_and_publishes():
    use_case, repo, session, session_profile, publisher = _switch()
    result = await use_case.execute("testing")
    assert result.done
    assert repo.config.active_id.value == "testing" and session_profile.id == "testing"
    assert session.current_paths["settings"] == Path("/data/testing/settings.db")
    assert [type(e) for e in publisher.events] == [ProfileSwitched]


async def test_switch_is_held_then_applied_by_the_gate():
    gate = FakeGate()
    use_case, repo, session, session_profile, publisher = _switch(gate)
    result = await use_case.execute("testing")
    assert result.status == "held" and not result.done
    assert repo.config.active_id.value == "development" and publisher.events == []
    assert gate.held[0].payload["profile_id"] == "testing"
    await gate.release()
    assert repo.config.active_id.value == "testing" and len(publisher.events) == 1


async def test_switch_to_a_damaged_profile_is_refused_before_the_gate():
    gate = FakeGate()
    use_case, repo, *_ = _switch(gate, FakeFiles(problem="not a SQLite database"))
    with pytest.raises(ProfileUnusableError, match="not a SQLite database"):
        await use_case.execute("testing")
    assert gate.held == [] and repo.saved == 0


class RecordingPreparation:
    """Records which profile was open and which events were out when the preparation ran."""

    def __init__(self, session_profile_of, publisher_of, fail=False):
        self.session_profile_of, self.publisher_of, self.fail = session_profile_of, publisher_of, fail
        self.seen = []

    def execute(self):
        self.seen.append((self.session_profile_of().id, list(self.publisher_of().events)))
        if self.fail:
            raise OSError("disk full")
        return ["bundled candles"]


async def test_switch_prepares_the_new_profile_before_announcing_it():
    world = {}
    preparation = RecordingPreparation(lambda: world["profile"], lambda: world["publisher"])
    use_case, repo, session, session_profile, publisher = _switch(preparation=preparation)
    world.update(profile=session_profile, publisher=publisher)
    assert (await use_case.execute("testing")).done
    assert preparation.seen == [("testing", [])]  # the new profile open, ProfileSwitched not yet out
    assert [type(e) for e in publisher.events] == [ProfileSwitched]


async def test_a_failed_preparation_does_not_undo_or_hide_the_switch(caplog):
    world = {}
    preparation = RecordingPreparation(lambda: world["profile"], lambda: world["publisher"], fail=True)
    use_case, repo, session, session_profile, publisher = _switch(preparation=preparation)
    world.update(profile=session_profile, publisher=publisher)
    assert (await use_case.execute("testing")).done
    assert repo.config.active_id.value == "testing" and session_profile.id == "testing"
    assert [type(e) for e in publisher.events] == [ProfileSwitched]
    assert "preparing it failed" in caplog.text and "disk full" in caplog.text


def test_prepare_opened_profile_runs_its_steps_in_order_once_each():
    from upbit_auto_trading.application.profiles.prepare_profile import PrepareOpenedProfile

    ran = []
    preparation = PrepareOpenedProfile()
    preparation.add("catalogue", lambda: ran.append("catalogue"))
    preparation.add("candles", lambda: ran.append("candles"))
    preparation.add("catalogue", lambda: ran.append("catalogue again"))  # start-up ran twice: replaced
    assert preparation.execute() == ["catalogue", "candles"] and ran == ["catalogue again", "candles"]


def test_safety_check_names_a_trade_in_another_window():
    other = FakeElsewhere(TradeElsewhere(4242, "rsi@KRW-BTC"))
    check = SystemSafetyCheck(FakeProbe(), FakeTrading(), other)
    report = check.execute(SafetyCheckRequest("the move", check_trading=False))
    assert report.blockers == [
        "a trade is live in another window (pid 4242: rsi@KRW-BTC); wait until it ends there "
        "(or stop it in that window), then retry"
    ]
    quiet = check.execute(SafetyCheckRequest("the backup", check_other_processes=False))
    assert quiet.ok


async def test_switch_refused_before_the_gate_while_another_window_trades():
    gate, elsewhere = FakeGate(), FakeElsewhere(TradeElsewhere(4242))
    use_case, repo, session, session_profile, publisher = _switch(gate, elsewhere=elsewhere)
    result = await use_case.execute("testing")
    assert result.status == "refused" and not result.done
    assert result.reason.startswith("a trade is live in another window (pid 4242)")
    assert result.detail["pid"] == 4242 and gate.held == [] and repo.saved == 0


async def test_held_switch_released_while_another_window_trades_is_not_applied():
    gate, elsewhere = FakeGate(), FakeElsewhere()
    use_case, repo, session, session_profile, publisher = _switch(gate, elsewhere=elsewhere)
    assert (await use_case.execute("testing")).status == "held"
    elsewhere.trade = TradeElsewhere(77, "s@KRW-BTC")  # meanwhile another window started a trade
    with pytest.raises(UnsafeOperationError, match=r"another window \(pid 77"):
        await gate.release()
    assert repo.config.active_id.value == "development" and session_profile.id == "development"
    assert publisher.events == []
