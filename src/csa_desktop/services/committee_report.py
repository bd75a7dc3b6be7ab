"""The covering report that takes the agreement to a decision-making body each year (Cabinet,
Full Council or the board), drafted in Word from the copy: brief summary, recommendation, the
detail (the statutory basis, the strategic assessment, the key issues, how they are
delivered, what changed since last year), the consultation and co-production, the decisions
so far, implications, background papers and the appendices it refers to. Plain Word headings
that a council's own report template can take over; every sentence is the officer's to edit,
and what only the officer can write is marked as such."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from csa_desktop.domain.records import Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError
from csa_desktop.files import write_atomically
from csa_desktop.services.consultations import (
    ConsultationSummary,
    consultation_rows,
    printed_consultee,
)
from csa_desktop.services.copy import Copy

POLICY_FRAMEWORK = "as part of the Council's Policy Framework"
OFFICER = "[For the report's author to complete: "  # marks what only the officer can write


@dataclass(frozen=True)
class ReportBody:
    """A step of the county's approval chain that a report can go to."""

    step: str  # the step's short name: board, cabinet, council or the county's own
    name: str  # the body as the report names it: "Cabinet", "the Community Safety Board"
    asked: str  # what it is asked to do


def report_bodies(copy: Copy) -> list[ReportBody]:
    """The bodies of the county's approval chain, in order (the PCC step, which only receives
    the agreement, left out), each with what the report asks of it."""
    from csa_desktop.services.approvals import agreement_chain

    agreements = copy.records.list_kind("agreement")
    group = _text(agreements[0]["strategy_group"]) if agreements else ""
    deciding = [step for step in agreement_chain(copy) if not step.sends_to_pcc]
    bodies = []
    for index, step in enumerate(deciding):
        name = step.body or (group if step.name == "board" and group else
                             "the Community Safety Partnership Board" if step.name == "board"
                             else step.label)
        later = deciding[index + 1] if index + 1 < len(deciding) else None
        council = step.name in ("cabinet", "council")
        if later is not None and later.name == "council" and step.name == "cabinet":
            asked = ("note the Community Safety Agreement and recommend that Full Council "
                     f"approve it {POLICY_FRAMEWORK}")
        elif later is not None:
            asked = (f"approve the Community Safety Agreement and send it to "
                     f"{later.body or later.label} for its decision")
        else:
            asked = "approve the Community Safety Agreement" + (
                f" {POLICY_FRAMEWORK}" if council else "")
        bodies.append(ReportBody(step.name, name, asked))
    return bodies


@dataclass(frozen=True)
class CommitteeReport:
    body: str  # the short name (board, cabinet, council)
    meeting: dt.date
    data: bytes


def _long(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _text(value: object) -> str:
    from csa_desktop.services.office_export import clean

    return clean(str(value)) if value not in (None, "") else ""


def committee_report_docx(copy: Copy, body: str, meeting: dt.date) -> CommitteeReport:
    """The report to `body` (a step of the county's approval chain, by its short name) for its
    meeting on `meeting`."""
    bodies = {b.step: b for b in report_bodies(copy)}
    if body not in bodies:
        raise InputError(f"'{body}' is not a step of this county's approval chain that decides "
                         f"on the agreement (steps: {', '.join(bodies)})")
    chosen = bodies[body]
    two_tier = "council" in bodies
    from docx import Document

    from csa_desktop.services.approvals import current_approvals, workflow
    from csa_desktop.services.office_export import docx_table, long_day
    from csa_desktop.services.refresh import version_appendix

    agreements = copy.records.list_kind("agreement")
    if not agreements:
        raise InputError("this copy has no agreement to report on")
    agreement = agreements[0]
    flow = workflow(copy)
    decisions = current_approvals(copy)
    issues = copy.records.list_kind("key-issue", where={"agreement_uid": agreement.uid})
    rows = copy.records.list_kind("delivery-framework-row")
    appendix = version_appendix(copy, public=True)  # a committee's papers are public
    name, asked = chosen.name, chosen.asked
    title = _text(agreement.title)
    refresh = _text(agreement["refresh_label"])
    assessment = _text(agreement["strategic_assessment"]) or "the strategic assessment"
    group = _text(agreement["strategy_group"]) or "the county Community Safety Strategy Group"

    doc = Document()
    props = doc.core_properties
    props.title = f"Report to {name}: {title}"
    props.author = _text(copy.identity.name)
    props.language = "en-GB"
    doc.add_heading(f"Report to {name}", level=0)
    if copy.is_sample():
        doc.add_paragraph().add_run("Sample data: drafted from the demo agreement; names and "
                                    "figures marked [illustrative] are invented.").italic = True
    details = [("Meeting", long_day(meeting)), ("Report of", _text(copy.identity.name)),
               ("Subject", f"{title}{f' — {refresh} refresh' if refresh else ''}"),
               ("Where it stands", _text(flow.print_status))]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in details:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True

    doc.add_heading("Brief summary", level=1)
    doc.add_paragraph(
        f"This report presents the {title}{f' ({refresh} refresh)' if refresh else ''} to "
        f"{name}. The agreement, prepared by {group}, sets out how the partners will tackle "
        f"the {len(issues)} key issue{'s' if len(issues) != 1 else ''} that {assessment} "
        "identified, and names for each the partnership or board that leads its delivery.")
    doc.add_heading("Recommendation", level=1)
    doc.add_paragraph(f"{name[:1].upper()}{name[1:]} is asked to {asked}, as set out at the "
                      "appendix.")

    doc.add_heading("Detail", level=1)
    doc.add_heading("The statutory basis", level=2)
    doc.add_paragraph(
        "Under the Crime and Disorder Act 1998 and the Crime and Disorder (Formulation and "
        "Implementation of Strategy) Regulations 2007, the county strategy group prepares a "
        "community safety agreement for a two-tier area (regulation 9), reviews it every year, "
        "and sends a copy to the Police and Crime Commissioner (regulation 9A)." if two_tier
        else "Under the Crime and Disorder Act 1998 and the Crime and Disorder (Formulation "
        "and Implementation of Strategy) Regulations 2007, the partnership prepares its "
        "strategy for reducing crime and disorder, reviews it every year, and sends a copy to "
        "the Police and Crime Commissioner.")
    doc.add_heading("The strategic assessment", level=2)
    doc.add_paragraph(f"The agreement rests on {assessment}, which brings together the "
                      "evidence on crime, disorder and substance misuse across the area.")
    doc.add_heading("The key issues", level=2)
    for issue in issues:
        doc.add_paragraph(_text(issue.title), style="List Bullet")
    if not issues:
        doc.add_paragraph(f"{OFFICER}the agreement names no key issue yet.]")
    doc.add_heading("How they are delivered", level=2)
    leads = sorted({_text(r["lead_name"]) for r in rows if r["lead_name"]})
    doc.add_paragraph(
        f"The delivery framework names {len(rows)} lead arrangement{'s' if len(rows) != 1 else ''}"
        + (f" ({', '.join(leads)})" if leads else "") + "; each reports its progress to the "
        "board, which keeps delivery on track.")
    doc.add_heading("What changed since last year", level=2)
    if appendix.rows:
        docx_table(doc, ("Refresh", "Area", "Item", "Change", "Summary of change"),
                   [(r.refresh, r.area, r.item, r.change, r.summary) for r in appendix.rows],
                   widths=(2.0, 3.0, 4.6, 1.9, 5.5))
    else:
        doc.add_paragraph(_text(appendix.note))

    doc.add_heading("Consultation and co-production", level=1)
    for line in _consulted(copy):
        doc.add_paragraph(line, style="List Bullet")
    consultations = consultation_rows(copy, public=True)
    if consultations:
        doc.add_paragraph(f"The wider consultation ({_count(len(consultations))}; the "
                          "agreement's consultation appendix lists them):")
        for row in consultations:
            doc.add_paragraph(_consultation_line(row), style="List Bullet")
    else:
        doc.add_paragraph(f"{OFFICER}the wider consultation: who was asked, how and when, what "
                          "they said and what changed as a result.]")

    doc.add_heading("Decisions so far", level=1)
    if decisions:
        docx_table(doc, ("Body", "Decision", "Date", "Minute"), [
            (_text(a.title), _text(a["decision"]), long_day(_date(a)), _text(a["minute_ref"]))
            for a in decisions])
    else:
        doc.add_paragraph("None yet: this is the first decision on this refresh.")

    doc.add_heading("Implications", level=1)
    for heading, text in (
            ("Legal", "Approving the agreement meets the partners' duty to prepare and review "
                      "a community safety agreement under the Crime and Disorder Act 1998."),
            ("Financial", f"{OFFICER}the financial implications.]"),
            ("Risk", f"{OFFICER}the risks of approving, or of not approving, the "
                     "agreement.]"),
            ("Equality", f"{OFFICER}the equality impact assessment and its findings.]")):
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)

    doc.add_heading("Background papers", level=1)
    doc.add_paragraph(f"{assessment[:1].upper()}{assessment[1:]}.", style="List Bullet")
    for earlier in _earlier_refreshes(copy, agreement):
        doc.add_paragraph(f"The agreement as refreshed in {earlier}.", style="List Bullet")

    doc.add_heading("Appendices", level=1)
    for letter, text in zip("ABC", ("The plan on a page (the one-page summary)",
                                    f"The agreement: {title}",
                                    f"The strategic assessment: {assessment}"), strict=True):
        doc.add_paragraph(f"Appendix {letter}: {text}")
    out = io.BytesIO()
    doc.save(out)
    return CommitteeReport(body, meeting, out.getvalue())


def _date(record: Record) -> dt.date | None:
    value = record.fields.get("decided_on")
    return value if isinstance(value, dt.date) else None


def _consulted(copy: Copy) -> list[str]:
    """Who co-produced the agreement, as the copy knows them: the editorial group (the keys
    the lead trusts as editors) and the partnerships whose copies have sent changes."""
    from csa_desktop.services.bundles import BundleService

    keys = BundleService(copy).trusted_keys()
    editors = sorted({_text(k.name) for k in keys if k.role == Role.EDITOR.value})
    districts = sorted({_text(k.name) for k in keys if k.role == Role.DISTRICT.value})
    lines = []
    if editors:
        lines.append("The editorial group, which co-produced the text: " + ", ".join(editors)
                     + ".")
    if districts:
        lines.append("District partnerships, which contributed their local plans and "
                     "comments: " + ", ".join(districts) + ".")
    if not lines:
        lines.append(f"{OFFICER}the editorial group and the district partnerships that "
                     "contributed.]")
    return lines


def _count(n: int) -> str:
    return f"{n} consultation{'' if n == 1 else 's'}"


def _consultation_line(row: ConsultationSummary) -> str:
    """'Lancashire Youth Council (group) — Workshops, 3 March 2025 to 28 March 2025: they
    said: …; as a result: …'"""
    head = printed_consultee(row)
    how = ", ".join(p for p in (row.method, row.when) if p)
    text = head + (f" — {how}" if how else "")
    said = _one_line(row.summary)
    changed = _one_line(row.outcome)
    parts = [f"they said: {said}" if said else "", f"as a result: {changed}" if changed else ""]
    rest = "; ".join(p for p in parts if p)
    return f"{text}{': ' + rest if rest else ''}."


def _one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def _earlier_refreshes(copy: Copy, agreement: Record) -> list[str]:
    from csa_desktop.services.refresh import list_refreshes

    current = agreement.fields.get("refresh_label")
    return [r.label for r in list_refreshes(copy) if r.label and r.label != current]


def export_committee_report(copy: Copy, body: str, meeting: dt.date, path: Path) -> Path:
    if path.suffix.lower() != ".docx":
        raise InputError(f"{path.name}: the committee report is a Word file: name it .docx")
    return write_atomically(committee_report_docx(copy, body, meeting).data, path)


__all__ = ["CommitteeReport", "ReportBody", "committee_report_docx", "export_committee_report",
           "report_bodies"]
