"""The approval chain editor: opened from Approvals… as a user does, a preset chosen, the
county's own step added, a decision recorded along the new chain and seen on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from csa_desktop.services.approvals import workflow
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import start_refresh
from csa_desktop.ui.dialogs.approval_chain import ApprovalChainDialog
from csa_desktop.ui.dialogs.approvals import ApprovalsDialog
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings
from tests.helpers import dump
from tests.ui.showing import settle

pytestmark = pytest.mark.gui
TODAY = dt.date(2024, 12, 1)


@pytest.fixture
def window(qtbot, demo_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
    settings = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    copy = Copy.open(demo_dir)
    main = MainWindow(copy, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    copy.close()


def chain_names(copy: Copy) -> list[str]:
    return [str(r["name"]) for r in copy.records.list_kind("approval-step")]


def test_the_chain_editor_opens_from_approvals_and_sets_a_preset(qtbot, demo_copy):
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    seen: list[str] = []

    def choose_board_only() -> None:
        editor = QApplication.activeModalWidget()
        if not isinstance(editor, ApprovalChainDialog):
            QTimer.singleShot(20, choose_board_only)
            return
        seen.append(editor.preset.currentData())
        assert editor.table.rowCount() == 4
        editor.choose_preset("board-only")
        assert editor.table.rowCount() == 2
        editor.save()

    QTimer.singleShot(20, choose_board_only)
    qtbot.mouseClick(dialog.chain_button, Qt.MouseButton.LeftButton)
    assert seen == ["two-tier"]
    assert chain_names(demo_copy) == ["board", "pcc"]
    assert dialog.model.rowCount() == 4  # draft, editorial review, board, pcc
    removed = {uid for kind, uid in dialog.changes.deleted if kind == "approval-step"}
    assert {r["name"] for r in demo_copy.records.list_kind("approval-step", include_deleted=True)
            if r.uid in removed} == {"cabinet", "council"}


def test_the_countys_own_step_is_added_in_the_editor_and_recorded_on_the_page(
        qtbot, window):
    from csa_desktop.ui.views.agreement_page import AgreementPage

    copy = window.copy
    editor = ApprovalChainDialog(copy, window)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.choose_preset("unitary")
    editor.table.setCurrentCell(1, 0)  # after Cabinet
    editor.add_step()
    for column, text in ((0, "panel"), (1, "Reviewed by the Police and Crime Panel"),
                         (2, "Police and Crime Panel")):
        editor.table.item(2, column).setText(text)
    editor.table.item(2, 3).setCheckState(Qt.CheckState.Checked)
    settle(qtbot, editor)
    assert editor.preset.currentData() == ""  # the county's own
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted
    assert chain_names(copy) == ["board", "cabinet", "panel", "pcc"]

    dialog = ApprovalsDialog(copy, window, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)  # editorial review
    for day in (dt.date(2024, 7, 1), dt.date(2024, 9, 5)):
        dialog.date_edit.setDate(QDate(day))
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert "Reviewed by the Police and Crime Panel" in dialog.record_button.text()
    assert "required" in dialog.minute_edit.placeholderText()
    dialog.date_edit.setDate(QDate(2024, 10, 1))
    qtbot.keyClicks(dialog.minute_edit, "PCP 24/3")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    flow = workflow(copy)
    assert flow.status == "panel"
    assert (flow.current_stage.decided_on, flow.current_stage.minute_ref) == (
        dt.date(2024, 10, 1), "PCP 24/3")
    dialog.close()

    window.refresh(dialog.changes)
    assert window.show_place("agreement")
    page = next(p for p in window.pages if isinstance(p, AgreementPage))
    settle(qtbot, window)
    assert "Reviewed by the Police and Crime Panel" in page.stage_label.text()
    assert "Chain: Approved by the Board → Noted by Cabinet → Reviewed by the Police and " \
        "Crime Panel → Sent to the PCC" in page.stage_label.text()
    assert page.approvals.rowCount() == 3  # this refresh's three decisions


def test_a_bad_chain_in_the_editor_is_named_and_nothing_is_saved(qtbot, demo_copy):
    editor = ApprovalChainDialog(demo_copy)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    before = dump(demo_copy.data_dir)
    editor.table.setCurrentCell(0, 0)
    editor.move_step(1)  # cabinet before board: allowed; then pcc up: not last any more
    editor.table.setCurrentCell(3, 0)
    editor.move_step(-1)
    editor.save()
    settle(qtbot, editor)
    assert editor.error.isVisible()
    assert "sending to the PCC is the last step" in editor.error.text()
    assert editor.result_change is None
    assert dump(demo_copy.data_dir) == before


def test_a_districts_plan_approvals_are_recorded_from_its_plan_page(qtbot, tmp_path,
                                                                    published):
    """The district's own copy: the plan page shows the chain; Approvals… records a step."""
    from csa_desktop.services.new_copy import join_partnership
    from csa_desktop.services.plan_approvals import plan_workflow
    from csa_desktop.ui.dialogs.plan_approvals import PlanApprovalsDialog
    from csa_desktop.ui.views.local_plan_page import LocalPlansPage

    _lead, baseline = published
    district = join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                                name="Jo")
    settings = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    main = MainWindow(district, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    try:
        assert main.show_place("local-plan:West Lancashire")
        page = next(p for p in main.pages if isinstance(p, LocalPlansPage))
        settle(qtbot, main)
        assert "Not yet approved (Approved by the partnership → Sent to the PCC)" in \
            page.approvals_label.text()
        assert page.approvals_button.isVisible()
        west = page.partnership.uid
        dialog = PlanApprovalsDialog(district, west, main, today=TODAY)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.date_edit.setDate(QDate(2024, 6, 3))
        qtbot.keyClicks(dialog.minute_edit, "WLCSP 24/6")
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
        assert "✓ <b>Approved by the partnership</b>" in dialog.steps_label.text()
        dialog.close()
        main.refresh(dialog.changes)
        settle(qtbot, main)
        assert "Approved by the partnership: 3 June 2024, minute WLCSP 24/6" in \
            page.approvals_label.text()
        flow = plan_workflow(district, west)
        assert flow.stages[0].reached and flow.stages[0].minute_ref == "WLCSP 24/6"
    finally:
        main.close()
        district.close()


def test_the_dashboard_shows_the_countys_own_chain(qtbot, window):
    from csa_desktop.ui.views.dashboard_page import DashboardPage

    with_steps = set_chain_and_refresh(window, "board-only")
    page = next(p for p in window.pages if isinstance(p, DashboardPage))
    assert window.show_place("dashboard")
    qtbot.waitUntil(lambda: page.board is not None, timeout=5000)
    settle(qtbot, window)
    assert "2023/24 approvals:</b> Approved by the Board → Sent to the PCC" in \
        page.approvals.text()
    assert with_steps


def set_chain_and_refresh(window: MainWindow, preset: str) -> bool:
    from csa_desktop.domain.cycle import PRESETS
    from csa_desktop.services.approvals import set_chain

    result = set_chain(window.copy, PRESETS[preset])
    window.refresh(result.changes)
    return not result.empty
