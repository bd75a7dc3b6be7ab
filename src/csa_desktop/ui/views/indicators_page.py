"""Indicators: the county's, by key issue, or a partnership's local ones; each with its latest
value, target, RAG and direction of travel (derived from the values, never stored)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import Value
from csa_desktop.services.indicators import IndicatorView, indicator_views, movement
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.indicator_editor import INDICATOR_FIELDS, IndicatorDialog
from csa_desktop.ui.dialogs.indicator_values import PeriodValuesDialog
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.icons import rag_icon
from csa_desktop.ui.indicator_chart import TrendDelegate
from csa_desktop.ui.models.navigator import Node
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, make_button

TREND_COLUMN = 7
ARROWS = {"up": "▲", "down": "▼", "same": "▶"}
RAG_TEXT = {"green": "Green", "amber": "Amber", "red": "Red"}


def direction_text(view: IndicatorView) -> str:
    """'▼ improving' (the value went down, and lower is better); '' without a value before."""
    found = view.judgement
    moved = movement(found)
    if moved is None or found.against_previous is None:
        return ""
    return f"{ARROWS[moved]} {found.against_previous.replace('-', ' ')}"


def indicator_columns(owner: dict[str, str]) -> list[Column[IndicatorView]]:
    def latest(v: IndicatorView) -> str:
        return str(v.judgement.latest_value or "")

    return [
        Column("Indicator", lambda v: v.indicator.title, width=40, stretch=True,
               tooltip=lambda v: str(v.indicator.fields.get("definition")
                                     or v.indicator.title)),
        Column("For", lambda v: owner.get(str(v.indicator.fields.get("partnership_uid")
                                               or v.indicator.fields.get("key_issue_uid")),
                                           ""), width=16),
        Column("Unit", lambda v: str(v.indicator.fields.get("unit") or ""), width=8),
        Column("Period", lambda v: v.judgement.latest_period or "", width=11),
        Column("Latest", latest, width=9),
        Column("Target", lambda v: ("no target"
                                    if v.indicator.fields.get("polarity") == "no-target"
                                    else str(v.indicator.fields.get("target_value") or "")),
               width=9),
        Column("RAG", lambda v: RAG_TEXT.get(v.judgement.rag or "", "—"), width=10,
               icon=lambda v: rag_icon(v.judgement.rag) if v.judgement.rag else None,
               sort_key=lambda v: ("red", "amber", "green").index(v.judgement.rag)
               if v.judgement.rag else 9),
        Column("Trend", lambda v: "", width=12, sort_key=lambda v: len(v.values),
               tooltip=lambda v: ", ".join(f"{x.fields['period']}: {x.fields['value']}"
                                           for x in v.values) or "no values yet"),
        Column("Direction", direction_text, width=14,
               tooltip=lambda v: (f"against {v.judgement.previous_period}; "
                                  f"{v.judgement.against_baseline or 'no baseline'} against "
                                  "the baseline") if v.judgement.latest_period else ""),
    ]


class IndicatorsPage(EditorPage):
    kinds = frozenset({"indicator", "indicator-value", "key-issue", "partnership"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.partnership_uid: str | None = None
        self.owner: dict[str, str] = {}
        self.heading = heading("Indicators")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.banner = ReadOnlyBanner()
        self.key_issue = QComboBox()
        self.key_issue.setAccessibleName("Key issue")
        self.key_issue_label = QLabel("&Key issue")
        self.key_issue_label.setBuddy(self.key_issue)
        self.key_issue.currentIndexChanged.connect(lambda _i: self.reload())
        self.off_target = QCheckBox("O&ff target only (red or amber)")
        self.off_target.setAccessibleName("Off target only")
        self.off_target.toggled.connect(lambda _on: self.reload())
        self.model: ColumnsTableModel[IndicatorView] = ColumnsTableModel(
            indicator_columns(self.owner), lambda v: v.indicator.uid, self)
        self.view = table_view(self.model, sortable=True)
        self.view.setAccessibleName("Indicators")
        self.trend = TrendDelegate(self.view)
        self.view.setItemDelegateForColumn(TREND_COLUMN, self.trend)
        # opening an indicator shows its values whether or not this copy may change it
        self.panel = RecordsPanel(context, self.view, "indicator", can_edit=False,
                                  can_move=False)
        self.panel.add_requested.connect(self.add_indicator)
        self.open_button = make_button("&Open…", "details", self._open_current,
                                       "Show the selected indicator and its values over time")
        self.panel.current_changed.connect(
            lambda uid: self.open_button.setEnabled(bool(uid)))
        self.view.activated.connect(lambda _index: self._open_current())
        self.enter = make_button("Enter values for a &period…", "add", self.enter_values,
                                 "Type one period's figures for many indicators at once")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.enter)
        filters = QHBoxLayout()
        filters.addWidget(self.key_issue_label)
        filters.addWidget(self.key_issue, 1)
        filters.addWidget(self.off_target)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addWidget(self.panel, 1)

    def show_node(self, node: Node) -> None:
        scope = node.partnership_uid
        if scope != self.partnership_uid:
            self.partnership_uid = scope
            self._stale = True
        super().show_node(node)

    def _county(self) -> bool:
        return self.partnership_uid is None

    def reload(self) -> None:
        records = self.context.records
        key_issues = records.list_kind("key-issue")
        partnerships = records.list_kind("partnership")
        self.owner.clear()
        self.owner.update({k.uid: k.title for k in key_issues})
        self.owner.update({p.uid: p.title for p in partnerships})
        county = self._county()
        chosen = self.key_issue.currentData()
        self.key_issue.blockSignals(True)
        self.key_issue.clear()
        self.key_issue.addItem("Every key issue", None)
        for key_issue in key_issues:
            self.key_issue.addItem(key_issue.title, key_issue.uid)
        found = self.key_issue.findData(chosen)
        self.key_issue.setCurrentIndex(max(found, 0))
        self.key_issue.blockSignals(False)
        self.key_issue.setVisible(county)
        self.key_issue_label.setVisible(county)
        if county:
            key_issue = self.key_issue.currentData()
            views = [v for v in indicator_views(self.context.copy,
                                                key_issue_uid=key_issue or None)
                     if not v.indicator.fields.get("partnership_uid")]
            self.heading.setText("County indicators")
            self.hint.setText("The county's indicators for the key issues: latest value, "
                              "target, RAG against the target and direction of travel since "
                              "the period before. Open one (Enter) to see its values over "
                              "time.")
            can_add = records.can_create("indicator", {"key_issue_uid": (
                key_issues[0].uid if key_issues else None)})
        else:
            views = indicator_views(self.context.copy, partnership=self.partnership_uid)
            name = self.owner.get(str(self.partnership_uid), "")
            self.heading.setText(f"{name} — indicators")
            self.hint.setText(f"{name}'s own indicators: latest value, target, RAG against "
                              "the target and direction of travel since the period before. "
                              "Open one (Enter) to see its values over time.")
            can_add = records.can_create("indicator",
                                         {"partnership_uid": self.partnership_uid})
        any_views = bool(views)
        if self.off_target.isChecked():
            views = [v for v in views if v.judgement.off_target]
        current = self.panel.current_uid()
        self.model.set_rows(views)
        self.panel.set_editable(can_add)
        self.banner.show_for(can_add, self.context.scope_reason("indicator"))
        self.enter.setEnabled(can_add and any_views)
        if not self.panel.select(current):
            self.panel.select_row(0)
        self.open_button.setEnabled(bool(self.panel.current_uid()))

    def add_indicator(self) -> None:
        records = self.context.records
        county = self._county()
        names = tuple(n for n in INDICATOR_FIELDS
                      if n != ("partnership_uid" if county else "key_issue_uid"))
        if county:
            chosen = self.key_issue.currentData()
            start: dict[str, Value] = {"key_issue_uid": chosen or (
                records.list_kind("key-issue")[0].uid if records.list_kind("key-issue")
                else None)}
        else:
            start = {"partnership_uid": self.partnership_uid}
        start.update({"frequency": "quarterly", "tolerance_percent": "10",
                      "polarity": "lower-is-better"})

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("indicator", values)
            self.panel.select(uid)

        RecordDialog(self, "Add indicator", "indicator", names, submit, values=start,
                     options={"key_issue_uid": [(k.title, k.uid)
                                                for k in records.list_kind("key-issue")],
                              "partnership_uid": [(p.title, p.uid)
                                                  for p in records.list_kind("partnership")]},
                     text_lines={"definition": 2}, ok_text="&Add").open()

    def _open_current(self) -> None:
        uid = self.panel.current_uid()
        if uid:
            self.edit_indicator(uid)

    def edit_indicator(self, uid: str) -> None:
        IndicatorDialog(self, self.context, uid).open()

    def enter_values(self) -> None:
        PeriodValuesDialog(self, self.context, self.model.rows).open()

