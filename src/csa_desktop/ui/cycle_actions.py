"""The yearly cycle in the main window: Agreement ▸ Start annual refresh…, Approvals…,
Version-control table…, Compare refreshes…, Draft the committee report…; File ▸ Export to
Word…/Excel…."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox

from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.printing.model import FULL_EDITION, PUBLIC_EDITION, RESTRICTED_MARKING
from csa_desktop.ui.busy import run_busy
from csa_desktop.ui.settings import WindowSettings

ALL_PARTNERSHIPS = "All partnerships (a sheet each)"


def _menu(window: QMainWindow, attribute: str, title: str) -> QMenu:
    menu = getattr(window, attribute, None)
    if isinstance(menu, QMenu):
        return menu
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()  # type: ignore[return-value]
    return window.menuBar().addMenu(f"&{title}")


def _action(window: QMainWindow, text: str, name: str, tip: str, slot: Any) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot(window))
    return action


def install(window: QMainWindow) -> None:
    """Add the yearly-cycle items to `window` (which has `copy`, `refresh(changes)`,
    `show_message(text)` and an `undo_stack`)."""
    lead = window.copy.identity.role is Role.LEAD  # type: ignore[attr-defined]
    agreement = _menu(window, "agreement_menu", "Agreement")
    agreement.addSeparator()
    start = _action(window, "Start annual &refresh…", "start_refresh_action",
                    "Close this year's refresh, keep it readable, and start the next",
                    start_refresh)
    start.setEnabled(lead)
    if not lead:
        start.setStatusTip("Only the lead's master copy starts an annual refresh")
    agreement.addAction(start)
    agreement.addAction(_action(window, "A&pprovals…", "approvals_action",
                                "Where this refresh stands: Board, Cabinet, Full Council, PCC",
                                show_approvals))
    agreement.addAction(_action(window, "&Version-control table…", "version_table_action",
                                "What changed in each refresh, with a summary per change",
                                show_version_table))
    agreement.addAction(_action(window, "&Compare refreshes…", "compare_refreshes_action",
                                "Two refreshes side by side, field by field",
                                show_compare))
    report = _action(window, "Draft the co&mmittee report…", "committee_report_action",
                     "The covering report that takes the agreement to Cabinet, Full Council "
                     "or the board, drafted in Word", draft_committee_report)
    report.setEnabled(lead)
    agreement.addAction(report)

    file_menu = _menu(window, "file_menu", "File")
    word = _action(window, "Export agreement to &Word…", "export_word_action",
                   "Save the agreement as a Word document (.docx)", export_word)
    excel = _action(window, "Export action trackers to E&xcel…", "export_excel_action",
                    "Save the action trackers as an Excel workbook (.xlsx), a sheet per "
                    "partnership", export_excel)
    quit_like = next((a for a in file_menu.actions()
                      if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)), None)
    if quit_like is not None:
        file_menu.insertAction(quit_like, word)
        file_menu.insertAction(quit_like, excel)
        file_menu.insertSeparator(quit_like)
    else:
        file_menu.addAction(word)
        file_menu.addAction(excel)


def _after(window: Any, changes: Any, message: str) -> None:
    if hasattr(window, "refresh"):
        window.refresh(changes)
    if hasattr(window, "show_message"):
        window.show_message(message)


def start_refresh(window: Any) -> None:
    from csa_desktop.ui.dialogs.start_refresh import StartRefreshDialog

    dialog = StartRefreshDialog(window.copy, window)
    if dialog.exec() != StartRefreshDialog.DialogCode.Accepted or dialog.started is None:
        return
    started = dialog.started
    if hasattr(window, "undo_stack"):
        window.undo_stack.clear()  # edits before the refresh belong to the closed year
    _after(window, None,
           f"Started the {started.refresh.label} refresh: {len(started.archived)} closed "
           f"actions archived, {started.carried_on} open actions carry on. "
           f"{started.previous.label} is kept as it stood.")


def show_approvals(window: Any) -> None:
    from csa_desktop.ui.dialogs.approvals import ApprovalsDialog

    dialog = ApprovalsDialog(window.copy, window)
    dialog.exec()
    if not dialog.changes.empty:
        _after(window, dialog.changes, "Approvals recorded")


def show_version_table(window: Any) -> None:
    from csa_desktop.ui.dialogs.version_table import VersionTableDialog

    VersionTableDialog(window.copy, window).exec()


def show_compare(window: Any) -> None:
    from csa_desktop.ui.dialogs.compare_refreshes import CompareRefreshesDialog

    CompareRefreshesDialog(window.copy, window).exec()


def _safe_name(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|]+", "-", text).strip(" .") or "export"


def _documents_folder() -> str:
    found = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return found or QDir.homePath()


def _ask_path(window: Any, title: str, name: str, pattern: str) -> Path | None:
    settings = getattr(window, "settings", None)
    start = Path(_documents_folder())
    if isinstance(settings, WindowSettings):
        start = settings.last_folder("exports", start)
    chosen, _filter = QFileDialog.getSaveFileName(window, title, str(start / name), pattern)
    if not chosen:
        return None
    if isinstance(settings, WindowSettings):
        settings.remember_folder("exports", chosen)
    path = Path(chosen)
    suffix = pattern[pattern.index("*.") + 1:pattern.index(")")]
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


PUBLIC_CHOICE = "Public edition (restricted sections, evidence and images left out)"
FULL_CHOICE = f"Full edition (every page marked {RESTRICTED_MARKING})"


def ask_edition(window: Any) -> str | None:
    """The edition to export: public, unless the copy holds restricted content and the user
    chooses the full one; None when they cancel."""
    from csa_desktop.services.documents import holds_restricted

    if not holds_restricted(window.copy):
        return PUBLIC_EDITION
    dialog = QInputDialog(window)
    dialog.setWindowTitle("Export agreement to Word")
    dialog.setLabelText("This agreement holds restricted content. Which edition?")
    dialog.setComboBoxItems([PUBLIC_CHOICE, FULL_CHOICE])
    dialog.setComboBoxEditable(False)
    window.edition_dialog = dialog  # tests find it while it is open
    chosen = dialog.exec()
    window.edition_dialog = None
    if not chosen:
        return None
    return FULL_EDITION if dialog.textValue() == FULL_CHOICE else PUBLIC_EDITION


def export_word(window: Any, path: Path | None = None,
                edition: str | None = None) -> Path | None:
    """Save the agreement as .docx (asks the edition when there is a choice, and where,
    unless given)."""
    from csa_desktop.services.office_export import export_agreement_docx
    from csa_desktop.services.refresh import current_refresh

    copy = window.copy
    edition = edition or ask_edition(window)
    if edition is None:
        return None
    if path is None:
        agreements = copy.records.list_kind("agreement")
        title = agreements[0].title if agreements else "Agreement"
        full = " full edition" if edition == FULL_EDITION else ""
        name = _safe_name(f"{title} ({current_refresh(copy).label.replace('/', '-')}{full})")
        path = _ask_path(window, "Export agreement to Word", f"{name}.docx",
                         "Word document (*.docx)")
        if path is None:
            return None
    chosen = edition
    return _export(window, "Exporting the agreement…",
                   lambda: export_agreement_docx(copy, path, edition=chosen))


def draft_committee_report(window: Any, path: Path | None = None) -> Path | None:
    """Ask for the body and the meeting, then where to save the Word draft."""
    from csa_desktop.services.committee_report import export_committee_report, report_bodies
    from csa_desktop.ui.dialogs.committee_report import CommitteeReportDialog

    copy = window.copy
    dialog = CommitteeReportDialog(report_bodies(copy), window)
    window.committee_report_dialog = dialog
    if not dialog.exec():
        return None
    body, meeting = dialog.body, dialog.meeting
    if path is None:
        name = _safe_name(f"Committee report - {body} {meeting:%Y-%m-%d}")
        path = _ask_path(window, "Save the committee report", f"{name}.docx",
                         "Word document (*.docx)")
        if path is None:
            return None
    target = path
    return _export(window, "Drafting the committee report…",
                   lambda: export_committee_report(copy, body, meeting, target))


def export_excel(window: Any, path: Path | None = None,
                 partnership: str | None = None) -> Path | None:
    """Save the action trackers as .xlsx; asks which partnership (or all) and where unless
    given. `partnership` "" means all."""
    from csa_desktop.services.office_export import export_local_plans_xlsx
    from csa_desktop.services.printing import partnership_choices

    copy = window.copy
    if partnership is None:
        names = [c.name for c in partnership_choices(copy) if c.has_plan]
        if not names:
            QMessageBox.information(window, "Export action trackers",
                                    "This copy has no local plans yet.")
            return None
        own = [c.name for c in partnership_choices(copy)
               if c.uid in copy.identity.partnership_uids and c.has_plan]
        options = [ALL_PARTNERSHIPS, *names]
        start = options.index(own[0]) if len(own) == 1 else 0
        choice, ok = QInputDialog.getItem(window, "Export action trackers",
                                          "Partnership:", options, start, False)
        if not ok:
            return None
        partnership = "" if choice == ALL_PARTNERSHIPS else choice
    if path is None:
        name = _safe_name(f"Action trackers - {partnership or 'all partnerships'}")
        path = _ask_path(window, "Export action trackers to Excel", f"{name}.xlsx",
                         "Excel workbook (*.xlsx)")
        if path is None:
            return None
    target = path
    return _export(window, "Exporting the action trackers…",
                   lambda: export_local_plans_xlsx(copy, target, partnership or None))


def _export(window: Any, text: str, work: Any) -> Path | None:
    try:
        written: Path = run_busy(window, text, work)
    except CsaError as exc:
        QMessageBox.warning(window, "Export", str(exc))
        return None
    if hasattr(window, "show_message"):
        window.show_message(f"Saved {written}")
    return written
