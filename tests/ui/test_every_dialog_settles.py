"""Every dialog in ui/dialogs/, shown on screen as a user opens it, settles: it goes quiet once
laid out (no layout that feeds back on itself), draws no widget over another, and shows labels
where the copy stores codes. A new dialog must be added to BUILDERS (the last test checks)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDialog, QLabel, QMessageBox, QWidget

import csa_desktop.ui.dialogs as dialogs_package
from csa_desktop.domain.kinds import KINDS, FieldType
from csa_desktop.services.copy import Copy
from tests.ui.showing import settle

pytestmark = pytest.mark.gui

# Choice codes that no label spells the same way ("on-hold" is shown as "On hold").
CODES = frozenset(c for spec in KINDS.values() for f in spec.fields
                  if f.type is FieldType.CHOICE for c in f.choices if "-" in c)


def _history(copy: Copy) -> QDialog:
    from csa_desktop.services.history import history_lines
    from csa_desktop.ui.dialogs.history import HistoryDialog

    action = copy.records.list_kind("action")[0]
    copy.records.update(action.uid, {"status": "on-hold"})
    return HistoryDialog(action.title, history_lines(copy, action.uid))


def _import_actions(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.import_actions import ImportActionsDialog
    from tests.adoption.builders import council_workbook

    path = council_workbook(copy.data_dir.parent / "pendle-action-plan.xlsx")
    pendle = next(p.uid for p in copy.records.list_kind("partnership") if p.title == "Pendle CSP")
    return ImportActionsDialog(copy, path, partnership_uid=pendle)


def _committee_report(copy: Copy) -> QDialog:
    from csa_desktop.services.committee_report import report_bodies
    from csa_desktop.ui.dialogs.committee_report import CommitteeReportDialog

    return CommitteeReportDialog(report_bodies(copy))


def _import_agreement(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.import_agreement import ImportAgreementDialog
    from tests.adoption.word_builders import kent_agreement

    return ImportAgreementDialog(copy, kent_agreement(copy.data_dir.parent / "kent.docx"))


def _import_preview(copy: Copy) -> QDialog:
    from csa_desktop.services.sync import ImportReport
    from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog

    return ImportPreviewDialog(ImportReport(()))


def _record(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.record_dialog import RecordDialog

    return RecordDialog(None, "Add progress update", "progress-update",
                        ("period", "reported_on", "rag", "narrative", "author"),
                        lambda values: None, values={"rag": "not-rated"})


def _trust_prompt(copy: Copy) -> QDialog:
    from csa_desktop.services.bundles import BundleService, SignerInfo
    from csa_desktop.ui.dialogs.trust import TrustPromptDialog

    signer = SignerInfo("west.csabundle", "A" * 43 + "=", "4748 d9a6 ff8c 173a ee55",
                        "West Lancs officer", "district", "0" * 8, (), ())
    return TrustPromptDialog(signer, BundleService(copy).partnerships())


def _trusted_keys(copy: Copy) -> QDialog:
    from csa_desktop.services.bundles import BundleService
    from csa_desktop.ui.dialogs.trust import TrustedKeysDialog

    return TrustedKeysDialog(BundleService(copy))


def _correct_step(copy: Copy) -> QDialog:
    from csa_desktop.services.approvals import workflow
    from csa_desktop.ui.dialogs.approvals import CorrectStepDialog

    return CorrectStepDialog(copy, workflow(copy).stages[0], dt.date(2025, 3, 5))


def _plan_approvals(copy: Copy) -> QDialog:
    from csa_desktop.services.plan_approvals import plan_advance
    from csa_desktop.ui.dialogs.plan_approvals import PlanApprovalsDialog

    west = next(p.uid for p in copy.records.list_kind("partnership")
                if p.title == "West Lancashire CSP")
    plan_advance(copy, west, "board", on=dt.date(2024, 6, 3), minute_ref="W 1",
                 today=dt.date(2025, 3, 5))
    return PlanApprovalsDialog(copy, west, today=dt.date(2025, 3, 5))


def _compare(copy: Copy) -> QDialog:
    from csa_desktop.services.refresh import start_refresh
    from csa_desktop.ui.dialogs.compare_refreshes import CompareRefreshesDialog

    start_refresh(copy, "2023/24")  # the agreement's status changes: shown as labels
    return CompareRefreshesDialog(copy)


def _damaged(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.damaged_copy import DamagedCopyDialog

    return DamagedCopyDialog(copy.data_dir, ["integrity check: page 3 is damaged"], None)


def _join(copy: Copy) -> QDialog:
    from csa_desktop.services.bundles import BundleService
    from csa_desktop.ui.dialogs.join_dialog import JoinDialog

    baseline = copy.data_dir.parent / "baseline.csabundle"
    if not baseline.exists():
        BundleService(copy).export(baseline)
    return JoinDialog(lambda name: copy.data_dir.parent / "joined", baseline=baseline)


def _new_county(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.new_county_dialog import NewCountyDialog

    return NewCountyDialog(lambda name: copy.data_dir.parent / "county")


def _context(copy: Copy):
    from PySide6.QtGui import QUndoStack

    from csa_desktop.ui.commands import EditHistory
    from csa_desktop.ui.context import EditorContext

    stack = QUndoStack()
    _STACKS.append(stack)  # kept alive while the dialog runs
    return EditorContext(copy, EditHistory(copy.records, stack), lambda text: None)


_STACKS: list[object] = []


def _indicator(copy: Copy) -> QDialog:
    from csa_desktop.ui.dialogs.indicator_editor import IndicatorDialog

    return IndicatorDialog(None, _context(copy), copy.records.list_kind("indicator")[0].uid)


def _period_values(copy: Copy) -> QDialog:
    from csa_desktop.services.indicators import indicator_views
    from csa_desktop.ui.dialogs.indicator_values import PeriodValuesDialog

    return PeriodValuesDialog(None, _context(copy), indicator_views(copy))


def _simple(module: str, name: str, **kwargs: object) -> Callable[[Copy], QDialog]:
    def build(copy: Copy) -> QDialog:
        cls = getattr(importlib.import_module(f"csa_desktop.ui.dialogs.{module}"), name)
        if module == "restore_backup":
            return cls(copy.data_dir, copy, **kwargs)
        return cls(copy, **kwargs)
    return build


BUILDERS: dict[str, Callable[[Copy], QDialog]] = {
    "ApprovalChainDialog": _simple("approval_chain", "ApprovalChainDialog"),
    "ApprovalsDialog": _simple("approvals", "ApprovalsDialog"),
    "PlanApprovalsDialog": _plan_approvals,
    "CorrectStepDialog": _correct_step,
    "CompareRefreshesDialog": _compare,
    "ConflictsDialog": _simple("conflicts", "ConflictsDialog"),
    "DamagedCopyDialog": _damaged,
    "HistoryDialog": _history,
    "ImportActionsDialog": _import_actions,
    "ImportAgreementDialog": _import_agreement,
    "CommitteeReportDialog": _committee_report,
    "ImportPreviewDialog": _import_preview,
    "IndicatorDialog": _indicator,
    "JoinDialog": _join,
    "NewCountyDialog": _new_county,
    "PeriodValuesDialog": _period_values,
    "PrintPreviewDialog": _simple("print_preview", "PrintPreviewDialog"),
    "RecordDialog": _record,
    "RestoreBackupDialog": _simple("restore_backup", "RestoreBackupDialog"),
    "StartRefreshDialog": _simple("start_refresh", "StartRefreshDialog"),
    "TrustPromptDialog": _trust_prompt,
    "TrustedKeysDialog": _trusted_keys,
    "VersionTableDialog": _simple("version_table", "VersionTableDialog"),
}
SIZES = [None, (800, 600), (1920, 1080)]


def shown_texts(root: QWidget) -> set[str]:
    texts = {w.text() for w in root.findChildren(QLabel) if w.isVisible()}
    for combo in root.findChildren(QComboBox):
        if combo.isVisible():
            texts |= {combo.itemText(i) for i in range(combo.count())}
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if view.isVisible() and model is not None:
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model (QListView, QCompleter)
                columns = 1
            texts |= {str(model.index(r, c).data()) for r in range(min(model.rowCount(), 60))
                      for c in range(columns)}
    return {t.strip() for t in texts}


@pytest.mark.parametrize("size", SIZES, ids=["default", "800x600", "1920x1080"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_dialog_settles_draws_nothing_over_anything_and_shows_no_codes(
        qtbot, demo_copy, name, size):
    dialog = BUILDERS[name](demo_copy)
    qtbot.addWidget(dialog)
    settling = settle(qtbot, dialog, size)
    assert not settling.runaway, settling
    assert settling.seconds < 1.5, settling
    assert settling.overlaps == []
    assert not CODES & shown_texts(dialog)
    dialog.close()


def test_every_dialog_class_in_ui_dialogs_is_covered():
    found = set()
    for info in pkgutil.iter_modules(dialogs_package.__path__):
        module = importlib.import_module(f"csa_desktop.ui.dialogs.{info.name}")
        found |= {name for name, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, (QDialog, QMessageBox)) and cls.__module__ == module.__name__}
    assert found == set(BUILDERS)


def test_the_overlap_check_sees_a_panel_drawn_over_another(qtbot):
    from tests.ui.showing import overlapping_widgets

    root = QWidget()
    qtbot.addWidget(root)
    first, second = QLabel("Base: the value in the baseline", root), QLabel("Master", root)
    first.setGeometry(10, 10, 200, 20)
    second.setGeometry(20, 15, 200, 20)  # as a stale panel left where the new one goes
    root.show()
    qtbot.waitExposed(root)
    assert overlapping_widgets(root) != []
    second.move(10, 40)
    assert overlapping_widgets(root) == []


@pytest.mark.parametrize("place", ["agreement", "plan-on-a-page", "sections", "key-issues",
                                   "evidence", "indicators", "local-plans",
                                   "local-plan:Pendle CSP"])
@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)], ids=["800x600", "1920x1080"])
def test_the_main_window_settles_on_every_page_with_nothing_drawn_over_anything(
        qtbot, window, place, size):
    assert window.show_place(place)
    window.resize(*size)
    if place == "plan-on-a-page":  # its columns' fullness arrives from a worker: once, late
        columns = window.plan_on_a_page_page.columns
        qtbot.waitUntil(lambda: all(c.fill.text() for c in columns), timeout=10_000)
    settling = settle(qtbot, window, size)
    assert not settling.runaway, settling
    assert settling.overlaps == []
    assert not CODES & shown_texts(window.stack.currentWidget())


def test_the_start_window_settles(qtbot, tmp_path):
    from csa_desktop.ui.start_window import StartWindow

    start = StartWindow(tmp_path)
    qtbot.addWidget(start)
    settling = settle(qtbot, start)
    assert not settling.runaway and settling.overlaps == []


def test_the_welcome_window_settles(qtbot, tmp_path):
    from csa_desktop.ui.welcome_window import WelcomeWindow

    welcome = WelcomeWindow(lambda name: tmp_path / name)
    qtbot.addWidget(welcome)
    settling = settle(qtbot, welcome)
    assert not settling.runaway and settling.overlaps == []
