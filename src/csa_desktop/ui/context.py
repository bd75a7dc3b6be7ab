"""What every editor page is given: the open copy, the session's edits, the status line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from csa_desktop.services.copy import Copy
from csa_desktop.services.records import RecordService
from csa_desktop.ui.commands import EditHistory


@dataclass(frozen=True)
class EditorContext:
    copy: Copy
    edits: EditHistory
    show_message: Callable[[str], None]  # one line in the status bar

    @property
    def records(self) -> RecordService:
        return self.copy.records

    def scope_reason(self, kind_name: str | None = None) -> str:
        """Why records of a kind are read-only here, in words a district officer understands."""
        if self.copy.store.read_only_reason:  # a read-only folder, a full disk
            return f"{self.copy.store.read_only_reason}."
        identity = self.copy.identity
        if kind_name in ("agreement", "approval", "partnership", "area", "organisation"):
            return "outside your scope: only the county lead's master copy changes this."
        if kind_name in ("section", "key-issue", "plan-item", "delivery-framework-row",
                         "consultation", "theme"):
            return ("outside your scope: the county agreement's text is changed by the "
                    "editorial group and the county lead.")
        titles = self.records.titles("partnership", identity.partnership_uids)
        mine = " and ".join(titles.get(uid, uid) for uid in identity.partnership_uids)
        if mine:
            return f"outside your scope: this {identity.role.value} copy changes only {mine}."
        return "outside your scope."
