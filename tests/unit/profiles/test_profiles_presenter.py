"""The database page presenter against a fake view, fake services and an ``ImmediateBackgroundWork``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.application.profiles.change_database_location import LocationPlan
from upbit_auto_trading.application.profiles.dto import ChangeResult, VerifyResult
from upbit_auto_trading.application.profiles.restore_backup import RestorePlan
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.settings.profiles.model import LocationChoice, ProfileForm
from upbit_auto_trading.presentation.desktop.settings.profiles.presenter import DatabasePagePresenter
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices


class FakeView:
    def __init__(self):
        self.profile = None
        self.backup = None
        self.profiles, self.files, self.backups = [], [], []
        self.errors, self.infos, self.busy_log = [], [], []
        self.answers = {"confirm": True, "text": "", "profile": None, "location": None, "file": None}
        self.opened = None
        self.questions, self.progress = [], []

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
        self.progress.append((fraction, message))

    def confirm(self, question):
        self.questions.append(question)
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

    def ask_location(self, profile_name, current_folder):
        self.location_asked = (profile_name, current_folder)
        return self.answers["location"]

    def ask_save_file(self, title, suggested_name):
        self.suggested = suggested_name
        return self.answers["file"]

    def ask_open_file(self, title):
        return self.answers["file"]


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


class Relocate(Recorder):
    """ChangeDatabaseLocation: plan() names the files, execute() reports progress."""

    def __init__(self, plan_error=None, **kw):
        super().__init__(**kw)
        self.plan_error = plan_error

    def plan(self, profile_id, folder, move=True):
        if self.plan_error:
            raise self.plan_error
        moves = {
            n: (Path(f"/d/{profile_id}/{n}"), folder / n) for n in ("settings", "strategies", "market_data")
        }
        return LocationPlan(profile_id, folder, moves, move)

    def execute(self, command):
        command.progress(Progress(0.2, 1, "copy"))
        return super().execute(command)


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
        change_location=Relocate(),
        export_backup=Recorder(Path("/out/b1.uatbackup.zip")),
        import_backup=Recorder(Summary({"id": "b9"})),
    )
    view = FakeView()
    presenter = DatabasePagePresenter(view, services, ImmediateBackgroundWork())
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


def test_change_location_names_the_files_then_copies_off_the_gui_thread_and_refreshes():
    presenter, view, services = make()
    view.profile = "development"
    view.answers["location"] = LocationChoice("/new", move=False)
    loads = len(services.list_profiles.calls)
    presenter.change_location()
    assert view.location_asked == ("Development", "/d/development")
    question = view.questions[-1]
    assert "Copy the database files of profile 'Development' to /new?" in question
    assert "/d/development/settings\n    -> /new/settings" in question and "market_data" in question
    assert "old files stay" in question and "closed and reopened" in question  # the active profile
    command = services.change_location.calls[0][0]
    assert (command.profile_id, command.folder, command.move) == ("development", Path("/new"), False)
    assert view.progress == [(0.2, "Copying the files...")]
    assert view.infos[-1] == "Profile 'Development' now uses the files in /new."
    assert len(services.list_profiles.calls) == loads + 1 and view.busy_log[-1] == (False, False)


def test_change_location_cancel_decline_and_bad_folder_change_nothing():
    presenter, view, services = make()
    view.profile = "development"
    presenter.change_location()  # the dialog was closed
    view.answers["location"] = LocationChoice("/new")
    view.answers["confirm"] = False
    presenter.change_location()  # the confirmation was declined
    assert "Move the database files" in view.questions[-1] and "deleted" in view.questions[-1]
    services.change_location.plan_error = ValueError("/new/settings already exists; choose an empty folder")
    view.answers["confirm"] = True
    presenter.change_location()
    assert view.errors[-1] == (
        "The location cannot be changed: /new/settings already exists; choose an empty folder"
    )
    assert services.change_location.calls == []


def test_moving_a_production_profile_needs_the_typed_name_and_failures_are_shown():
    presenter, view, services = make()
    view.profile = "production"
    view.answers["location"] = LocationChoice("/new")
    view.answers["text"] = "nope"
    presenter.change_location()
    assert services.change_location.calls == [] and "does not match" in view.errors[-1]
    view.answers["text"] = "Production"
    services.change_location.error = RuntimeError("/new cannot be written (read-only)")
    presenter.change_location()
    assert len(services.change_location.calls) == 1
    assert view.errors[-1] == "Changing the location failed: /new cannot be written (read-only)"
    assert not presenter.busy and view.busy_log[-1] == (False, False)


def test_export_asks_for_a_file_and_adds_the_archive_suffix():
    presenter, view, services = make()
    presenter.export_backup()
    assert view.errors[-1] == "Select a backup first."
    view.backup = "b1"
    presenter.export_backup()  # the file dialog was cancelled
    assert services.export_backup.calls == [] and view.suggested == "b1.uatbackup.zip"
    view.answers["file"] = "/out/mine"
    presenter.export_backup()
    backup_id, destination, _progress = services.export_backup.calls[0]
    assert (backup_id, destination) == ("b1", Path("/out/mine.uatbackup.zip"))
    assert view.infos[-1] == "Exported to: /out/b1.uatbackup.zip"


def test_import_adds_the_backup_and_refreshes_and_shows_errors():
    presenter, view, services = make()
    presenter.import_backup()  # cancelled
    assert services.import_backup.calls == []
    view.answers["file"] = "/in/b9.uatbackup.zip"
    loads = len(services.list_backups.calls)
    presenter.import_backup()
    assert services.import_backup.calls[0][0] == Path("/in/b9.uatbackup.zip")
    assert view.infos[-1] == "Imported backup (verified): b9"
    assert len(services.list_backups.calls) == loads + 1
    services.import_backup.error = ValueError("/in/x.zip is not a backup archive")
    presenter.import_backup()
    assert view.errors[-1] == "Import failed: /in/x.zip is not a backup archive"


def test_switch_refused_by_a_trade_in_another_window_is_explained():
    reason = "a trade is live in another window (pid 4242: rsi@KRW-BTC); wait until it ends there"
    presenter, view, _ = make(switch_result=ChangeResult("refused", reason))
    view.profile = "production"
    view.answers["text"] = "Production"
    presenter.switch_profile()
    assert view.errors[-1] == "Refused: " + reason
