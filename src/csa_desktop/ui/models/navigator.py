"""The navigator tree: the agreement's parts, then each partnership's local plan with its
priorities and (fetched when a priority is expanded) its actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from csa_desktop.domain.records import Record
from csa_desktop.services import tables
from csa_desktop.services.copy import Copy
from csa_desktop.ui.icons import icon
from csa_desktop.ui.models.roles import KIND_ROLE, NO_INDEX, UID_ROLE

Index = QModelIndex | QPersistentModelIndex

# Node kinds: each shows one editor page (see MainWindow.show_node).
DASHBOARD = "dashboard"
MEETINGS = "meetings"
AGREEMENT = "agreement"
DETAILS = "details"
PLAN_ON_A_PAGE = "plan-on-a-page"
SECTIONS = "sections"
SECTION = "section"
KEY_ISSUES = "key-issues"
KEY_ISSUE = "key-issue"
EVIDENCE = "evidence"
CONSULTATION = "consultation"
THEMES = "themes"
LOCAL_PLANS = "local-plans"
PARTNERSHIP = "partnership"
PRIORITY = "priority"
UNPRIORITISED = "unprioritised"
ACTION = "action"
INDICATORS = "indicators"  # the county's (no partnership) or a partnership's

_ICONS = {
    DASHBOARD: "dashboard", MEETINGS: "meetings",
    AGREEMENT: "agreement", DETAILS: "details", PLAN_ON_A_PAGE: "plan-on-a-page",
    SECTIONS: "sections", SECTION: "section", KEY_ISSUES: "key-issues", KEY_ISSUE: "key-issue",
    EVIDENCE: "evidence", CONSULTATION: "consultation", THEMES: "themes",
    LOCAL_PLANS: "local-plans",
    PARTNERSHIP: "partnership",
    PRIORITY: "priority", UNPRIORITISED: "priority", ACTION: "action",
    INDICATORS: "indicators",
}


@dataclass(eq=False)
class Node:
    kind: str
    title: str
    uid: str | None = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    plan_uid: str | None = None  # partnership, priority and unprioritised nodes: their plan
    partnership_uid: str | None = None  # nodes under a partnership: that partnership
    lazy_count: int = 0  # actions not fetched yet (priority nodes)
    fetched: bool = True
    read_only: bool = False  # outside this copy's scope (shown in grey italics)

    @property
    def key(self) -> str:
        """Stable name of the node across reloads ('section:<uid>', 'evidence', ...)."""
        if self.kind == UNPRIORITISED:
            return f"{self.kind}:{self.plan_uid}"
        return f"{self.kind}:{self.uid}" if self.uid else self.kind

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child


ChildLoader = Callable[[Node], Sequence[Node]]


class NavigatorModel(QAbstractItemModel):
    """A tree of Nodes; a priority's actions come from `load_children` when first expanded."""

    def __init__(self, load_children: ChildLoader | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = Node("root", "")
        self.load_children = load_children

    def set_root(self, root: Node) -> None:
        self.beginResetModel()
        self.root = root
        self.endResetModel()

    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self.root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def index_of(self, node: Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node)

    def find(self, key: str) -> QModelIndex:
        """The index of the node with `key` among those loaded (invalid if none)."""
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.key == key:
                return self.index_of(node)
            stack.extend(node.children)
        return QModelIndex()

    def find_kind(self, kind: str) -> QModelIndex:
        return self.find(kind)

    def index(self, row: int, column: int, parent: Index = NO_INDEX) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        node = self.node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: Index = NO_INDEX) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self.root:
            return QModelIndex()
        return self.index_of(parent)

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        if parent.column() > 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 1

    def hasChildren(self, parent: Index = NO_INDEX) -> bool:
        node = self.node(parent)
        return bool(node.children) or (not node.fetched and node.lazy_count > 0)

    def canFetchMore(self, parent: Index) -> bool:
        if not parent.isValid():
            return False
        node = self.node(parent)
        return not node.fetched and self.load_children is not None

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent) or self.load_children is None:
            return
        node = self.node(parent)
        node.fetched = True
        children = list(self.load_children(node))
        if not children:
            return
        self.beginInsertRows(parent, 0, len(children) - 1)
        for child in children:
            node.add(child)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return node.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.title + (" (read-only: outside your scope)" if node.read_only else "")
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(_ICONS.get(node.kind, "section"))
        if role == Qt.ItemDataRole.FontRole and node.read_only:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setItalic(True)
            return font
        if role == UID_ROLE:
            return node.uid
        if role == KIND_ROLE:
            return node.kind
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (section == 0 and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole):
            return "Navigator"
        return None


def build_outline(copy: Copy) -> Node:
    """The whole tree except actions (those are fetched per priority when it is expanded)."""
    records = copy.records
    root = Node("root", "")
    root.add(Node(DASHBOARD, "Dashboard"))
    root.add(Node(MEETINGS, "Meetings"))
    agreements = records.list_kind("agreement")
    agreement = root.add(Node(AGREEMENT, agreements[0].title if agreements else "Agreement"))
    agreement.add(Node(DETAILS, "Details and approvals"))
    agreement.add(Node(PLAN_ON_A_PAGE, "Plan on a page"))
    sections = agreement.add(Node(SECTIONS, "Sections"))
    for section in records.list_kind("section"):
        sections.add(Node(SECTION, section_title(section), section.uid))
    key_issues = agreement.add(Node(KEY_ISSUES, "Key issues and delivery framework"))
    for key_issue in records.list_kind("key-issue"):
        key_issues.add(Node(KEY_ISSUE, key_issue.title, key_issue.uid))
    agreement.add(Node(EVIDENCE, "Evidence"))
    agreement.add(Node(THEMES, "Themes"))
    agreement.add(Node(CONSULTATION, "Consultation"))
    agreement.add(Node(INDICATORS, "Indicators"))

    local_plans = root.add(Node(LOCAL_PLANS, "Local plans"))
    plans = current_plans(records.list_kind("local-plan"))
    priorities: dict[str, list[Record]] = {}
    for priority in records.list_kind("local-priority"):
        priorities.setdefault(str(priority.fields["plan_uid"]), []).append(priority)
    counts = tables.action_counts(copy)
    mine = set(copy.identity.partnership_uids)
    for partnership in records.list_kind("partnership"):
        plan = plans.get(partnership.uid)
        if plan is None and partnership.uid not in mine:
            continue
        read_only = not records.can_create("local-plan", {"partnership_uid": partnership.uid})
        node = local_plans.add(Node(PARTNERSHIP, partnership.title, partnership.uid,
                                    plan_uid=plan.uid if plan else None,
                                    partnership_uid=partnership.uid, read_only=read_only))
        if plan is not None:
            _add_plan_nodes(node, plan, priorities, counts, read_only)
        node.add(Node(INDICATORS, "Indicators", partnership.uid,
                      partnership_uid=partnership.uid, read_only=read_only))
    return root


def _add_plan_nodes(node: Node, plan: Record, priorities: dict[str, list[Record]],
                    counts: dict[tuple[str, str | None], int], read_only: bool) -> None:
    """A partnership's plan under its node: the priorities, then its loose actions."""
    for priority in priorities.get(plan.uid, []):
        node.add(Node(PRIORITY, priority.title, priority.uid, plan_uid=plan.uid,
                      partnership_uid=node.partnership_uid, read_only=read_only,
                      lazy_count=counts.get((plan.uid, priority.uid), 0), fetched=False))
    loose = counts.get((plan.uid, None), 0)
    if loose:
        node.add(Node(UNPRIORITISED, "Actions without a priority", plan_uid=plan.uid,
                      partnership_uid=node.partnership_uid, read_only=read_only,
                      lazy_count=loose, fetched=False))


def section_title(section: Record) -> str:
    """'2  Context', marked when restricted (left out of the public edition)."""
    number = section.fields.get("number")
    title = f"{number}  {section.title}" if number else section.title
    return f"{title} (restricted)" if section.fields.get("restricted") is True else title


def current_plans(plans: Sequence[Record]) -> dict[str, Record]:
    """Each partnership's current local plan: the latest period that is not archived."""
    chosen: dict[str, Record] = {}
    for plan in sorted(plans, key=lambda p: (p.fields.get("status") != "archived",
                                             str(p.fields.get("period_start") or ""))):
        chosen[str(plan.fields["partnership_uid"])] = plan
    return chosen


def load_actions(copy: Copy, node: Node) -> list[Node]:
    """The action nodes under a priority (or under 'Actions without a priority'); actions an
    annual refresh archived are left out (the actions table shows them on request)."""
    if node.kind == PRIORITY and node.uid:
        rows = tables.action_rows(copy, priority_uids=[node.uid])
    elif node.kind == UNPRIORITISED and node.plan_uid:
        rows = [r for r in tables.action_rows(copy, plan_uids=[node.plan_uid])
                if r.priority_uid is None]
    else:
        return []
    return [Node(ACTION, row.title, row.uid, plan_uid=row.plan_uid,
                 partnership_uid=row.partnership_uid, read_only=not row.editable)
            for row in rows if not row.archived_in]
