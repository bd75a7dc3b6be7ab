"""The consultation record: who was consulted on the agreement, how and when, what they said
and what changed; read for the GUI's page, the agreement's appendix and the committee report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.domain.kinds import choice_label
from csa_desktop.domain.records import Record
from csa_desktop.printing.model import ConsultationLine, long_date
from csa_desktop.services.copy import Copy

INDIVIDUAL = "Individual respondent"
"""How a consultee who is a person is printed: the public appendix names bodies and groups,
never private people (their name stays in the copy)."""


@dataclass(frozen=True)
class ConsultationSummary:
    uid: str
    consultee: str
    consultee_kind: str  # person, body or group
    method: str
    opened: dt.date | None
    closed: dt.date | None
    summary: str
    outcome: str
    touched: str  # the sections and key issues it touched, by title
    editable: bool

    @property
    def when(self) -> str:
        return when_text(self.opened, self.closed)


def when_text(opened: dt.date | None, closed: dt.date | None) -> str:
    """'3 March 2025 to 28 March 2025', 'from 3 March 2025', 'until …' or ''."""
    if opened and closed:
        return f"{long_date(opened)} to {long_date(closed)}"
    if opened:
        return f"from {long_date(opened)}"
    if closed:
        return f"until {long_date(closed)}"
    return ""


def consultation_rows(copy: Copy, *, public: bool = False) -> list[ConsultationSummary]:
    """The agreement's consultations, earliest first (undated last), then by consultee;
    `public`: the sections they touched leave out the restricted ones (not in a public
    paper)."""
    found = copy.records.list_kind("consultation")
    sections = copy.records.titles("section", _uids(found, "section_uids"))
    if public:
        hidden = {r.uid for r in copy.records.list_kind("section")
                  if r.fields.get("restricted") is True}
        sections = {uid: title for uid, title in sections.items() if uid not in hidden}
    issues = copy.records.titles("key-issue", _uids(found, "key_issue_uids"))
    rows = [
        ConsultationSummary(
            c.uid, c.title, _text(c.fields.get("consultee_kind")), _text(c.fields.get("method")),
            _date(c.fields.get("opened")), _date(c.fields.get("closed")),
            _text(c.fields.get("summary")), _text(c.fields.get("outcome")),
            _touched(c, sections, issues), copy.records.can_change(c))
        for c in found
    ]
    return sorted(rows, key=lambda r: (r.opened is None, r.opened or dt.date.min,
                                       r.consultee.casefold()))


def consultation_lines(copy: Copy, *, public: bool = True) -> tuple[ConsultationLine, ...]:
    """The consultations as the agreement's appendix prints them (`public`: the public
    edition, which names no restricted section)."""
    return tuple(
        ConsultationLine(printed_consultee(r), r.method, r.when, r.outcome, r.touched)
        for r in consultation_rows(copy, public=public))


def printed_consultee(row: ConsultationSummary) -> str:
    if row.consultee_kind == "person":
        return INDIVIDUAL
    kind = choice_label(row.consultee_kind)
    return f"{row.consultee} ({kind.lower()})" if kind else row.consultee


def _touched(record: Record, sections: dict[str, str], issues: dict[str, str]) -> str:
    names = [sections.get(u, "") for u in _list(record.fields.get("section_uids"))]
    names += [issues.get(u, "") for u in _list(record.fields.get("key_issue_uids"))]
    return "; ".join(n for n in names if n)


def _uids(found: list[Record], name: str) -> list[str]:
    return [u for r in found for u in _list(r.fields.get(name))]


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None
