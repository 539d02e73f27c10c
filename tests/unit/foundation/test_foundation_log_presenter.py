from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.presentation.desktop.log_viewer.presenter import LogPresenter, LogRow


class FakeLogView:
    def __init__(self) -> None:
        self.rows: list[LogRow] = []
        self.status = ""

    def append_rows(self, rows: Sequence[LogRow]) -> None:
        self.rows.extend(rows)

    def replace_rows(self, rows: Sequence[LogRow]) -> None:
        self.rows = list(rows)

    def set_status(self, text: str) -> None:
        self.status = text


def _row(level: str, component: str, message: str) -> LogRow:
    return LogRow("09:00:00", level, component, message)


def test_level_component_and_search_filters() -> None:
    view = FakeLogView()
    presenter = LogPresenter(view)
    presenter.add([_row("DEBUG", "a.sqlite", "opened"), _row("ERROR", "a.upbit", "timeout"), _row("INFO", "a.sqlite", "migrated")])
    assert len(view.rows) == 3
    presenter.set_filter(min_level="INFO")
    assert [r.message for r in view.rows] == ["timeout", "migrated"]
    presenter.set_filter(component="sqlite")
    assert [r.message for r in view.rows] == ["migrated"]
    presenter.set_filter(min_level="DEBUG", component="", search="OPEN")
    assert [r.message for r in view.rows] == ["opened"]


def test_pause_holds_lines_and_resume_shows_them() -> None:
    view = FakeLogView()
    presenter = LogPresenter(view)
    presenter.set_paused(True)
    presenter.add([_row("INFO", "x", "one"), _row("INFO", "x", "two")])
    assert view.rows == []
    assert "2" in view.status
    presenter.set_paused(False)
    assert [r.message for r in view.rows] == ["one", "two"]


def test_clear_empties_the_view() -> None:
    view = FakeLogView()
    presenter = LogPresenter(view)
    presenter.add([_row("INFO", "x", "one")])
    presenter.clear()
    assert view.rows == []
