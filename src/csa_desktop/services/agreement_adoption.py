"""Adopt an agreement written in Word: its outline (services/word_outline.py) becomes the
agreement's sections, a delivery framework table its rows. Planning writes nothing: it shows
which sections are new and which update a section of the same title, the kind each is offered
as (from its title: governance, priorities, delivery framework…, changeable), and what the file
holds that cannot come in. Adopting is one transaction after a restore point, so one undo takes
it back, and history says "imported from FILE" (services/adoption.write_adoption)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from csa_desktop.domain.attachments import (
    ImageFacts,
    attachment_uid,
    check_image,
    markdown_reference,
)
from csa_desktop.domain.kinds import KINDS, SECTION_KINDS, Value, check_value, new_uid
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import InputError, ScopeError, StoreError
from csa_desktop.services.adoption import keys_after, write_adoption
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import Cancelled, Progress, cancellable
from csa_desktop.services.refresh import the_agreement
from csa_desktop.services.word_outline import (
    Image,
    NotBrought,
    Outline,
    OutlineSection,
    Table,
    read_outline,
)
from csa_desktop.storage import attachments as attachment_store
from csa_desktop.storage import bulk
from csa_desktop.storage import records as record_store
from csa_desktop.storage.database import Session

AGREEMENT_DOCUMENT = "agreement-document"  # the bundle log's kind for an adopted Word file

# The agreement's known parts, by the words of a heading (the first that matches wins).
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("delivery-framework", ("delivery framework",)),
    ("appendix", ("appendix", "annex", "glossary")),
    ("legislation", ("legislation", "legislative", "statutory", "legal ", "the law")),
    ("governance", ("governance", "partnership structure", "structure", "accountab")),
    ("priorities", ("priorit", "key issue")),
    ("partnership-delivery", ("partnership delivery", "delivering", "delivery")),
    ("context", ("context", "introduction", "background", "foreword", "overview", "purpose",
                 "summary", "about this")),
)
KIND_LABELS = {
    "context": "Context", "legislation": "Legislation", "governance": "Governance",
    "priorities": "Priorities and key issues", "partnership-delivery": "Partnership delivery",
    "delivery-framework": "Delivery framework", "appendix": "Appendix", "other": "Other",
    "foreword": "Foreword", "glossary": "Glossary",
}

# A delivery framework table, by its headings: column → the words that name it.
_FRAMEWORK_COLUMNS: dict[str, tuple[str, ...]] = {
    "key_issue": ("key issue", "issue", "priority", "priorities"),
    "lead": ("lead",),
    "responsibility": ("responsib", "role"),
    "delivery_mechanism": ("mechanism", "how we", "how it", "delivered", "delivery"),
    "reports_to": ("reports to", "report", "accountable to"),
    "frequency": ("how often", "frequency"),
}


def guess_kind(title: str) -> str:
    """The known part of the agreement a heading names ("other" when none)."""
    text = f" {title.casefold()} "
    for kind, words in _KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return "other"


@dataclass(frozen=True)
class ProposedSection:
    index: int  # 1, 2, … in the document
    number: str
    title: str
    kind: str
    existing_uid: str | None  # a section of the same title, which this updates
    source: OutlineSection

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class ProposedFrameworkRow:
    key_issue: str
    key_issue_uid: str | None  # an existing key issue of that name (None: a new one)
    lead_name: str
    lead_partnership_uid: str | None
    responsibility: str | None
    delivery_mechanism: str
    reports_to: str
    frequency: str


@dataclass(frozen=True)
class ProposedImage:
    """An image of the file, checked, that becomes an attachment (one per distinct image)."""

    number: int  # in the file
    name: str
    alt_text: str
    sha256: str
    media_type: str
    size: int
    data: bytes

    @property
    def uid(self) -> str:
        return attachment_uid(self.sha256)


@dataclass(frozen=True)
class AgreementDocumentPlan:
    """What adopting the Word file would do; nothing is written to make it."""

    outline: Outline
    agreement_uid: str
    agreement_title: str
    sections: tuple[ProposedSection, ...]
    framework_table: Table | None  # the table that becomes framework rows (None: no such)
    framework_rows: tuple[ProposedFrameworkRow, ...]
    problems: tuple[str, ...]  # what stops the adoption (a title or text too long)
    not_brought: tuple[NotBrought, ...]
    images: tuple[ProposedImage, ...] = ()  # the file's images that become attachments

    @property
    def new_key_issues(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.key_issue for r in self.framework_rows
                                   if r.key_issue_uid is None))

    @property
    def created(self) -> int:
        return sum(1 for s in self.sections if s.existing_uid is None)

    @property
    def updated(self) -> int:
        return len(self.sections) - self.created


@dataclass(frozen=True)
class AgreementAdoptionResult:
    plan: AgreementDocumentPlan
    restore_point: str | None
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False

    def summary(self) -> str:
        p = self.plan
        verb = "would bring in" if self.dry_run else "brought in"
        lines = [f"{verb} {len(p.sections)} section(s) from {p.outline.file.name} into "
                 f"'{p.agreement_title}': {p.created} new, {p.updated} updating a section of "
                 "the same title"]
        for s in p.sections:
            state = "updates" if s.existing_uid else "new"
            lines.append(f"  {s.heading} — {KIND_LABELS[s.kind]} ({state})")
            lines.extend(f"      {'#' * level} {text}" for level, text in s.source.subheadings)
        if p.framework_rows:
            lines.append(f"delivery framework rows: {len(p.framework_rows)}"
                         + (f" (new key issues: {', '.join(p.new_key_issues)})"
                            if p.new_key_issues else ""))
        if p.images:
            lines.append(f"images: {len(p.images)} (as attachments, with their alternative "
                         "text)")
        if p.outline.bold_headings:
            lines.append("the file has no Heading 1 paragraphs: short bold paragraphs were "
                         "taken as section titles")
        if p.not_brought:
            lines.append(f"not brought in ({len(p.not_brought)}):")
            lines.extend(f"  {note}" for note in p.not_brought)
        if self.restore_point:
            lines.append(f"undo it with 'csa restore-points undo' (restore point "
                         f"{self.restore_point})")
        return "\n".join(lines)


class AgreementAdoption:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy

    def plan(self, path: Path, *, kinds: Mapping[int, str] | None = None,
             framework_rows: bool = True, outline: Outline | None = None) -> AgreementDocumentPlan:
        """What adopting the file would do. `kinds`: a section's kind by its index (1, 2, …),
        instead of the kind guessed from its title; `framework_rows`: whether a delivery
        framework table becomes the framework's rows (else it stays a table in the text)."""
        outline = outline or read_outline(path)
        for index, kind in (kinds or {}).items():
            if kind not in SECTION_KINDS:
                raise InputError(f"'{kind}' is not a kind of section (one of "
                                 f"{', '.join(SECTION_KINDS)})")
            if not 1 <= index <= len(outline.sections):
                raise InputError(f"there is no section {index} in {outline.file.name} "
                                 f"(it has {len(outline.sections)})")
        with self.copy.store.reader() as session:
            agreement = _agreement(session)
            existing = {s.title.casefold(): s for s in record_store.list_rows(
                session, "section", where={"agreement_uid": agreement.uid})}
            issues = {k.title.casefold(): k.uid for k in record_store.list_rows(
                session, "key-issue", where={"agreement_uid": agreement.uid})}
            partnerships = {p.title.casefold(): p.uid
                            for p in record_store.list_rows(session, "partnership")}
        sections = []
        problems: list[str] = []
        for index, source in enumerate(outline.sections, start=1):
            match = existing.get(source.title.casefold())
            kind = (kinds or {}).get(index) or (
                str(match.fields.get("kind")) if match is not None else guess_kind(source.title))
            sections.append(ProposedSection(index, source.number, source.title, kind,
                                            match.uid if match is not None else None, source))
            problems.extend(_too_long(source))
        table = _framework_table(outline) if framework_rows else None
        rows = _framework_rows(table, issues, partnerships) if table is not None else ()
        for row in rows:
            problems.extend(f"delivery framework row '{row.key_issue}': {p}"
                            for p in _row_problems(row))
        notes = list(outline.not_brought)
        images: list[ProposedImage] = []
        for image in outline.images:
            facts = _checked(image)
            if isinstance(facts, str):
                notes.append(NotBrought(image.where, f"{facts}: not brought in"))
                continue
            alt = image.alt_text
            if not alt:
                alt = f"Image {image.number} from {outline.file.name}"
                notes.append(NotBrought(image.where, f"image {image.number} has no alternative "
                                        f"text in the file: brought in as '{alt}'; describe "
                                        "it for readers who cannot see it"))
            images.append(ProposedImage(image.number, image.name, alt[:1000], facts.sha256,
                                        facts.media_type, facts.size, image.data))
        return AgreementDocumentPlan(outline, agreement.uid, agreement.title, tuple(sections),
                                     table, tuple(rows), tuple(problems), tuple(notes),
                                     tuple(images))

    def adopt(self, plan: AgreementDocumentPlan, *, dry_run: bool = False,
              progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> AgreementAdoptionResult:
        if plan.problems:
            raise InputError(f"{plan.outline.file.name}: nothing was brought in:\n"
                             + "\n".join(f"  {p}" for p in plan.problems))
        if self.copy.store.read_only:
            raise StoreError("this copy is open read-only: nothing was imported")
        if not self.copy.records.can_create("section", {"agreement_uid": plan.agreement_uid}):
            raise ScopeError(f"a {self.copy.identity.role.value} copy cannot change the "
                             "agreement's text: bring the Word file in on the lead's copy")
        if dry_run:
            return AgreementAdoptionResult(plan, None, dry_run=True)

        def write(session: Session, adoption_id: str) -> tuple[Changes, dict[str, Any]]:
            writer = _Writer(session, plan, adoption_id, self.copy.identity.name,
                             cancellable(progress, cancelled))
            return writer.run(), {"sections": len(plan.sections), "created": plan.created,
                                  "updated": plan.updated,
                                  "framework_rows": len(plan.framework_rows),
                                  "not_brought": [str(n) for n in plan.not_brought]}

        changes, point = write_adoption(self.copy, plan.outline.file, AGREEMENT_DOCUMENT, write)
        return AgreementAdoptionResult(plan, point, changes)


@lru_cache(maxsize=64)
def _checked(image: Image) -> ImageFacts | str:
    """An image's facts, or why it cannot come in: decoded once per image, however often the
    outline is planned again (each change of a kind in the dialog plans it again)."""
    try:
        return check_image(image.data, f"image {image.number} ({image.name})")
    except InputError as exc:
        return str(exc)


def _agreement(session: Session) -> Record:
    try:
        return the_agreement(session)
    except InputError:
        raise InputError("this copy has no agreement to bring the Word file into: start the "
                         "county's agreement first (Start a county in the welcome window, or "
                         "'csa add agreement title=… period_start=… period_end=… "
                         "status=draft')") from None


def _too_long(source: OutlineSection) -> list[str]:
    spec = KINDS["section"]
    problems = []
    for name, value in (("title", source.title), ("number", source.number),
                        ("body", source.markdown())):
        try:
            check_value(spec.field(name), value)
        except InputError as exc:
            hint = " (split it with Heading 1 headings in Word)" if name == "body" else ""
            title = source.title if len(source.title) <= 80 else source.title[:79] + "…"
            problems.append(f"section '{title}': {exc}{hint}")
    return problems


def _framework_table(outline: Outline) -> Table | None:
    """The first table whose headings name a key issue, a lead and how it delivers or whom
    it reports to."""
    for section in outline.sections:
        for table in section.tables:
            columns = _framework_columns(table.header)
            if {"key_issue", "lead"} <= columns.keys() and (
                    columns.keys() & {"delivery_mechanism", "reports_to"}):
                return table
    return None


def _framework_columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        text = f" {heading.casefold()} "
        for column, words in _FRAMEWORK_COLUMNS.items():
            if column not in found and any(word in text for word in words):
                found[column] = index
                break
    return found


def _framework_rows(table: Table, issues: Mapping[str, str],
                    partnerships: Mapping[str, str]) -> list[ProposedFrameworkRow]:
    columns = _framework_columns(table.header)

    def cell(row: Sequence[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    rows = []
    key_issue = ""
    for row in table.rows:
        key_issue = cell(row, "key_issue") or key_issue  # a merged cell names the one above
        lead = cell(row, "lead")
        if not key_issue or not (lead or cell(row, "delivery_mechanism")):
            continue
        role = cell(row, "responsibility").casefold()
        responsibility = ("lead" if "lead" in role else "strategic" if "strateg" in role
                          else None)
        rows.append(ProposedFrameworkRow(
            key_issue, issues.get(key_issue.casefold()), lead,
            partnerships.get(lead.casefold()), responsibility, cell(row, "delivery_mechanism"),
            cell(row, "reports_to"), cell(row, "frequency")))
    return rows


def _row_problems(row: ProposedFrameworkRow) -> list[str]:
    problems = []
    checks = ((KINDS["key-issue"], "name", row.key_issue),
              (KINDS["delivery-framework-row"], "lead_name", row.lead_name),
              (KINDS["delivery-framework-row"], "delivery_mechanism", row.delivery_mechanism),
              (KINDS["delivery-framework-row"], "reports_to", row.reports_to),
              (KINDS["delivery-framework-row"], "frequency", row.frequency))
    for spec, name, value in checks:
        try:
            check_value(spec.field(name), value)
        except InputError as exc:
            problems.append(str(exc))
    return problems


class _Writer:
    def __init__(self, session: Session, plan: AgreementDocumentPlan, adoption_id: str,
                 who: str, progress: Progress | None) -> None:
        self.session, self.plan, self.adoption_id, self.who = session, plan, adoption_id, who
        self.progress = progress
        self.created: list[tuple[str, str]] = []
        self.updated: list[tuple[str, str]] = []
        self.fields: dict[str, tuple[str, ...]] = {}

    def _create(self, kind: str, values: Mapping[str, Value], *, uid: str | None = None) -> str:
        uid = uid or new_uid()
        record_store.insert(self.session, kind, uid, bulk.full_values(kind, values), who=self.who,
                            bundle_id=self.adoption_id)
        self.created.append((kind, uid))
        self.fields[uid] = tuple(values)
        return uid

    def _update(self, kind: str, uid: str, values: Mapping[str, Value]) -> None:
        changed = record_store.update(self.session, kind, uid, values, who=self.who,
                                      bundle_id=self.adoption_id)
        if changed:
            self.updated.append((kind, uid))
            self.fields[uid] = changed

    def _attachments(self) -> dict[int, str]:
        """Each image as an attachment (the same image twice, or attached before, is one), and
        the Markdown that shows it, by its number in the file."""
        shown: dict[int, str] = {}
        blobs: dict[str, bytes] = {}
        for image in self.plan.images:
            uid = image.uid
            shown[image.number] = markdown_reference(uid, image.alt_text)
            if uid in self.fields:
                continue
            earlier = record_store.get(self.session, "attachment", uid)
            if earlier is None:
                self._create("attachment", {
                    "name": image.name, "media_type": image.media_type, "sha256": image.sha256,
                    "size": image.size, "alt_text": image.alt_text}, uid=uid)
                blobs[image.sha256] = image.data
            elif earlier.deleted:
                record_store.set_deleted(self.session, "attachment", uid, False, who=self.who,
                                         bundle_id=self.adoption_id)
                self.updated.append(("attachment", uid))
                self.fields[uid] = ("deleted",)
        attachment_store.put_blobs(self.session, blobs)
        return shown

    def run(self) -> Changes:
        plan = self.plan
        parent = ("agreement_uid", plan.agreement_uid)
        leave_out = [plan.framework_table] if plan.framework_table is not None else []
        fresh = [s for s in plan.sections if s.existing_uid is None]
        keys = iter(keys_after(self.session, "section", parent, len(fresh)))
        total = len(plan.sections) + len(plan.framework_rows)
        image_text = self._attachments()
        for done, section in enumerate(plan.sections):
            if self.progress:
                self.progress(done, total, "writing sections")
            body = section.source.markdown(image_text, leave_out=leave_out) or None
            if section.existing_uid is None:
                self._create("section", {"agreement_uid": plan.agreement_uid,
                                         "number": section.number or None,
                                         "title": section.title, "kind": section.kind,
                                         "body": body, "position": next(keys)})
            else:
                values: dict[str, Value] = {"body": body, "kind": section.kind}
                if section.number:
                    values["number"] = section.number
                self._update("section", section.existing_uid, values)
        new_issues = plan.new_key_issues
        issue_keys = iter(keys_after(self.session, "key-issue", parent, len(new_issues)))
        issue_uids = {name.casefold(): self._create("key-issue", {
            "agreement_uid": plan.agreement_uid, "name": name, "position": next(issue_keys)})
            for name in new_issues}
        for row in plan.framework_rows:
            self._create("delivery-framework-row", {
                "key_issue_uid": row.key_issue_uid or issue_uids[row.key_issue.casefold()],
                "lead_partnership_uid": row.lead_partnership_uid,
                "lead_name": row.lead_name or None, "responsibility": row.responsibility,
                "delivery_mechanism": row.delivery_mechanism or None,
                "reports_to": row.reports_to or None, "frequency": row.frequency or None})
        if self.progress:
            self.progress(total, total, "done")
        return Changes(created=tuple(self.created), updated=tuple(self.updated),
                       fields=self.fields)


__all__ = ["AGREEMENT_DOCUMENT", "AgreementAdoption", "AgreementAdoptionResult",
           "AgreementDocumentPlan", "ProposedFrameworkRow", "ProposedSection", "guess_kind"]
