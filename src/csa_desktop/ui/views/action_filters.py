"""The filter bar above the actions table: text, partnership, priority, RAG, status, theme,
lead, due dates; it says what it filters and the table follows it without reloading."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS, choice_label
from csa_desktop.services.tables import OPEN, ActionFilter
from csa_desktop.ui.forms import Option
from csa_desktop.ui.icons import rag_icon
from csa_desktop.ui.widgets import make_button


class FilterBar(QWidget):
    """Text, partnership, priority, status, RAG, 'overdue only' and 'show archived'; says how
    many match."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setPlaceholderText("Filter actions (title, lead, partners, priority…)")
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName("Filter text")
        self.text.setMinimumWidth(200)
        self.partnership = self._combo("Partnership filter")
        self.priority = self._combo("Priority filter")
        self.status = self._combo("Status filter")
        self.rag = self._combo("RAG filter")
        self.theme = self._combo("Theme filter")
        self.theme.setToolTip("Actions tagged with the theme, or under a priority or key issue "
                              "that is")
        self.theme.addItem("Any theme", None)
        self.status.addItem("Any status", None)
        self.status.addItem("Open (not completed or cancelled)", OPEN)
        for status in ACTION_STATUSES:
            self.status.addItem(choice_label(status), status)
        self.rag.addItem("Any RAG", None)
        for rag in RAGS:
            self.rag.addItem(rag_icon(rag), choice_label(rag), rag)
        self.overdue = QCheckBox("&Overdue only")
        self.overdue.setAccessibleName("Overdue only")
        self.archived = QCheckBox("Show ar&chived")
        self.archived.setAccessibleName("Show archived")
        self.archived.setToolTip("Also list the actions an annual refresh archived (closed in "
                                 "an earlier year), marked “archived” with the year")
        self.clear = make_button("C&lear", "clear", self.reset,
                                 "Clear the search and the filters")
        self.count = QLabel()
        self.count.setAccessibleName("Number of actions shown")
        self._among: frozenset[str] | None = None  # only these actions (from the dashboard)
        self._among_label = ""
        self.among = QLabel()
        self.among.setAccessibleName("Actions listed from the dashboard")
        self.show_all = make_button("Show &all actions", "clear", self.reset,
                                    "List every action again, not only these")
        among_row = QHBoxLayout()
        among_row.addWidget(self.among, 1)
        among_row.addWidget(self.show_all)
        self.among_box = QWidget()
        self.among_box.setLayout(among_row)
        among_row.setContentsMargins(0, 0, 0, 0)
        self.among_box.setVisible(False)
        self._priorities: list[tuple[str, str, str]] = []  # (title, uid, partnership uid)
        find = QLabel("&Search:")
        find.setBuddy(self.text)
        top = QHBoxLayout()
        top.addWidget(find)
        top.addWidget(self.text, 1)
        top.addWidget(self.overdue)
        top.addWidget(self.archived)
        top.addWidget(self.clear)
        top.addWidget(self.count)
        bottom = QHBoxLayout()
        for label, combo in (("Pa&rtnership:", self.partnership), ("Pr&iority:", self.priority),
                             ("S&tatus:", self.status), ("RA&G:", self.rag),
                             ("The&me:", self.theme)):
            caption = QLabel(label)
            caption.setBuddy(combo)
            bottom.addWidget(caption)
            bottom.addWidget(combo, 2 if combo in (self.partnership, self.priority) else 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addWidget(self.among_box)
        self.text.textChanged.connect(lambda _t: self.changed.emit())
        self.partnership.currentIndexChanged.connect(self._partnership_changed)
        for combo in (self.priority, self.status, self.rag, self.theme):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.overdue.toggled.connect(lambda _on: self.changed.emit())
        self.archived.toggled.connect(lambda _on: self.changed.emit())

    @staticmethod
    def _combo(name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def set_choices(self, partnerships: Sequence[Option],
                    priorities: Sequence[tuple[str, str, str]],
                    themes: Sequence[Option] = ()) -> None:
        """Partnerships (title, uid), priorities (title, uid, partnership uid) and the
        county's themes (name, uid)."""
        self._priorities = list(priorities)
        chosen = self.theme.currentData()
        blocked = self.theme.blockSignals(True)
        self.theme.clear()
        self.theme.addItem("Any theme", None)
        for name, uid in themes:
            self.theme.addItem(name, uid)
        self.theme.setCurrentIndex(max(0, self.theme.findData(chosen)))
        self.theme.blockSignals(blocked)
        current = self.partnership.currentData()
        blocked = self.partnership.blockSignals(True)
        self.partnership.clear()
        self.partnership.addItem("All partnerships", None)
        for title, uid in partnerships:
            self.partnership.addItem(title, uid)
        self.partnership.setCurrentIndex(max(0, self.partnership.findData(current)))
        self.partnership.blockSignals(blocked)
        self._fill_priorities()

    def _fill_priorities(self) -> None:
        partnership = self.partnership.currentData()
        current = self.priority.currentData()
        blocked = self.priority.blockSignals(True)
        self.priority.clear()
        self.priority.addItem("All priorities", None)
        names = {self.partnership.itemData(i): self.partnership.itemText(i)
                 for i in range(1, self.partnership.count())}
        for title, uid, owner in self._priorities:
            if partnership is None:
                self.priority.addItem(f"{title} — {names.get(owner, '')}", uid)
            elif owner == partnership:
                self.priority.addItem(title, uid)
        self.priority.setCurrentIndex(max(0, self.priority.findData(current)))
        self.priority.blockSignals(blocked)

    def _partnership_changed(self) -> None:
        self._fill_priorities()
        self.changed.emit()

    def value(self) -> ActionFilter:
        return ActionFilter(self.text.text(), self.partnership.currentData(),
                            self.priority.currentData(), self.status.currentData(),
                            self.rag.currentData(), theme_uid=self.theme.currentData(),
                            overdue_only=self.overdue.isChecked(),
                            show_archived=self.archived.isChecked(), among=self._among,
                            among_label=self._among_label)

    def apply(self, wanted: ActionFilter) -> None:
        """Show `wanted` (a list the dashboard opened): its criteria, the rest cleared."""
        blocked = self.blockSignals(True)
        self.text.setText(wanted.text)
        self.partnership.setCurrentIndex(max(0, self.partnership.findData(
            wanted.partnership_uid)))
        self._fill_priorities()
        self.priority.setCurrentIndex(max(0, self.priority.findData(wanted.priority_uid)))
        self.status.setCurrentIndex(max(0, self.status.findData(wanted.status)))
        self.rag.setCurrentIndex(max(0, self.rag.findData(wanted.rag)))
        self.theme.setCurrentIndex(max(0, self.theme.findData(wanted.theme_uid)))
        self.overdue.setChecked(wanted.overdue_only)
        self.archived.setChecked(wanted.show_archived)
        self._set_among(wanted.among, wanted.among_label)
        self.blockSignals(blocked)
        self.changed.emit()

    def _set_among(self, uids: frozenset[str] | None, label: str) -> None:
        self._among, self._among_label = uids, label
        self.among_box.setVisible(uids is not None)
        if uids is not None:
            self.among.setText(f"Showing only the {len(uids):,} actions {label} "
                               "(as the dashboard counted them)")

    def set_scope(self, partnership_uid: str | None, priority_uid: str | None) -> None:
        """Show one partnership (and priority) as the navigator asks; other parts stay."""
        blocked = self.blockSignals(True)
        self.partnership.setCurrentIndex(max(0, self.partnership.findData(partnership_uid)))
        self._fill_priorities()
        self.priority.setCurrentIndex(max(0, self.priority.findData(priority_uid)))
        self.blockSignals(blocked)
        self.changed.emit()

    def reset(self) -> None:
        """Clear the search and the filters ('Show archived' is a way of looking: it stays)."""
        blocked = self.blockSignals(True)
        self.text.clear()
        self.partnership.setCurrentIndex(0)
        self._fill_priorities()
        for combo in (self.priority, self.status, self.rag, self.theme):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self._set_among(None, "")
        self.blockSignals(blocked)
        self.changed.emit()

    def show_count(self, shown: int, total: int, archived: int, loading: bool = False) -> None:
        """`total` counts every action, `archived` those an annual refresh archived;
        `loading`: more are being read."""
        if loading:
            self.count.setText(f"{shown:,} of the first {total:,} actions, loading…")
            self.count.setToolTip("The rest of the actions are being read")
            return
        if self.archived.isChecked() or not archived:
            self.count.setText(f"{shown:,} of {total:,} actions")
            self.count.setToolTip("")
            return
        self.count.setText(f"{shown:,} of {total - archived:,} actions ({archived:,} archived "
                           "not shown)")
        self.count.setToolTip("Tick “Show archived” to list the actions closed in an "
                              "earlier refresh")
