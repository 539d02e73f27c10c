"""The dialog asked when an imported trigger differs from the saved one of the same name."""

from __future__ import annotations

from PyQt6.QtWidgets import QCheckBox, QMessageBox, QWidget

from upbit_auto_trading.application.trigger.comparison import differing_fields
from upbit_auto_trading.application.trigger.import_triggers import ConflictChoice, TriggerConflict
from upbit_auto_trading.domain.trigger.variables import Catalogue
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import present
from upbit_auto_trading.presentation.desktop.trigger_text import difference_lines


def conflict_dialog(
    parent: QWidget | None, conflict: TriggerConflict, catalogue: Catalogue | None = None
) -> QMessageBox:
    """Buttons carry their choice in the ``choice`` property; Cancel has none. Built apart from
    :func:`ask_conflict` so a test can press a button without a modal loop. The differences are worded
    as the screens word triggers (catalogue names, the UI language), not as the CLI prints them."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("트리거 가져오기", "Import triggers"))
    box.setText(
        tr(
            f"트리거 '{conflict.name}'이(가) 저장된 같은 이름의 트리거와 다릅니다.",
            f"Trigger '{conflict.name}' differs from the saved trigger of the same name.",
        )
    )
    fields = list(differing_fields(conflict.stored, conflict.incoming))
    lines = difference_lines(catalogue, conflict.stored, conflict.incoming, fields) if fields else []
    box.setInformativeText("\n".join(lines or conflict.differences))
    for choice, text in (
        (
            ConflictChoice.RENAME,
            tr(f"'{conflict.rename_to}'(으)로 가져오기", f"Import as '{conflict.rename_to}'"),
        ),
        (ConflictChoice.SKIP, tr("건너뛰기 (저장된 것 유지)", "Skip (keep the saved one)")),
        (ConflictChoice.REPLACE, tr("덮어쓰기", "Replace the saved one")),
    ):
        button = present(box.addButton(text, QMessageBox.ButtonRole.AcceptRole), "choice button")
        button.setProperty("choice", choice.value)
    box.addButton(QMessageBox.StandardButton.Cancel)
    # parented to the box: a parentless check box is Python's, collected when this function returns
    box.setCheckBox(QCheckBox(tr("남은 충돌에도 모두 적용", "Apply to all remaining conflicts"), box))
    return box


def chosen(box: QMessageBox) -> tuple[ConflictChoice, bool] | None:
    button = box.clickedButton()
    value = button.property("choice") if button is not None else None
    if not value:
        return None  # Cancel, or the dialog was closed
    check = box.checkBox()
    return ConflictChoice(value), bool(check is not None and check.isChecked())


def ask_conflict(
    parent: QWidget | None, conflict: TriggerConflict, catalogue: Catalogue | None = None
) -> tuple[ConflictChoice, bool] | None:
    box = conflict_dialog(parent, conflict, catalogue)
    box.exec()
    return chosen(box)
