"""The agreement's status and the date sent to the PCC follow the approvals workflow: the
details page shows them read-only with an "Approvals…" button, the record service (and so
`csa set`) refuses them and points to `csa approve`, and baselines still carry them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QPushButton,
)

from csa_desktop.cli import main
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError
from csa_desktop.services.approvals import advance, step_back, workflow
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from csa_desktop.ui.dialogs.approvals import ApprovalsDialog
from tests.helpers import dump
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def the_agreement(folder: Path):
    with Copy.open(folder) as copy:
        return copy.records.list_kind("agreement")[0]


@pytest.mark.parametrize("field,value,says", [
    ("status", "approved-by-council", "csa approve STAGE"),
    ("status", "draft", "csa approve undo"),
    ("sent_to_pcc_on", dt.date(2022, 9, 30), "csa approve sent-to-pcc --date"),
])
def test_the_record_service_refuses_workflow_fields_and_points_to_csa_approve(
        demo_dir, field, value, says):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("agreement")[0].uid
        with pytest.raises(InputError, match=says):
            copy.records.update(uid, {field: value, "title": "Renamed"})
    assert dump(demo_dir) == before


def test_other_agreement_fields_save_alongside_an_unchanged_status(demo_copy):
    agreement = demo_copy.records.list_kind("agreement")[0]
    changes = demo_copy.records.update(agreement.uid, {
        "title": "Lancashire CSA (renamed)", "status": agreement["status"],
        "sent_to_pcc_on": agreement["sent_to_pcc_on"]})
    assert changes.fields[agreement.uid] == ("title",)
    assert demo_copy.records.get(agreement.uid)["title"] == "Lancashire CSA (renamed)"


def test_a_new_agreement_starts_as_a_draft_never_part_way_through_its_approvals(demo_copy):
    with pytest.raises(InputError, match="csa approve"):
        demo_copy.records.create("agreement", {"title": "Another", "status": "approved-by-board"})
    with pytest.raises(InputError, match="csa approve sent-to-pcc"):
        demo_copy.records.create("agreement", {"title": "Another",
                                               "sent_to_pcc_on": dt.date(2022, 9, 30)})


def test_csa_set_refuses_the_status_on_one_line(demo_dir, capsys):
    uid = the_agreement(demo_dir).uid
    code = main(["--data-dir", str(demo_dir), "set", uid, "status=sent-to-pcc"])
    err = capsys.readouterr().err
    assert code == InputError.exit_code
    assert "csa approve" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert the_agreement(demo_dir)["status"] == "noted-by-cabinet"


def test_csa_approve_still_moves_the_status_and_records_the_pcc_date(demo_dir):
    args = ["--data-dir", str(demo_dir), "approve"]
    assert main([*args, "undo"]) == 0  # back to the Board's approval
    assert main([*args, "cabinet", "--date", "2022-09-08"]) == 0
    assert main([*args, "council", "--date", "2022-09-20"]) == 0
    assert main([*args, "pcc", "--date", "2022-09-30"]) == 0
    agreement = the_agreement(demo_dir)
    assert agreement["status"] == "sent-to-pcc"
    assert agreement["sent_to_pcc_on"] == dt.date(2022, 9, 30)


def test_a_baseline_still_carries_the_status_to_a_district_copy(demo_dir, tmp_path):
    with Copy.open(demo_dir) as lead:
        step_back(lead)  # the first baseline goes out at the Board's approval
        west = next(p.uid for p in lead.records.list_kind("partnership")
                    if p.title == "West Lancashire CSP")
        BundleService(lead).export(tmp_path / "first.csabundle")
    with init_copy(tmp_path / "district", role=Role.DISTRICT, partnerships=[west],
                   empty=True) as district:
        assert not SyncService(district).import_files([tmp_path / "first.csabundle"]).refused
    with Copy.open(demo_dir) as lead:
        advance(lead, "noted-by-cabinet", on=dt.date(2022, 9, 8), minute_ref="C/22/9")
        BundleService(lead).export(tmp_path / "second.csabundle")
    with Copy.open(tmp_path / "district") as district:
        assert not SyncService(district).import_files([tmp_path / "second.csabundle"]).refused
        assert workflow(district).status == "noted-by-cabinet"
        assert workflow(district).current_stage.decided_on == dt.date(2022, 9, 8)


# --- the details page ---------------------------------------------------------------------


def test_the_details_page_shows_the_stage_read_only(qtbot, window):
    window.show_place("agreement")
    page = window.agreement_page
    assert "status" not in page.form.editors and "sent_to_pcc_on" not in page.form.editors
    assert not [w for w in page.findChildren(QComboBox) if w.accessibleName() == "Status"]
    assert not [w for w in page.findChildren(QDateEdit)
                if w.accessibleName().lower().startswith("sent to the pcc")]
    stage = control(window, QLabel, "Approval stage").text()
    assert "Noted by Cabinet" in stage and "8 September 2022" in stage
    assert "Next step: Approved by Full Council" in stage
    assert "Not yet" in control(window, QLabel, "Sent to the PCC on").text()


def test_approvals_button_opens_the_approvals_dialog_and_the_page_follows(qtbot, window):
    window.show_place("agreement")
    window.refresh(step_back(window.copy))  # back at the Board's approval: Cabinet is next
    assert "Next step: Noted by Cabinet" in control(window, QLabel, "Approval stage").text()
    seen: list[QDialog] = []

    def record_cabinet() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalsDialog):
            QTimer.singleShot(20, record_cabinet)
            return
        seen.append(dialog)
        dialog.date_edit.setDate(dt.date(2022, 9, 8))
        dialog.minute_edit.setText("C/22/9")
        dialog.record_button.click()
        dialog.reject()

    QTimer.singleShot(20, record_cabinet)
    control(window, QPushButton, "Approvals").click()
    assert seen, "the Approvals dialog did not open"

    with Copy.open(window.copy.data_dir) as copy:
        now = workflow(copy)
    assert now.status == "noted-by-cabinet"
    assert now.current_stage.decided_on == dt.date(2022, 9, 8)
    stage = control(window, QLabel, "Approval stage").text()
    assert "Noted by Cabinet" in stage and "8 September 2022" in stage and "C/22/9" in stage


def test_a_district_sees_the_stage_and_can_open_the_approvals_read_only(
        qtbot, district_window):
    district_window.show_place("agreement")
    assert "Noted by Cabinet" in control(district_window, QLabel, "Approval stage").text()
    button = control(district_window, QPushButton, "Approvals")
    assert button.isEnabled()
    assert "lead's master copy" in button.toolTip()
    seen: list[bool] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalsDialog):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog.next_box.isEnabled() or dialog.undo_button.isEnabled())
        dialog.reject()

    QTimer.singleShot(20, look)
    button.click()
    assert seen == [False]  # shown, but only the lead records a step
