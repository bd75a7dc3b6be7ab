"""Every custom item model passes pytest-qt's model tester (Qt's QAbstractItemModelTester)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from csa_desktop.services import tables
from csa_desktop.services.tables import ActionFilter
from csa_desktop.ui.models import navigator as nav
from csa_desktop.ui.models.actions import ActionsFilterProxyModel, ActionsTableModel
from csa_desktop.ui.models.checklist import ChecklistModel
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.actions_panel import update_columns
from csa_desktop.ui.views.agreement_page import approval_columns
from csa_desktop.ui.views.evidence_page import evidence_columns

pytestmark = pytest.mark.gui


def test_navigator_model(qtmodeltester, demo_copy):
    model = nav.NavigatorModel(lambda node: nav.load_actions(demo_copy, node))
    model.set_root(nav.build_outline(demo_copy))
    qtmodeltester.check(model)
    west = model.find(next(n.key for n in model.node(model.find(nav.LOCAL_PLANS)).children
                           if n.title == "West Lancashire CSP"))
    priority = model.index(0, 0, west)
    if model.canFetchMore(priority):  # the tester may have fetched it already
        model.fetchMore(priority)
    assert not model.canFetchMore(priority)
    assert model.index(0, 0, priority).data(nav.KIND_ROLE) == nav.ACTION
    qtmodeltester.check(model)


def test_actions_table_and_filter_proxy(qtmodeltester, demo_copy):
    model = ActionsTableModel(today=lambda: dt.date(2023, 1, 1))
    model.set_rows(tables.action_rows(demo_copy))
    qtmodeltester.check(model)
    proxy = ActionsFilterProxyModel(model)
    proxy.set_filter(ActionFilter(rag="green"))
    qtmodeltester.check(proxy)
    proxy.sort(3)
    qtmodeltester.check(proxy)


def test_actions_table_updates_rows_in_place(qtmodeltester, demo_copy):
    model = ActionsTableModel()
    rows = tables.action_rows(demo_copy)
    model.set_rows(rows[:-1])
    qtmodeltester.check(model)
    model.upsert([rows[-1], rows[0]])
    model.remove([rows[1].uid])
    assert model.rowCount() == len(rows) - 1
    assert model.row_of(rows[-1].uid) >= 0 and model.row_of(rows[1].uid) == -1


def test_evidence_approvals_and_progress_tables(qtmodeltester, demo_copy):
    from csa_desktop.ui.models.tables import ColumnsTableModel

    evidence = ColumnsTableModel(evidence_columns(), lambda e: e.uid)
    evidence.set_rows(tables.evidence_rows(demo_copy))
    qtmodeltester.check(evidence)
    evidence.sort(0)
    qtmodeltester.check(evidence)
    approvals = ColumnsTableModel(approval_columns(), lambda r: r.uid)
    approvals.set_rows(demo_copy.records.list_kind("approval"))
    qtmodeltester.check(approvals)
    updates = ColumnsTableModel(update_columns(), lambda r: r.uid)
    updates.set_rows(demo_copy.records.list_kind("progress-update"))
    qtmodeltester.check(updates)


def test_record_list_and_checklist_models(qtmodeltester, demo_copy):
    sections = RecordListModel(nav.section_title)
    sections.set_records(demo_copy.records.list_kind("section"))
    qtmodeltester.check(sections)
    items = RecordListModel(editable_field="text")
    items.set_records(demo_copy.records.list_kind("plan-item"))
    qtmodeltester.check(items)
    checklist = ChecklistModel()
    evidence = demo_copy.records.list_kind("evidence-item")
    checklist.set_options([(e.title, e.uid) for e in evidence])
    checklist.set_checked([evidence[2].uid])
    qtmodeltester.check(checklist)


def test_filter_proxy_follows_added_replaced_and_removed_rows(qtmodeltester, demo_copy):
    rows = tables.action_rows(demo_copy)
    model = ActionsTableModel(today=lambda: dt.date(2023, 1, 1))
    model.set_rows(rows[:-1])
    proxy = ActionsFilterProxyModel(model)
    proxy.set_filter(ActionFilter(rag=rows[0].rag))
    qtmodeltester.check(proxy)
    proxy.sort(2)  # qtmodeltester watches the changes that follow
    other = next(rag for rag in ("red", "amber", "green") if rag != rows[0].rag)
    model.upsert([rows[-1], dataclasses.replace(rows[0], rag=other)])
    model.remove([rows[1].uid])

    def shown() -> list[str]:
        return [model.rows[proxy.mapToSource(proxy.index(r, 0)).row()].uid
                for r in range(proxy.rowCount())]

    expected = [r.uid for r in model.rows if r.rag == rows[0].rag and not r.archived_in]
    assert shown() == expected
    assert rows[0].uid not in shown() and rows[1].uid not in shown()
    proxy.sort(-1)
    assert sorted(shown()) == sorted(expected)
