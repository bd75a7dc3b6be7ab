"""Plain values the printed documents are made from: no database, no ReportLab.

Every text here is user text and is printed literally: the documents escape it before it
reaches ReportLab's paragraph markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from csa_desktop.domain.rich_text import GlossaryEntry, Signatory

_SAMPLE_MARK = re.compile(r"\[(?:illustrative|sample)\b[^\]]*\]", re.IGNORECASE)


def has_sample_marker(text: str) -> bool:
    """Whether text carries the demo's "[illustrative…]" or "[sample]" marker."""
    return bool(_SAMPLE_MARK.search(text))


RAG_MEANINGS = {"red": "off track", "amber": "at risk", "green": "on track",
                "not-rated": "no rating yet"}
"""What each RAG rating says, as every print and export writes it beside the word."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def long_date(day: dt.date | None) -> str:
    """4 July 2022 (English month names whatever the process locale)."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date | None) -> str:
    """4 Jul 2022."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


@dataclass(frozen=True)
class PrintMeta:
    """What every printed page says about itself."""

    title: str  # the document's title, also the PDF title
    subject: str  # the PDF subject
    author: str  # who printed it (the copy's display name), the PDF author
    version: str  # e.g. "2022/23 refresh"; shown in the footer
    printed_on: dt.date
    status: str  # the headline: "DRAFT", "APPROVED", "ADOPTED"…
    status_detail: str = ""  # e.g. "4 July 2022 · Lancashire Community Safety Partnership Board"
    sample: bool = False  # demo data: a visible "Sample data" marker on every page
    invariant: bool = False  # byte-identical output for the same content (tests)


@dataclass(frozen=True)
class PlanEntry:
    text: str
    note: str = ""  # a second, smaller line (e.g. the lead and the due date)
    rag: str = ""  # when set, a RAG badge (colour and word) leads the entry


@dataclass(frozen=True)
class PlanColumn:
    heading: str
    entries: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class PlanOnAPage:
    """One A4 landscape page: a title band, columns of short items, a footer."""

    meta: PrintMeta
    heading: str  # the big title in the band
    details: tuple[str, ...]  # short lines under it: period, refresh, footprint…
    columns: tuple[PlanColumn, ...]


@dataclass(frozen=True)
class DeliveryRow:
    key_issue: str
    lead: str
    responsibility: str  # "Lead", "Strategic" or ""
    mechanism: str  # long text: paragraphs and "- " bullets
    reports_to: str
    frequency: str
    themes: str = ""  # the key issue's cross-cutting themes, "; " between


@dataclass(frozen=True)
class KeyIssueText:
    name: str
    statement: str
    themes: tuple[str, ...] = ()  # cross-cutting themes it is tagged with, in the list's order


@dataclass(frozen=True)
class ApprovalLine:
    body: str
    decision: str
    decided_on: dt.date | None
    minute_ref: str


@dataclass(frozen=True)
class AgreementSection:
    number: str
    title: str
    body: str  # paragraphs separated by blank lines; lines starting "- " are bullets
    kind: str
    key_issues: tuple[KeyIssueText, ...] = ()  # printed under the priorities section
    delivery_rows: tuple[DeliveryRow, ...] = ()  # printed under the delivery framework section
    plan_columns: tuple[PlanColumn, ...] = ()  # printed under the plan on a page appendix
    signatories: tuple[Signatory, ...] = ()  # a foreword's, printed after its text
    glossary: tuple[GlossaryEntry, ...] = ()  # a glossary's terms, printed after its text


@dataclass(frozen=True)
class VersionLine:
    """One line of the version-control appendix: what changed at an annual refresh."""

    refresh: str
    area: str
    item: str
    change: str
    summary: str


CONSULTATION_INTRO = ("Who was consulted on this agreement, how and when, and what changed as a "
                      "result. Individual respondents are not named.")


@dataclass(frozen=True)
class ConsultationLine:
    """One consultation in the agreement's appendix: who (a person is printed as an
    individual, never by name), how and when, what changed, and what it touched."""

    consultee: str
    method: str
    when: str
    outcome: str
    touched: str


@dataclass(frozen=True)
class PrintImage:
    """An attachment a long text shows: its bytes (checked when attached) and alt text."""

    uid: str
    name: str
    alt_text: str
    data: bytes
    media_type: str = ""  # image/png or image/jpeg (read from the bytes when empty)


@dataclass(frozen=True)
class EvidenceLine:
    """One evidence item behind a key issue, as the evidence appendix prints it."""

    topic: str
    statement: str  # long text
    figure: str
    period: str
    source: str
    area: str  # the area's name, or "County-wide"
    assessment: str = ""  # the strategic assessment it comes from


@dataclass(frozen=True)
class EvidenceGroup:
    """A key issue and the evidence it rests on (its linked evidence items, in order)."""

    key_issue: str
    lines: tuple[EvidenceLine, ...]
    left_out: int = 0  # restricted items this edition leaves out


PUBLIC_EDITION = "public"
FULL_EDITION = "full"
EDITIONS = (PUBLIC_EDITION, FULL_EDITION)
"""The editions of the agreement: public (for publishing, the default) leaves restricted
sections, evidence and images out; full has them and is marked RESTRICTED_MARKING."""
RESTRICTED_MARKING = "OFFICIAL-SENSITIVE"


def _count_of(n: int, noun: str, plural: str) -> str:
    return f"{n} {noun if n == 1 else plural}"


@dataclass(frozen=True)
class Edition:
    """Which edition a print is and, for the public one, what it leaves out."""

    name: str = PUBLIC_EDITION
    sections: int = 0  # restricted sections left out
    evidence: int = 0  # restricted evidence items left out of the evidence appendix
    images: int = 0  # restricted images left out of the texts printed
    withheld_images: frozenset[str] = frozenset()  # their attachment uids

    @property
    def full(self) -> bool:
        return self.name == FULL_EDITION

    @property
    def marking(self) -> str:
        """The protective marking in every page's header and footer ("" for public)."""
        return RESTRICTED_MARKING if self.full else ""

    @property
    def left_out(self) -> int:
        return self.sections + self.evidence + self.images

    def note(self) -> str:
        """What the contents says about the edition ("" for a public edition that leaves
        nothing out)."""
        if self.full:
            return (f"This full edition includes restricted content and is marked "
                    f"{RESTRICTED_MARKING} on every page: it is not for publication. The "
                    "public edition leaves the restricted content out.")
        parts = [_count_of(n, f"restricted {noun}", f"restricted {plural}")
                 for n, noun, plural in ((self.sections, "section", "sections"),
                                         (self.evidence, "evidence item", "evidence items"),
                                         (self.images, "image", "images")) if n]
        if not parts:
            return ""
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return (f"This public edition leaves out {listed}; the full edition "
                f"({RESTRICTED_MARKING}) includes them.")


@dataclass(frozen=True)
class AgreementDocument:
    meta: PrintMeta
    cover_lines: tuple[tuple[str, str], ...]  # (label, value) under the title on the cover
    sections: tuple[AgreementSection, ...]
    approvals: tuple[ApprovalLine, ...]
    version_lines: tuple[VersionLine, ...] = ()  # the version-control appendix
    version_note: str = ""  # printed in the appendix when there are no lines
    consultations: tuple[ConsultationLine, ...] = ()  # the consultation appendix
    images: Mapping[str, PrintImage] = field(default_factory=dict)  # by attachment uid
    edition: Edition = field(default_factory=Edition)
    evidence: tuple[EvidenceGroup, ...] = ()  # the evidence appendix, by key issue
    assessment: str = ""  # the strategic assessment the agreement rests on


EVIDENCE_APPENDIX = "Appendix: the evidence behind the key issues"


def evidence_intro(document: AgreementDocument) -> str:
    """The appendix's first paragraph: what it shows and what it rests on."""
    based = (f" It rests on the strategic assessment: {document.assessment}."
             if document.assessment else "")
    left_out = (" Restricted evidence is left out of this public edition."
                if document.edition.evidence else "")
    return ("The evidence linked to each key issue: what it says, its figure and period, the "
            f"area it describes and its source.{based}{left_out}")


@dataclass(frozen=True)
class ProgressLine:
    period: str
    reported_on: dt.date | None
    rag: str  # one of domain.kinds.RAGS
    narrative: str
    author: str


@dataclass(frozen=True)
class ActionLine:
    title: str
    lead: str  # post and organisation, e.g. "Community Safety Manager, West Lancashire BC"
    partners: str
    measure: str
    start_on: dt.date | None
    due_on: dt.date | None
    status: str  # one of domain.kinds.ACTION_STATUSES
    rag: str  # one of domain.kinds.RAGS
    latest: ProgressLine | None = None
    overdue: bool = False  # past its due date on the print date, and not closed


@dataclass(frozen=True)
class PriorityGroup:
    title: str
    key_issue: str  # the county key issue it adopts, or ""
    description: str
    actions: tuple[ActionLine, ...] = field(default=())


@dataclass(frozen=True)
class LocalPlanDocument:
    """The local partnership plan / action tracker of one partnership."""

    meta: PrintMeta
    partnership: str
    plan_title: str
    period: str
    plan_status: str
    priorities: tuple[PriorityGroup, ...]  # "Other actions" last, for actions without one
    approvals: str = ""  # the plan's approvals so far along its chain, one line
    chain: str = ""  # the plan's approval chain: "Approved by the partnership → Sent to the PCC"
