"""The database page presenter against a fake view, fake services and a synchronous runner."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.application.database_configuration.dto import ChangeResult, VerifyResult
from upbit_auto_trading.application.database_configuration.restore_backup import RestorePlan
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.database.model import DatabaseServices, ProfileForm
from upbit_auto_trading.presentation.desktop.settings.database.presenter import DatabasePagePresenter


class SyncRunner:
    def run(self, work, on_done, on_error):
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001
            on_error(exc)
        else:
            on_done(result)

    def run_async(self, factory, on_done, on_error):
        self.run(lambda: asyncio.run(factory()), on_done, on_error)

    def progress_callback(self, on_progress):
        return on_progress


class FakeView:
    def __init__(self):
        self.profile = None
        self.backup = None
        self.profiles, self.files, self.backups = [], [], []
        self.errors, self.infos, self.busy_log = [], [], []
        self.answers = {"confirm": True, "text": "", "profile": None}
        self.opened = None

    def selected_profile(self):
        return self.profile

    def selected_backup(self):
        return self.backup

    def show_profiles(self, rows):
        self.profiles = list(rows)

    def show_files(self, rows):
        self.files = list(rows)

    def show_backups(self, rows):
        self.backups = list(rows)

    def set_busy(self, busy, message="", cancellable=False):
        self.busy_log.append((busy, cancellable))

    def set_progress(self, fraction, message):
        pass

    def confirm(self, question):
        return self.answers["confirm"]

    def ask_text(self, title, label, text=""):
        return self.answers["text"]

    def ask_profile(self, form):
        return self.answers["profile"]

    def show_error(self, message):
        self.errors.append(message)

    def show_info(self, message):
        self.infos.append(message)

    def open_folder(self, folder):
        self.opened = folder


@dataclass
class Summary:
    data: dict

    def to_dict(self):
        return self.data

    @property
    def id(self):
        return self.data["id"]


def _profile(pid, env, active):
    health = {
        n: {"exists": True, "bytes": 2048, "schema_version": 1, "problem": None}
        for n in ("settings", "strategies", "market_data")
    }
    return Summary(
        {
            "id": pid,
            "name": pid.title(),
            "environment": env,
            "active": active,
            "description": "",
            "databases": {n: f"/d/{pid}/{n}" for n in health},
            "health": health,
        }
    )


class Recorder:
    def __init__(self, result=None, error=None):
        self.calls, self.result, self.error = [], result, error

    def execute(self, *args, **kwargs):
        self.calls.append(args)
        if self.error:
            raise self.error
        return self.result


class AsyncRecorder(Recorder):
    async def execute(self, *args, **kwargs):
        return Recorder.execute(self, *args, **kwargs)


class Restore(AsyncRecorder):
    def __init__(self, plan, **kw):
        super().__init__(**kw)
        self._plan = plan

    def plan(self, backup_id, target=None):
        return self._plan


def make(restore_plan=None, switch_result=ChangeResult("applied")):
    set_language("en")
    backup = Summary(
        {
            "id": "b1",
            "created_at": "2024-01-01T00:00:00Z",
            "kind": "manual",
            "profile": "development",
            "environment": "development",
            "bytes": 4096,
            "note": "n",
            "verified": None,
        }
    )
    list_profiles = Recorder(
        [_profile("development", "development", True), _profile("production", "production", False)]
    )
    services = DatabaseServices(
        list_profiles=list_profiles,
        create_profile=Recorder(),
        edit_profile=Recorder(),
        delete_profile=Recorder(),
        switch_profile=AsyncRecorder(switch_result),
        create_backup=Recorder(Summary({"id": "b2"})),
        list_backups=Recorder([backup]),
        verify_backup=Recorder(VerifyResult("b1", ["settings: checksum mismatch"])),
        restore_backup=Restore(
            restore_plan or RestorePlan("b1", "development", "development", "development", "development"),
            result=ChangeResult("applied"),
        ),
        delete_backup=Recorder(),
        backup_folder=lambda backup_id: Path("/backups") / (backup_id or ""),
    )
    view = FakeView()
    presenter = DatabasePagePresenter(view, services, SyncRunner())
    presenter.start()
    return presenter, view, services


def test_loads_profiles_files_and_backups():
    _, view, _ = make()
    assert [(p.id, p.active, p.environment_text) for p in view.profiles] == [
        ("development", True, "Development"),
        ("production", False, "Production"),
    ]
    assert [f.size for f in view.files] == ["2 KB"] * 3  # the active profile's files when nothing is selected
    assert view.backups[0].created == "2024-01-01 09:00:00 KST" and view.backups[0].verified == "not verified"


def test_switch_into_production_needs_the_typed_name():
    presenter, view, services = make()
    view.profile = "production"
    view.answers["text"] = "wrong"
    presenter.switch_profile()
    assert services.switch_profile.calls == [] and "does not match" in view.errors[-1]
    view.answers["text"] = "Production"
    presenter.switch_profile()
    assert services.switch_profile.calls == [("production",)]
    assert view.infos[-1] == "Switched to: Production"


def test_held_switch_is_reported():
    presenter, view, _ = make(switch_result=ChangeResult("held", "A trade is live."))
    view.profile = "production"
    view.answers["text"] = "Production"
    presenter.switch_profile()
    assert "Held because a trade is live" in view.infos[-1]


def test_restore_from_another_environment_asks_for_the_name():
    plan = RestorePlan("b1", "development", "development", "production", "production")
    presenter, view, services = make(restore_plan=plan)
    view.backup = "b1"
    view.answers["text"] = None  # the user closes the name prompt
    presenter.restore_backup()
    assert services.restore_backup.calls == []
    view.answers["text"] = "Development"
    presenter.restore_backup()
    assert services.restore_backup.calls == [("b1",)]


def test_declined_confirmation_changes_nothing():
    presenter, view, services = make()
    view.backup, view.answers["confirm"] = "b1", False
    presenter.restore_backup()
    presenter.delete_backup()
    assert services.restore_backup.calls == [] and services.delete_backup.calls == []


def test_backup_is_cancellable_and_verify_reports_problems():
    presenter, view, services = make()
    view.answers["text"] = "my note"
    presenter.create_backup()
    assert (True, True) in view.busy_log and view.busy_log[-1] == (False, False)
    assert services.create_backup.calls[0][0].note == "my note"
    view.backup = "b1"
    presenter.verify_backup()
    assert "checksum mismatch" in view.infos[-1]


def test_errors_are_shown_and_busy_resets():
    presenter, view, services = make()
    services.delete_profile.error = RuntimeError("disk on fire")
    view.profile = "production"
    presenter.delete_profile()
    assert view.errors[-1] == "disk on fire" and view.busy_log[-1] == (False, False) and not presenter.busy


def test_active_profile_cannot_be_deleted_and_create_uses_the_form():
    presenter, view, services = make()
    view.profile = "development"
    presenter.delete_profile()
    assert services.delete_profile.calls == [] and "active profile" in view.errors[-1]
    view.answers["profile"] = ProfileForm("paper-2", "Paper", "testing", "", "/x")
    presenter.create_profile()
    command = services.create_profile.calls[0][0]
    assert command.profile_id == "paper-2" and command.paths["settings"] == Path("/x/settings.sqlite3")
    presenter.open_backup_folder()
    assert view.opened == Path("/backups")
