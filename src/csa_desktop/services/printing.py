"""Print the plan on a page, the agreement and the local plans: gather the records of a copy into
the plain values of csa_desktop.printing.model, render them to PDF bytes, write them to a file
(services.documents names every printable document).

ReportLab is imported only inside the render functions, so opening the app never pays for it.

Sample data rule: a print is marked "Sample data" when any text of the records it is made from
(the agreement and everything under it; for a local plan, the plan, its priorities, actions and
progress updates) carries the demo's "[illustrative…]" or "[sample]" marker. The demo marks its
invented content that way (DEMO-FACTS.md), and a real copy whose text still holds such a marker
is still partly sample text, so the rule stays honest after edits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from csa_desktop.domain.kinds import PLAN_COLUMN_LABELS, PLAN_COLUMNS, RAGS
from csa_desktop.domain.records import Record
from csa_desktop.domain.rich_text import split_glossary, split_signatories
from csa_desktop.errors import InputError
from csa_desktop.files import write_atomically
from csa_desktop.printing.model import (
    EDITIONS,
    FULL_EDITION,
    PUBLIC_EDITION,
    RESTRICTED_MARKING,
    ActionLine,
    AgreementDocument,
    AgreementSection,
    ApprovalLine,
    DeliveryRow,
    Edition,
    EvidenceGroup,
    EvidenceLine,
    KeyIssueText,
    LocalPlanDocument,
    PlanColumn,
    PlanEntry,
    PlanOnAPage,
    PrintImage,
    PrintMeta,
    PriorityGroup,
    ProgressLine,
    VersionLine,
    has_sample_marker,
    long_date,
    short_date,
)
from csa_desktop.services.approvals import Workflow, workflow, workflow_of
from csa_desktop.services.copy import Copy
from csa_desktop.storage import records as record_store

ACTION_STATUS_LABELS = {
    "not-started": "Not started", "in-progress": "In progress", "completed": "Completed",
    "on-hold": "On hold", "cancelled": "Cancelled",
}
_CLOSED = ("completed", "cancelled")
_HEADLINES = {
    "approved-by-board": "APPROVED",
    "noted-by-cabinet": "NOTED BY CABINET",
    "approved-by-council": "APPROVED BY COUNCIL",
    "sent-to-pcc": "APPROVED",
}


@dataclass(frozen=True)
class PartnershipChoice:
    uid: str
    name: str
    has_plan: bool


# --- public API: one function per document ---------------------------------------------------


def plan_on_a_page_pdf(copy: Copy, *, partnership: str | None = None,
                       printed_on: dt.date | None = None, invariant: bool = False) -> bytes:
    """The county plan on a page, or with `partnership` that partnership's local plan on a
    page. Raises PrintFitError naming the column that is too long."""
    from csa_desktop.printing.plan_on_a_page import render_plan_on_a_page

    if partnership:
        return render_plan_on_a_page(local_plan_on_a_page_data(
            copy, partnership, printed_on=printed_on, invariant=invariant))
    return render_plan_on_a_page(plan_on_a_page_data(copy, printed_on=printed_on,
                                                     invariant=invariant))


def plan_fill(copy: Copy) -> dict[str, float]:
    """How full each column of the county plan on a page is at the smallest readable text
    size, by column name (1.0 is full; above it the page cannot be printed)."""
    from csa_desktop.printing.plan_on_a_page import column_fill

    plan = plan_on_a_page_data(copy)
    return dict(zip(PLAN_COLUMNS, column_fill(plan), strict=False))


def check_edition(edition: str) -> str:
    """The edition asked for, or why there is no such edition."""
    if edition not in EDITIONS:
        raise InputError(f"there is no '{edition}' edition of the agreement (editions: "
                         f"{', '.join(EDITIONS)}; public, the default, leaves restricted "
                         f"content out, full marks every page {RESTRICTED_MARKING})")
    return edition


def agreement_pdf(copy: Copy, *, printed_on: dt.date | None = None,
                  invariant: bool = False, edition: str = PUBLIC_EDITION) -> bytes:
    """The detailed agreement: cover, contents, sections in order, approvals; the public
    edition without restricted content, the full one marked on every page."""
    from csa_desktop.printing.agreement import render_agreement

    return render_agreement(agreement_data(copy, printed_on=printed_on, invariant=invariant,
                                           edition=edition))


def local_plan_pdf(copy: Copy, partnership: str | None = None, *,
                   printed_on: dt.date | None = None, invariant: bool = False) -> bytes:
    """A partnership's local plan / action tracker (the copy's own partnership by default)."""
    from csa_desktop.printing.local_plan import render_local_plan

    return render_local_plan(local_plan_data(copy, partnership, printed_on=printed_on,
                                             invariant=invariant))


def write_pdf(data: bytes, path: Path) -> Path:
    """Write PDF bytes atomically: the file is complete or untouched."""
    return write_atomically(data, path)


def partnership_choices(copy: Copy) -> list[PartnershipChoice]:
    """Partnerships in order, saying which have a local plan to print."""
    with_plans = {p["partnership_uid"] for p in copy.records.list_kind("local-plan")}
    return [PartnershipChoice(p.uid, p.title, p.uid in with_plans)
            for p in copy.records.list_kind("partnership")]


# --- building the documents -------------------------------------------------------------------


def plan_on_a_page_data(copy: Copy, *, printed_on: dt.date | None = None,
                        invariant: bool = False) -> PlanOnAPage:
    # One read session for the agreement, its plan items and the approvals workflow (a dozen
    # separate reads were a quarter of the time of printing the page).
    with copy.store.reader() as session:
        agreements = record_store.list_rows(session, "agreement")
        agreement = _latest_agreement(agreements)
        if agreement is None:
            raise InputError(NO_AGREEMENT)
        read = {kind: record_store.list_rows(session, kind,
                                             where={"agreement_uid": agreement.uid})
                for kind in ("plan-item", "approval")}
        approvals = read["approval"] if agreements[0] is agreement else \
            record_store.list_rows(session, "approval",
                                   where={"agreement_uid": agreements[0].uid})
        steps = record_store.list_rows(session, "approval-step", where={"plan_uid": None})
        headline, detail = _status_line(workflow_of(agreements[0], approvals, steps))
    items = read["plan-item"]
    columns = tuple(
        PlanColumn(PLAN_COLUMN_LABELS[name],
                   tuple(PlanEntry(_text(i["text"])) for i in items if i["column"] == name))
        for name in PLAN_COLUMNS
    )
    meta = PrintMeta(
        title=f"{agreement.title} — plan on a page",
        subject="Plan on a page: evidence, key issues, our approach and our activity",
        author=copy.identity.name, version=_version(agreement),
        printed_on=printed_on or dt.date.today(), status=headline, status_detail=detail,
        sample=_agreement_is_sample(copy, agreement, read), invariant=invariant,
    )
    details = ("Plan on a page", agreement_period(agreement),
               _version(agreement), _text(agreement["footprint"]))
    return PlanOnAPage(meta, agreement.title, tuple(d for d in details if d), columns)


def local_plan_on_a_page_data(copy: Copy, partnership: str, *,
                              printed_on: dt.date | None = None,
                              invariant: bool = False) -> PlanOnAPage:
    document = local_plan_data(copy, partnership, printed_on=printed_on, invariant=invariant)
    today = document.meta.printed_on
    priorities = tuple(
        PlanEntry(group.title, note=_priority_note(group))
        for group in document.priorities if group.title != OTHER_ACTIONS or group.actions
    )
    actions = tuple(
        PlanEntry(action.title, rag=action.rag, note=" · ".join(part for part in (
            action.lead, f"due {short_date(action.due_on)}" if action.due_on else "",
            ACTION_STATUS_LABELS.get(action.status, action.status).lower()) if part))
        for group in document.priorities for action in group.actions
    )
    every = [a for g in document.priorities for a in g.actions]
    glance: list[PlanEntry] = []
    for rag in RAGS:
        count = sum(1 for a in every if a.rag == rag)
        if count:
            glance.append(PlanEntry(_count(count, "action"), rag=rag))
    for status, label in ACTION_STATUS_LABELS.items():
        count = sum(1 for a in every if a.status == status)
        if count:
            glance.append(PlanEntry(f"{label}: {count}"))
    overdue = [a for a in every
               if a.due_on and a.due_on < today and a.status not in _CLOSED]
    if overdue:
        glance.append(PlanEntry(f"Past due date and not completed: {len(overdue)}",
                                note="; ".join(a.title for a in overdue)))
    updates = [a.latest for a in every if a.latest and a.latest.reported_on]
    if updates:
        latest = max(u.reported_on for u in updates if u.reported_on)
        glance.append(PlanEntry(f"Latest progress update: {long_date(latest)}"))
    meta = document.meta
    meta = PrintMeta(
        title=f"{document.plan_title} — plan on a page",
        subject=f"{document.partnership}: local plan on a page", author=meta.author,
        version=meta.version, printed_on=meta.printed_on, status=meta.status,
        status_detail="Local partnership plan on a page", sample=meta.sample,
        invariant=meta.invariant,
    )
    agreement = _agreement_or_none(copy)
    details = (document.partnership, document.period,
               f"Delivers the {agreement.title}" if agreement else "")
    return PlanOnAPage(meta, document.plan_title, tuple(d for d in details if d), (
        PlanColumn("Our priorities", priorities),
        PlanColumn("Our actions", actions),
        PlanColumn("At a glance", tuple(glance)),
    ))


OTHER_ACTIONS = "Other actions"


def agreement_data(copy: Copy, *, printed_on: dt.date | None = None,
                   invariant: bool = False, edition: str = PUBLIC_EDITION) -> AgreementDocument:
    """The agreement as printed: the public edition (the default) leaves restricted sections,
    evidence items and images out, and counts them for its contents; the full one has them."""
    full = check_edition(edition) == FULL_EDITION
    agreement = _agreement(copy)
    key_issues = _children(copy, "key-issue", "agreement_uid", agreement.uid)
    themes = theme_names(copy)
    issue_texts = tuple(KeyIssueText(k.title, _text(k["statement"]),
                                     tagged(themes, k.fields.get("theme_uids")))
                        for k in key_issues)
    rows = _delivery_rows(copy, key_issues, themes)
    items = _children(copy, "plan-item", "agreement_uid", agreement.uid)
    plan_columns = tuple(
        PlanColumn(PLAN_COLUMN_LABELS[name],
                   tuple(PlanEntry(_text(i["text"])) for i in items if i["column"] == name))
        for name in PLAN_COLUMNS
    )
    sections: list[AgreementSection] = []
    placed = {"issues": False, "rows": False, "plan": False}
    restricted_sections = 0
    for s in _children(copy, "section", "agreement_uid", agreement.uid):
        if s.fields.get("restricted") is True and not full:
            restricted_sections += 1
            continue
        kind = _text(s["kind"])
        extra: dict[str, object] = {}
        if kind == "priorities" and not placed["issues"]:
            extra["key_issues"], placed["issues"] = issue_texts, True
        if kind == "delivery-framework" and not placed["rows"]:
            extra["delivery_rows"], placed["rows"] = rows, True
        if "plan on a page" in s.title.casefold() and not placed["plan"]:
            extra["plan_columns"], placed["plan"] = plan_columns, True
        body = _text(s["body"])
        if kind == "foreword":
            body, extra["signatories"] = split_signatories(body)
        elif kind == "glossary":
            body, extra["glossary"] = split_glossary(body)
        sections.append(AgreementSection(_text(s["number"]), s.title, body, kind,
                                         **extra))  # type: ignore[arg-type]
    # Nothing is left out because a section is missing: add the parts at the end.
    if issue_texts and not placed["issues"]:
        sections.append(AgreementSection("", "Key issues", "", "priorities",
                                         key_issues=issue_texts))
    if rows and not placed["rows"]:
        sections.append(AgreementSection("", "Delivery framework", "", "delivery-framework",
                                         delivery_rows=rows))
    approvals = tuple(
        ApprovalLine(a.title, _text(a["decision"]), _date(a["decided_on"]),
                     _text(a["minute_ref"]))
        for a in _children(copy, "approval", "agreement_uid", agreement.uid)
        if a.fields.get("refresh_label") in (None, agreement["refresh_label"])  # this refresh's
    )
    headline, detail = agreement_status(copy)
    evidence = evidence_appendix(copy, key_issues, full=full)
    cover = (
        ("Period", agreement_period(agreement)),
        ("Refresh", _text(agreement["refresh_label"])),
        ("Footprint", _text(agreement["footprint"])),
        ("Prepared by", _text(agreement["strategy_group"])),
        ("Based on", _text(agreement["strategic_assessment"])),
        ("Status", f"{headline.capitalize()}{' — ' + detail if detail else ''}"),
        ("Sent to the Police and Crime Commissioner",
         long_date(_date(agreement["sent_to_pcc_on"]))),
        ("Approval chain", " → ".join(s.label for s in workflow(copy).chain)),
    )
    meta = PrintMeta(
        title=agreement.title,
        subject="Community Safety Agreement (Crime and Disorder Act 1998): the detailed "
                "agreement",
        author=copy.identity.name, version=_version(agreement),
        printed_on=printed_on or dt.date.today(), status=headline, status_detail=detail,
        sample=_agreement_is_sample(copy, agreement, {"plan-item": items})
        or _evidence_is_sample(evidence),  # the evidence appendix prints their text too
        invariant=invariant,
    )
    from csa_desktop.services.refresh import version_appendix

    appendix = version_appendix(copy, public=not full)
    lines = tuple(VersionLine(r.refresh, r.area, r.item, r.change, r.summary)
                  for r in appendix.rows)
    from csa_desktop.services.consultations import consultation_lines

    images, withheld = _images(copy, sections, full=full)
    shown = Edition(edition, sections=restricted_sections,
                    evidence=sum(g.left_out for g in evidence), images=len(withheld),
                    withheld_images=frozenset(withheld))
    return AgreementDocument(meta, tuple((k, v) for k, v in cover if v), tuple(sections),
                             approvals, lines, appendix.note, images=images, edition=shown,
                             evidence=evidence,
                             assessment=_text(agreement["strategic_assessment"]),
                             consultations=consultation_lines(copy, public=not full))


def _evidence_is_sample(groups: Sequence[EvidenceGroup]) -> bool:
    return any(has_sample_marker(text) for group in groups for line in group.lines
               for text in (line.topic, line.statement, line.figure, line.period, line.source))


def evidence_appendix(copy: Copy, key_issues: Sequence[Record], *, full: bool = True
                      ) -> tuple[EvidenceGroup, ...]:
    """Each key issue with the evidence items it links to, in its order (restricted ones left
    out unless `full`, and counted); none when no key issue links to any evidence."""
    if not any(k["evidence_uids"] for k in key_issues):
        return ()
    with copy.store.reader() as session:
        items = {r.uid: r for r in record_store.list_rows(session, "evidence-item")}
        areas = {r.uid: r.title for r in record_store.list_rows(session, "area")}
    groups: list[EvidenceGroup] = []
    for issue in key_issues:
        uids = issue["evidence_uids"]
        linked = [items[u] for u in (uids if isinstance(uids, list) else []) if u in items]
        kept = [e for e in linked if full or e.fields.get("restricted") is not True]
        groups.append(EvidenceGroup(issue.title, tuple(
            EvidenceLine(e.title, _text(e["statement"]), _text(e["figure"]),
                         _text(e["period"]), _text(e["source"]),
                         areas.get(str(e["area_uid"]), "") if e["area_uid"] else "County-wide",
                         _text(e["assessment"]))
            for e in kept), left_out=len(linked) - len(kept)))
    return tuple(groups)


def _images(copy: Copy, sections: Sequence[AgreementSection], *, full: bool = True
            ) -> tuple[dict[str, PrintImage], set[str]]:
    """The attachments the agreement's texts show, by uid (those the copy holds), and the
    restricted ones a public edition (`full` False) leaves out instead."""
    from csa_desktop.domain.rich_text import image_uids, parse
    from csa_desktop.services.attachments import attachment_images

    texts = [t for s in sections for t in (s.body, *(k.statement for k in s.key_issues),
                                           *(r.mechanism for r in s.delivery_rows))]
    uids = {uid for text in texts if "attachment:" in text for uid in image_uids(parse(text))}
    if not uids:
        return {}, set()
    found = attachment_images(copy, uids)
    withheld = {uid for uid, i in found.items() if i.restricted and not full}
    return {uid: PrintImage(i.uid, i.name, i.alt_text, i.data, i.media_type)
            for uid, i in found.items() if uid not in withheld}, withheld


def local_plan_data(copy: Copy, partnership: str | None = None, *,
                    printed_on: dt.date | None = None,
                    invariant: bool = False) -> LocalPlanDocument:
    partner = partnership_named(copy, partnership)
    plan = _local_plan(copy, partner)
    day = printed_on or dt.date.today()
    priorities = _children(copy, "local-priority", "plan_uid", plan.uid)
    actions = [a for a in _children(copy, "action", "plan_uid", plan.uid)
               if not a.fields.get("archived_in")]  # archived in an earlier refresh
    action_uids = {a.uid for a in actions}
    updates: dict[str, list[Record]] = {}
    for update in copy.records.list_kind("progress-update"):
        if update["action_uid"] in action_uids:
            updates.setdefault(_text(update["action_uid"]), []).append(update)
    organisations = copy.records.titles(
        "organisation", [u for a in actions if isinstance(u := a["lead_organisation_uid"], str)])
    issue_names = copy.records.titles(
        "key-issue", [u for p in priorities if isinstance(u := p["key_issue_uid"], str)])

    def line(action: Record) -> ActionLine:
        latest = max(updates.get(action.uid, []), default=None,
                     key=lambda u: (_date(u["reported_on"]) or dt.date.min, u.updated_at))
        organisation = organisations.get(_text(action["lead_organisation_uid"]), "")
        return ActionLine(
            title=action.title,
            lead=", ".join(p for p in (_text(action["lead_role"]), organisation) if p),
            partners=_text(action["partners"]), measure=_text(action["measure"]),
            start_on=_date(action["start_on"]), due_on=_date(action["due_on"]),
            status=_text(action["status"]), rag=_text(action["rag"]) or "not-rated",
            latest=None if latest is None else ProgressLine(
                _text(latest["period"]), _date(latest["reported_on"]),
                _text(latest["rag"]) or "not-rated", _text(latest["narrative"]),
                _text(latest["author"])),
            overdue=_overdue(_date(action["due_on"]), _text(action["status"]), day),
        )

    known = {p.uid for p in priorities}
    groups = [PriorityGroup(
        p.title, issue_names.get(_text(p["key_issue_uid"]), ""), _text(p["description"]),
        tuple(line(a) for a in actions if a["priority_uid"] == p.uid),
    ) for p in priorities]
    loose = tuple(line(a) for a in actions if a["priority_uid"] not in known)
    if loose:
        groups.append(PriorityGroup(OTHER_ACTIONS, "", "Actions not linked to a priority.",
                                    loose))
    status = _text(plan["status"]) or "draft"
    trail: list[Record] = [plan, *priorities, *actions,
                           *(u for us in updates.values() for u in us)]
    meta = PrintMeta(
        title=plan.title,
        subject=f"{partner.title}: local partnership plan and action tracker",
        author=copy.identity.name,
        version=_period(plan["period_start"], plan["period_end"]) or "undated",
        printed_on=printed_on or dt.date.today(), status=status.upper(),
        status_detail="Local partnership plan / action tracker",
        sample=_is_sample(trail), invariant=invariant,
    )
    from csa_desktop.services.plan_approvals import plan_workflow_of

    plan_flow = plan_workflow_of(plan, partner.title,
                                 _children(copy, "approval-step", "plan_uid", plan.uid),
                                 _children(copy, "plan-approval", "plan_uid", plan.uid))
    return LocalPlanDocument(meta, partner.title, plan.title,
                             _period(plan["period_start"], plan["period_end"]),
                             status.capitalize(), tuple(groups), plan_flow.print_status,
                             " → ".join(s.label for s in plan_flow.stages))


def agreement_status(copy: Copy) -> tuple[str, str]:
    """The status for title bands: ("DRAFT", why), or the stage reached with every decision
    behind it. The line is the approvals workflow's own, so PDFs, Word and the GUI agree."""
    return _status_line(workflow(copy))


def _status_line(flow: Workflow) -> tuple[str, str]:
    if flow.status == "draft":
        return "DRAFT", "not yet approved"
    if flow.draft:
        return "DRAFT", "in editorial review"
    step = flow.current_stage
    headline = _HEADLINES.get(flow.status) or ("APPROVED" if step.sends_to_pcc else
                                              step.label.upper())
    return headline, flow.print_status


# --- helpers -----------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


ROLLING = "rolling, refreshed annually"


def agreement_period(agreement: Record) -> str:
    """The agreement's period as prints say it: '1 April 2022 to 31 March 2025', or for a
    rolling agreement 'From 1 April 2022, rolling, refreshed annually'."""
    if agreement.fields.get("rolling") is True:
        start = _date(agreement["period_start"])
        return f"From {long_date(start)}, {ROLLING}" if start else ROLLING.capitalize()
    return _period(agreement["period_start"], agreement["period_end"])


def _period(start: object, end: object) -> str:
    first, last = _date(start), _date(end)
    if first and last:
        return f"{long_date(first)} to {long_date(last)}"
    return long_date(first or last)


def _version(agreement: Record) -> str:
    label = _text(agreement["refresh_label"])
    return f"{label} refresh" if label else f"revision {agreement.rev}"


def _priority_note(group: PriorityGroup) -> str:
    if group.title == OTHER_ACTIONS:
        return ""
    if not group.key_issue:
        return "Local priority"
    if group.key_issue.casefold() == group.title.casefold():
        return "County key issue"
    return f"County key issue: {group.key_issue}"


def _children(copy: Copy, kind: str, parent_field: str, parent_uid: str) -> list[Record]:
    return copy.records.list_kind(kind, where={parent_field: parent_uid})


NO_AGREEMENT = "this copy has no agreement yet: there is nothing to print"


def _latest_agreement(agreements: Sequence[Record]) -> Record | None:
    if not agreements:
        return None
    return max(agreements, key=lambda a: (_date(a["period_start"]) or dt.date.min, a.uid))


def _agreement_or_none(copy: Copy) -> Record | None:
    return _latest_agreement(copy.records.list_kind("agreement"))


def _agreement(copy: Copy) -> Record:
    agreement = _agreement_or_none(copy)
    if agreement is None:
        raise InputError(NO_AGREEMENT)
    return agreement


def _agreement_is_sample(copy: Copy, agreement: Record,
                         read: Mapping[str, Sequence[Record]]) -> bool:
    """Whether the agreement or anything under it (approvals, sections, plan items, key issues
    and their delivery framework rows) carries a sample marker. `read`: the kinds already read
    (all of the agreement's records of that kind); the others are read in one session, only
    while no marker is found."""
    if _is_sample([agreement, *(r for records in read.values() for r in records)]):
        return True
    with copy.store.reader() as session:
        issues: set[str] = set()
        for kind in ("approval", "section", "key-issue", "plan-item"):
            found = read[kind] if kind in read else record_store.list_rows(
                session, kind, where={"agreement_uid": agreement.uid})
            if kind not in read and _is_sample(found):
                return True
            issues.update(r.uid for r in found if kind == "key-issue")
        return _is_sample(r for r in record_store.list_rows(session, "delivery-framework-row")
                          if r["key_issue_uid"] in issues)


def theme_names(copy: Copy) -> dict[str, str]:
    """The county's themes, uid → name, in the list's order."""
    return {t.uid: t.title for t in copy.records.list_kind("theme")}


def tagged(themes: Mapping[str, str], uids: object) -> tuple[str, ...]:
    """The names of the themes a record is tagged with, in the list's order (a theme since
    deleted is left out)."""
    chosen = set(uids) if isinstance(uids, list) else set()
    return tuple(name for uid, name in themes.items() if uid in chosen)


def _delivery_rows(copy: Copy, key_issues: Sequence[Record],
                   themes: Mapping[str, str]) -> tuple[DeliveryRow, ...]:
    by_issue: dict[str, list[Record]] = {}
    for row in copy.records.list_kind("delivery-framework-row"):
        by_issue.setdefault(_text(row["key_issue_uid"]), []).append(row)
    partnerships = copy.records.titles(
        "partnership", [u for rows in by_issue.values() for r in rows
                        if isinstance(u := r["lead_partnership_uid"], str)])
    out: list[DeliveryRow] = []
    for issue in key_issues:
        for row in by_issue.get(issue.uid, []):
            lead = _text(row["lead_name"]) or partnerships.get(
                _text(row["lead_partnership_uid"]), "")
            out.append(DeliveryRow(issue.title, lead,
                                   _text(row["responsibility"]).capitalize(),
                                   _text(row["delivery_mechanism"]), _text(row["reports_to"]),
                                   _text(row["frequency"]),
                                   "; ".join(tagged(themes, issue.fields.get("theme_uids")))))
    return tuple(out)


def _is_sample(found: Iterable[Record]) -> bool:
    return any(isinstance(value, str) and has_sample_marker(value)
               for record in found for value in record.fields.values())


def partnership_named(copy: Copy, wanted: str | None) -> Record:
    """The partnership `wanted` names (its uid or name); with none, the copy's own one that
    has a local plan. InputError, listing the choices, when there is no such one."""
    partnerships = copy.records.list_kind("partnership")
    with_plans = {p["partnership_uid"] for p in copy.records.list_kind("local-plan")}
    if not wanted:
        own = [p for p in partnerships if p.uid in copy.identity.partnership_uids
               and p.uid in with_plans]
        if len(own) == 1:
            return own[0]
        names = ", ".join(p.title for p in partnerships if p.uid in with_plans) or "none"
        raise InputError(f"say which partnership's plan to print (with a local plan: {names})")
    for p in partnerships:
        if wanted in (p.uid, p.title) or p.title.casefold() == wanted.strip().casefold():
            return p
    names = ", ".join(p.title for p in partnerships if p.uid in with_plans) or "none"
    raise InputError(f"unknown partnership '{wanted}' (partnerships with a local plan: {names})")


def _overdue(due: dt.date | None, status: str, day: dt.date) -> bool:
    """As the GUI's actions table marks it (services.tables.ActionSummary.overdue)."""
    return due is not None and due < day and status not in _CLOSED


def _local_plan(copy: Copy, partnership: Record) -> Record:
    plans = _children(copy, "local-plan", "partnership_uid", partnership.uid)
    if not plans:
        raise InputError(f"{partnership.title} has no local plan yet: there is nothing to print")
    current = [p for p in plans if p["status"] != "archived"] or plans
    return max(current, key=lambda p: (_date(p["period_start"]) or dt.date.min, p.uid))
