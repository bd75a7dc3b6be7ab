"""The main window: the navigator on the left, the editor for the selected node on the right,
menus, toolbar and status bar; every edit is saved at once and can be undone."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Generic, TypeVar, cast, overload

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeView,
    QUndoView,
)

from csa_desktop import APP_NAME, __version__
from csa_desktop.domain.records import Changes
from csa_desktop.services.copy import Copy
from csa_desktop.services.tables import ActionFilter
from csa_desktop.ui import icons
from csa_desktop.ui.commands import EditHistory
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.models import navigator as nav
from csa_desktop.ui.settings import WindowSettings
from csa_desktop.ui.views.common import EditorPage
from csa_desktop.ui.wheel import guard_wheel
from csa_desktop.ui.widgets import with_sample_banner

if TYPE_CHECKING:
    from csa_desktop.services.due import DueItem
    from csa_desktop.ui.views.agreement_page import AgreementPage
    from csa_desktop.ui.views.consultation_page import ConsultationPage
    from csa_desktop.ui.views.dashboard_page import DashboardPage
    from csa_desktop.ui.views.evidence_page import EvidencePage
    from csa_desktop.ui.views.indicators_page import IndicatorsPage
    from csa_desktop.ui.views.key_issues_page import KeyIssuesPage
    from csa_desktop.ui.views.local_plan_page import LocalPlansPage
    from csa_desktop.ui.views.meetings_page import MeetingsPage
    from csa_desktop.ui.views.plan_on_a_page import PlanOnAPagePage
    from csa_desktop.ui.views.sections_page import SectionsPage
    from csa_desktop.ui.views.themes_page import ThemesPage

# Feature modules (ui/<feature>_actions.py), each with `install(window: MainWindow) -> None`
# adding its menu items and toolbar buttons. Add yours here.
FEATURE_MODULES: tuple[str, ...] = ("csa_desktop.ui.print_actions",
                                     "csa_desktop.ui.backup_actions",
                                     "csa_desktop.ui.cycle_actions",
                                     "csa_desktop.ui.bundle_actions",
                                     "csa_desktop.ui.adopt_actions",
                                     "csa_desktop.ui.guide_actions",
                                     "csa_desktop.ui.copy_actions")  # last: at the top of File

# The pages of the right-hand side: attribute of the window -> (module under ui/views, class).
# Each is built (and its module imported) when first shown or asked for, not at start: a copy
# opens on one page, and building all of them cost a quarter of a second.
PAGES: dict[str, tuple[str, str]] = {
    "dashboard_page": ("dashboard_page", "DashboardPage"),
    "agreement_page": ("agreement_page", "AgreementPage"),
    "plan_on_a_page_page": ("plan_on_a_page", "PlanOnAPagePage"),
    "sections_page": ("sections_page", "SectionsPage"),
    "key_issues_page": ("key_issues_page", "KeyIssuesPage"),
    "evidence_page": ("evidence_page", "EvidencePage"),
    "local_plans_page": ("local_plan_page", "LocalPlansPage"),
    "indicators_page": ("indicators_page", "IndicatorsPage"),
    "consultation_page": ("consultation_page", "ConsultationPage"),
    "themes_page": ("themes_page", "ThemesPage"),
    "meetings_page": ("meetings_page", "MeetingsPage"),
}

# Which page shows which kind of navigator node.
PAGE_FOR_KIND: dict[str, str] = {
    nav.DASHBOARD: "dashboard_page",
    nav.MEETINGS: "meetings_page",
    nav.AGREEMENT: "agreement_page", nav.DETAILS: "agreement_page",
    nav.PLAN_ON_A_PAGE: "plan_on_a_page_page",
    nav.SECTIONS: "sections_page", nav.SECTION: "sections_page",
    nav.KEY_ISSUES: "key_issues_page", nav.KEY_ISSUE: "key_issues_page",
    nav.EVIDENCE: "evidence_page",
    nav.CONSULTATION: "consultation_page",
    nav.THEMES: "themes_page",
    nav.LOCAL_PLANS: "local_plans_page", nav.PARTNERSHIP: "local_plans_page",
    nav.PRIORITY: "local_plans_page", nav.UNPRIORITISED: "local_plans_page",
    nav.ACTION: "local_plans_page",
    nav.INDICATORS: "indicators_page",
}

P = TypeVar("P", bound=EditorPage)


class LazyPage(Generic[P]):
    """A page of the main window as an attribute (window.dashboard_page): MainWindow.page(name)
    builds it the first time it is read; the attribute's name is its key in PAGES."""

    def __set_name__(self, owner: type, name: str) -> None:
        assert name in PAGES, name
        self.name = name

    @overload
    def __get__(self, window: None, owner: type) -> LazyPage[P]: ...
    @overload
    def __get__(self, window: MainWindow, owner: type) -> P: ...

    def __get__(self, window: MainWindow | None, owner: type) -> LazyPage[P] | P:
        if window is None:
            return self
        return cast(P, window.page(self.name))


# Which fields of which kinds change the navigator tree (titles, order, parents).
TREE_FIELDS: dict[str, frozenset[str]] = {
    "agreement": frozenset({"title"}),
    "section": frozenset({"number", "title", "position", "restricted"}),
    "key-issue": frozenset({"name", "position"}),
    "partnership": frozenset({"name", "position"}),
    "local-plan": frozenset({"partnership_uid", "status", "period_start"}),
    "local-priority": frozenset({"title", "position", "plan_uid"}),
    "action": frozenset({"title", "priority_uid", "plan_uid", "position"}),
}

# --show PLACE: the places the window can open at (besides local-plan:NAME).
PLACES = {
    "dashboard": nav.DASHBOARD,
    "meetings": nav.MEETINGS,
    "agreement": nav.DETAILS,
    "plan-on-a-page": nav.PLAN_ON_A_PAGE,
    "sections": nav.SECTIONS,
    "key-issues": nav.KEY_ISSUES,
    "evidence": nav.EVIDENCE,
    "consultation": nav.CONSULTATION,
    "themes": nav.THEMES,
    "local-plans": nav.LOCAL_PLANS,
    "indicators": nav.INDICATORS,
}


class MainWindow(QMainWindow):
    closed = Signal()  # after the window has closed (the copy may then be closed)
    # the pages, each built when first read (see LazyPage)
    dashboard_page: LazyPage[DashboardPage] = LazyPage()
    agreement_page: LazyPage[AgreementPage] = LazyPage()
    plan_on_a_page_page: LazyPage[PlanOnAPagePage] = LazyPage()
    sections_page: LazyPage[SectionsPage] = LazyPage()
    key_issues_page: LazyPage[KeyIssuesPage] = LazyPage()
    evidence_page: LazyPage[EvidencePage] = LazyPage()
    local_plans_page: LazyPage[LocalPlansPage] = LazyPage()
    indicators_page: LazyPage[IndicatorsPage] = LazyPage()
    consultation_page: LazyPage[ConsultationPage] = LazyPage()
    themes_page: LazyPage[ThemesPage] = LazyPage()
    meetings_page: LazyPage[MeetingsPage] = LazyPage()

    def __init__(self, copy: Copy, settings: WindowSettings | None = None) -> None:
        super().__init__()
        guard_wheel()  # app.py does it first; a window made elsewhere (a test) behaves the same
        self.copy = copy
        self.settings = settings or WindowSettings()
        self.undo_stack = QUndoStack(self)
        self.edits = EditHistory(copy.records, self.undo_stack, self)
        self.context = EditorContext(copy, self.edits, self.show_message)
        self.edits.changed.connect(self.refresh)
        self.edits.failed.connect(self._undo_failed)
        self.edits.replayed.connect(self.show_message)
        self.edits.applied.connect(
            lambda text: self.show_message(f"Saved: {text}. Undo with Ctrl+Z."))
        self._restoring = False

        self.sample = copy.is_sample()
        self.setWindowTitle(f"{copy.identity.title}{' — sample data' if self.sample else ''}"
                            f" — {APP_NAME}")
        self.setObjectName("mainWindow")
        self._create_navigator()
        self._create_pages()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("main")
        splitter.addWidget(self.tree)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.main_splitter = splitter
        self.setCentralWidget(with_sample_banner(splitter) if self.sample else splitter)
        self._create_actions()
        self._create_menus()
        self._create_tool_bar()
        self._create_history_dock()
        self._create_status_bar()
        self.install_features()
        self.resize(1300, 860)
        self.settings.restore_window(self)
        self._splitters_restored = self.settings.restore_splitter("main", splitter)
        self.settings.restore_splitters(self)
        self.reload_navigator()
        if not self.show_place(self.settings.last_place):
            self.show_place(nav.DASHBOARD)  # a copy opens on its dashboard, then where left

    # --- building the window ----------------------------------------------------------------

    def _create_navigator(self) -> None:
        self.navigator = nav.NavigatorModel(lambda node: nav.load_actions(self.copy, node), self)
        self.tree = QTreeView()
        self.tree.setModel(self.navigator)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Navigator")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setMinimumWidth(200)
        self.tree.selectionModel().currentChanged.connect(self._node_chosen)

    def _create_pages(self) -> None:
        self.stack = QStackedWidget()
        self._built: dict[str, EditorPage] = {}  # the pages built so far, by attribute

    def page(self, name: str) -> EditorPage:
        """The page called `name` (a key of PAGES), built on first use."""
        built = self._built.get(name)
        if built is not None:
            return built
        module, class_name = PAGES[name]
        page_class = getattr(importlib.import_module(f"csa_desktop.ui.views.{module}"),
                             class_name)
        page: EditorPage = page_class(self.context)
        self._built[name] = page
        self.stack.addWidget(page)
        self._connect_page(name, page)
        self.settings.restore_splitters(page)  # its splitters as they were left
        return page

    def _connect_page(self, name: str, page: EditorPage) -> None:
        if name == "dashboard_page":
            dashboard = cast("DashboardPage", page)
            dashboard.open_actions.connect(self.open_action_list)
            dashboard.open_indicators.connect(self.open_indicators_off_target)
            dashboard.open_due.connect(self.open_due_item)
            dashboard.print_due.connect(self.print_due_list)
        elif name == "local_plans_page":
            local_plans = cast("LocalPlansPage", page)
            local_plans.actions_panel.can_add_changed.connect(
                lambda can_add: self.new_action_action.setEnabled(
                    can_add and self.stack.currentWidget() is local_plans))

    @property
    def built_pages(self) -> list[str]:
        """The names (keys of PAGES) of the pages built so far, in the order they were built."""
        return list(self._built)

    @property
    def pages(self) -> list[EditorPage]:
        """Every page, in the order of PAGES (those not yet shown are built now)."""
        return [self.page(name) for name in PAGES]

    def page_for_kind(self, kind: str) -> EditorPage | None:
        """The page that shows navigator nodes of `kind` (built on first use)."""
        name = PAGE_FOR_KIND.get(kind)
        return None if name is None else self.page(name)

    def _action(self, text: str, slot: Callable[[], object], *,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                icon: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(icons.icon(icon))
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _create_actions(self) -> None:
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setIcon(icons.icon("undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
                      if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.redo_action.setIcon(icons.icon("redo"))
        self.show_folder_action = self._action(
            "Show &data folder", self.show_data_folder, icon="folder",
            tip="Open the folder that holds this copy")
        self.reload_action = self._action(
            "Re&load from the copy", lambda: self.refresh(None),
            shortcut=QKeySequence.StandardKey.Refresh,
            tip="Read everything again (after changes made with the csa command)")
        self.quit_action = self._action("&Quit", self.close,
                                        shortcut=QKeySequence.StandardKey.Quit, icon="quit")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action("&Find action…", self.find_action_text,
                                        shortcut=QKeySequence.StandardKey.Find, icon="find",
                                        tip="Filter the actions of the local plans")
        self.new_action_action = self._action(
            "&New action…", lambda: self.local_plans_page.actions_panel.add_action(),
            shortcut=QKeySequence.StandardKey.New, icon="add",
            tip="Add an action to the local plan shown")
        self.new_action_action.setEnabled(False)  # until a plan this copy may change is shown
        self.go_actions: list[QAction] = [self._action(
            "Dash&board", partial(self.show_place, nav.DASHBOARD), shortcut="Ctrl+0",
            tip="How the actions and indicators stand, and what is due")]
        for number, (label, kind) in enumerate((
            ("Agreement &details and approvals", nav.DETAILS),
            ("&Plan on a page", nav.PLAN_ON_A_PAGE),
            ("&Sections", nav.SECTIONS),
            ("&Key issues and delivery framework", nav.KEY_ISSUES),
            ("&Evidence", nav.EVIDENCE),
            ("&Local plans and actions", nav.LOCAL_PLANS),
            ("C&onsultation", nav.CONSULTATION),
        ), start=1):
            action = self._action(label, partial(self.show_place, kind),
                                  shortcut=f"Ctrl+{number}")
            self.go_actions.append(action)
        self.navigator_focus_action = self._action(
            "Focus the &navigator", self.tree.setFocus, shortcut="F6",
            tip="Move the keyboard focus to the navigator")
        self.new_section_action = self._action(
            "New &section…", lambda: self._on_page(self.sections_page, nav.SECTIONS,
                                                   self.sections_page.add_section))
        self.new_key_issue_action = self._action(
            "New &key issue…", lambda: self._on_page(self.key_issues_page, nav.KEY_ISSUES,
                                                     self.key_issues_page.add_key_issue))
        self.new_evidence_action = self._action(
            "New &evidence item…", lambda: self._on_page(self.evidence_page, nav.EVIDENCE,
                                                         self.evidence_page.add_item))
        self.new_consultation_action = self._action(
            "New c&onsultation…", lambda: self._on_page(self.consultation_page,
                                                        nav.CONSULTATION,
                                                        self.consultation_page.add_item))
        self.about_action = self._action(f"&About {APP_NAME}", self.about, icon="about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = self._action("About &Qt", QApplication.aboutQt)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu: QMenu = bar.addMenu("&File")
        self.file_menu.addAction(self.show_folder_action)
        self.file_menu.addAction(self.reload_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu: QMenu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.new_action_action)
        self.edit_menu.addAction(self.find_action)
        self.view_menu: QMenu = bar.addMenu("&View")
        for action in self.go_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.navigator_focus_action)
        self.agreement_menu: QMenu = bar.addMenu("&Agreement")
        self.agreement_menu.addAction(self.new_section_action)
        self.agreement_menu.addAction(self.new_key_issue_action)
        self.agreement_menu.addAction(self.new_evidence_action)
        self.agreement_menu.addAction(self.new_consultation_action)
        self.help_menu: QMenu = bar.addMenu("&Help")
        self.help_menu.addAction(self.about_action)
        self.help_menu.addAction(self.about_qt_action)

    def _create_tool_bar(self) -> None:
        self.tool_bar = QToolBar("Main toolbar")
        self.tool_bar.setObjectName("mainToolBar")
        self.tool_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.tool_bar.addAction(self.undo_action)
        self.tool_bar.addAction(self.redo_action)
        self.tool_bar.addSeparator()
        self.tool_bar.addAction(self.new_action_action)
        self.tool_bar.addAction(self.find_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.tool_bar)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.tool_bar.toggleViewAction())

    def _create_history_dock(self) -> None:
        self.history_view = QUndoView(self.undo_stack)
        self.history_view.setEmptyLabel("Opened")
        self.history_view.setAccessibleName("Edit history of this session")
        self.history_dock = QDockWidget("Edit history", self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.history_view)
        self.history_dock.hide()
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        toggle = self.history_dock.toggleViewAction()
        toggle.setText("Edit &history")
        toggle.setIcon(icons.icon("history"))
        self.view_menu.addAction(toggle)

    def _create_status_bar(self) -> None:
        identity = self.copy.identity
        if identity.partnership_uids:
            titles = self.copy.records.titles("partnership", identity.partnership_uids)
            scope = ", ".join(titles.get(uid, uid) for uid in identity.partnership_uids)
        else:
            scope = "everything"
        self.scope_label = QLabel(f"{identity.role.value.capitalize()} copy · may change: "
                                  f"{scope}")
        self.scope_label.setAccessibleName("Role and scope of this copy")
        self.statusBar().addPermanentWidget(self.scope_label)
        self.show_message("Ready. Every change is saved as you make it.")

    def install_features(self) -> None:
        """Let each feature module add its menu items and toolbar buttons."""
        for name in FEATURE_MODULES:
            importlib.import_module(name).install(self)

    # --- navigation -------------------------------------------------------------------------

    def reload_navigator(self) -> None:
        """Rebuild the tree, keeping what was expanded and selected."""
        expanded = self._expanded_keys()
        current = self.current_node()
        self._restoring = True
        try:
            self.navigator.set_root(nav.build_outline(self.copy))
            if not expanded:
                expanded = [nav.AGREEMENT, nav.LOCAL_PLANS]
            for key in expanded:
                index = self.navigator.find(key)
                if index.isValid():
                    self.tree.expand(index)
            if current is not None:
                index = self._find_nearest(current)
                if index.isValid():
                    self.tree.setCurrentIndex(index)
        finally:
            self._restoring = False

    def _expanded_keys(self) -> list[str]:
        keys: list[str] = []
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop(0)
            for row in range(self.navigator.rowCount(parent)):
                index = self.navigator.index(row, 0, parent)
                if self.tree.isExpanded(index):
                    keys.append(self.navigator.node(index).key)
                    pending.append(index)
        return keys

    def _find_nearest(self, node: nav.Node) -> QModelIndex:
        """The node with the same key, else its nearest surviving ancestor."""
        current: nav.Node | None = node
        while current is not None:
            index = self.navigator.find(current.key)
            if index.isValid():
                return index
            if current.kind == nav.ACTION and current.partnership_uid:
                index = self.navigator.find(f"{nav.PARTNERSHIP}:{current.partnership_uid}")
                if index.isValid():
                    return index
            current = current.parent
        return QModelIndex()

    def current_node(self) -> nav.Node | None:
        index = self.tree.currentIndex()
        return self.navigator.node(index) if index.isValid() else None

    def _node_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring or not current.isValid():
            return
        node = self.navigator.node(current)
        page = self.page_for_kind(node.kind)
        if page is None:
            return
        shown = self.stack.currentWidget()
        if isinstance(shown, EditorPage) and shown is not page:
            shown.flush()
        self.stack.setCurrentWidget(page)
        page.show_node(node)
        on_local_plans = PAGE_FOR_KIND[node.kind] == "local_plans_page"
        self.new_action_action.setEnabled(
            on_local_plans and self.local_plans_page.actions_panel.new_action.isEnabled())

    def show_place(self, place: str) -> bool:
        """Select a navigator node by key ('sections', 'section:<uid>', ...), by --show
        name, or 'local-plan:NAME' (a partnership's name or its start); False if unknown."""
        if not place:
            return False
        key = PLACES.get(place, place)
        if place.startswith("local-plan:"):
            key = self._partnership_key(place.split(":", 1)[1])
        index = self.navigator.find(key) if key else QModelIndex()
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _partnership_key(self, name: str) -> str:
        wanted = name.strip().casefold()
        local_plans = self.navigator.find(nav.LOCAL_PLANS)
        candidates = self.navigator.node(local_plans).children if local_plans.isValid() else []
        for node in candidates:
            if node.title.casefold() == wanted:
                return node.key
        for node in candidates:
            if node.title.casefold().startswith(wanted):
                return node.key
        return ""

    def _on_page(self, page: EditorPage, kind: str, action: Callable[[], object]) -> None:
        if self.stack.currentWidget() is not page:
            self.show_place(kind)
        action()

    def open_action_list(self, wanted: ActionFilter) -> None:
        """Show in Local plans the actions `wanted` lists (a number on the dashboard)."""
        place = (f"{nav.PARTNERSHIP}:{wanted.partnership_uid}" if wanted.partnership_uid
                 else nav.LOCAL_PLANS)
        if not self.show_place(place):
            self.show_place(nav.LOCAL_PLANS)
        panel = self.local_plans_page.actions_panel
        panel.finish_loading()
        panel.filter_bar.apply(wanted)
        panel.view.setFocus()

    def open_due_item(self, item: DueItem) -> None:
        """Show where a line of the dashboard's "What is due" is settled: a meeting on the
        Meetings page, a local plan's sign-off on its plan, the agreement's on its details."""
        if item.kind == "next-meeting":
            self.show_place(nav.MEETINGS)
            self.meetings_page.panel.select(item.uid)
        elif item.partnership and self.show_place(f"local-plan:{item.partnership}"):
            return
        else:
            self.show_place(nav.DETAILS)

    def print_due_list(self) -> None:
        """The due list in the print preview: my partnership's on a district copy."""
        from csa_desktop.ui.print_actions import open_preview

        mine = self.copy.identity.partnership_uids
        open_preview(self, "due-list", mine[0] if len(mine) == 1 else "")

    def open_indicators_off_target(self, partnership_uid: str | None) -> None:
        """Show the county's (None) or a partnership's indicators that are off target."""
        key = f"{nav.INDICATORS}:{partnership_uid}" if partnership_uid else nav.INDICATORS
        if self.show_place(key):
            self.indicators_page.off_target.setChecked(True)

    def find_action_text(self) -> None:
        node = self.current_node()
        if node is None or PAGE_FOR_KIND.get(node.kind) != "local_plans_page":
            self.show_place(nav.LOCAL_PLANS)
        self.local_plans_page.actions_panel.focus_filter()

    # --- after changes ----------------------------------------------------------------------

    def refresh(self, changes: Changes | None = None) -> None:
        """Show the copy as it now is. `changes` says what changed (None: anything may
        have, e.g. after an import by another part of the program)."""
        if changes is not None and changes.empty:
            return
        if changes is None or self._tree_changed(changes):
            self.reload_navigator()
        for page in list(self._built.values()):  # a page not built yet reads all when shown
            page.refresh(changes)

    @staticmethod
    def _tree_changed(changes: Changes) -> bool:
        for kind, _uid in (*changes.created, *changes.deleted):
            if kind in TREE_FIELDS:
                return True
        for kind, uid in changes.updated:
            if kind in TREE_FIELDS and TREE_FIELDS[kind] & set(changes.fields.get(uid, ())):
                return True
        return False

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _undo_failed(self, message: str) -> None:
        self.show_message(message, 15000)

    # --- menu actions -----------------------------------------------------------------------

    def show_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.copy.data_dir)))

    def about(self) -> None:
        identity = self.copy.identity
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Write, merge and print a county Community Safety Agreement and the local "
            "partnership plans that deliver it.</p>"
            f"<p><b>This copy:</b> {escape(identity.name)} ({identity.role.value})<br>"
            f"<b>Data folder:</b> {escape(str(self.copy.data_dir))}<br>"
            f"<b>Database:</b> {escape(str(self.copy.store.path))}</p>",
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._splitters_restored:  # first start: a navigator wide enough to read
            self._splitters_restored = True
            navigator = min(320, self.width() // 4)
            self.main_splitter.setSizes([navigator, self.width() - navigator])

    # --- closing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Save typing still waiting for a pause."""
        for page in list(self._built.values()):
            page.flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.settings.save_window(self)
        self.settings.save_splitters(self)
        node = self.current_node()
        if node is not None and node.kind != nav.ACTION:
            self.settings.last_place = node.key
        self.settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()

