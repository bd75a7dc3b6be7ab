"""The agreement as one self-contained, accessible web page, for a council's website: the
language declared, a skip link, headings in order without skipping a level (the title h1,
sections h2, their own headings below), tables with header cells and scope, a contents list
of links, colours with at least 4.5:1 contrast, text that reflows at 400 % zoom (sizes in rem,
no fixed widths; wide tables scroll in their own region). Every piece of the copy's text is
escaped. The same AgreementDocument as the PDF."""

from __future__ import annotations

from html import escape

from csa_desktop.domain import rich_text
from csa_desktop.domain.rich_text import HeadingNumbers
from csa_desktop.printing.html_text import HeadingLevels, blocks_html, table_html
from csa_desktop.printing.model import (
    CONSULTATION_INTRO,
    EVIDENCE_APPENDIX,
    AgreementDocument,
    AgreementSection,
    DeliveryRow,
    PlanColumn,
    evidence_intro,
    long_date,
)

STYLE = """
:root { color: #1a1a1a; background: #ffffff; font-family: "DejaVu Sans", Verdana, Arial,
  sans-serif; line-height: 1.5; }
body { margin: 0 auto; max-width: 52rem; padding: 0 1rem 3rem; font-size: 1rem; }
a { color: #1f3a5f; }
a:focus, [tabindex]:focus { outline: 3px solid #1f3a5f; outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { position: static; display: inline-block; margin: 0.5rem 0; padding: 0.25rem 0.5rem;
  background: #ffffff; }
div.cover { background: #1f3a5f; color: #ffffff; padding: 1.5rem; margin-top: 1rem; }
div.cover p.kicker { margin: 0; font-weight: bold; }
div.cover h1 { margin: 0.25rem 0 0; font-size: 2rem; line-height: 1.25;
  overflow-wrap: anywhere; }
.status { border-left: 0.3rem solid #1f3a5f; background: #f2f5f8; padding: 0.5rem 1rem;
  margin: 1rem 0; }
.status strong { font-size: 1.25rem; color: #1f3a5f; }
.sample { border: 2px solid #8a1c1c; color: #8a1c1c; padding: 0.5rem 1rem; }
dl.cover-lines { display: grid; grid-template-columns: minmax(8rem, 30%) 1fr; gap: 0.25rem 1rem; }
dl.cover-lines dt { font-weight: bold; color: #555555; }
dl.cover-lines dd { margin: 0; }
h2 { color: #1f3a5f; border-bottom: 1px solid #b8c2cc; padding-bottom: 0.2rem;
  margin-top: 2.5rem; }
h3, h4, h5, h6 { color: #1f3a5f; }
.table { overflow-x: auto; margin: 1rem 0; }
img { max-width: 100%; height: auto; }
.missing { border: 1px dashed #555555; padding: 0.5rem; color: #555555; }
table { border-collapse: collapse; min-width: 100%; }
th, td { border: 1px solid #b8c2cc; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #1f3a5f; color: #ffffff; }
tbody th { font-weight: bold; }
tbody tr:nth-child(even) { background: #f2f5f8; }
.muted { color: #555555; }
ul.signatories { list-style: none; padding: 0; display: flex; flex-wrap: wrap;
  gap: 1rem 2rem; }
ul.signatories li { flex: 1 1 14rem; border-top: 1px solid #555555; padding-top: 0.25rem; }
dl.glossary dt { font-weight: bold; margin-top: 0.5rem; }
dl.glossary dd { margin: 0 0 0 1.5rem; }
p.edition { border-left: 0.3rem solid #8a1c1c; padding: 0.25rem 0.75rem; }
footer { margin-top: 3rem; border-top: 1px solid #b8c2cc; color: #555555; font-size: 0.9rem; }
@media (max-width: 30rem) { dl.cover-lines { grid-template-columns: 1fr; } }
@media print { .skip { display: none; } }
"""


def _text(value: str) -> str:
    return escape(value, quote=True)


def render_agreement_html(document: AgreementDocument) -> str:
    meta = document.meta
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(meta.title)}</title>",
        f'<meta name="description" content="{_text(meta.subject)}">',
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the agreement</a>',
        _cover(document),
        _contents(document),
        '<main id="main" tabindex="-1">',
    ]
    for index, section in enumerate(document.sections):
        parts.append(_section(section, f"section-{index + 1}", document))
    if document.approvals:
        parts.append(_approvals(document))
    if document.evidence:
        parts.append(_evidence_appendix(document))
    if document.consultations:
        parts.append(_consultation(document))
    if document.version_lines or document.version_note:
        parts.append(_version_control(document))
    parts += [
        "</main>",
        f"<footer><p>Printed {_text(long_date(meta.printed_on))} by {_text(meta.author)} · "
        f"{_text(meta.version)}</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _cover(document: AgreementDocument) -> str:
    meta = document.meta
    lines = "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>"
                    for k, v in document.cover_lines if k != "Status" and v)
    detail = f"<br>{_text(meta.status_detail)}" if meta.status_detail else ""
    sample = ('<p class="sample">This copy contains sample data: text marked [illustrative] or '
              "[sample] is invented for demonstration and is not part of any published "
              "agreement.</p>" if meta.sample else "")
    return ('<header><div class="cover"><p class="kicker">Community Safety Agreement</p>'
            f"<h1>{_text(meta.title)}</h1></div>"
            f'<p class="status"><strong>{_text(meta.status)}</strong>{detail}</p>'
            + sample + (f'<dl class="cover-lines">{lines}</dl>' if lines else "")
            + "</header>")


def _heading(section: AgreementSection) -> str:
    number = section.number.strip()
    return f"{number} {section.title}" if number else section.title


def _contents(document: AgreementDocument) -> str:
    items = [f'<li><a href="#section-{i + 1}">{_text(_heading(s))}</a></li>'
             for i, s in enumerate(document.sections)]
    if document.approvals:
        items.append('<li><a href="#approvals">Approvals</a></li>')
    if document.evidence:
        items.append(f'<li><a href="#evidence">{_text(EVIDENCE_APPENDIX)}</a></li>')
    if document.consultations:
        items.append('<li><a href="#consultation">Appendix: consultation</a></li>')
    if document.version_lines or document.version_note:
        items.append('<li><a href="#version-control">Appendix: version control</a></li>')
    note = document.edition.note()  # what this public edition leaves out
    note_html = f'<p class="edition"><strong>{_text(note)}</strong></p>' if note else ""
    return ('<nav aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2>'
            f'{note_html}<ul>{"".join(items)}</ul></nav>')


def _blocks(text: str, withheld: frozenset[str]) -> list[rich_text.Block]:
    """The blocks of a text without the images this edition leaves out."""
    return rich_text.without_images(rich_text.parse(text), withheld)


def _section(section: AgreementSection, anchor: str, document: AgreementDocument) -> str:
    levels = HeadingLevels(3)
    withheld = document.edition.withheld_images
    parts = [f'<section aria-labelledby="{anchor}">',
             f'<h2 id="{anchor}">{_text(_heading(section))}</h2>',
             blocks_html(_blocks(section.body, withheld), levels=levels, images=document.images,
                         numbers=HeadingNumbers(section.number))]
    if section.signatories:
        people = "".join(f"<li><strong>{_text(p.name)}</strong>"
                         + (f'<br><span class="muted">{_text(p.role)}</span>' if p.role else "")
                         + "</li>" for p in section.signatories)
        parts.append(f"<h{levels.level(2)}>Signed by</h{levels.last}>"
                     f'<ul class="signatories">{people}</ul>')
    if section.glossary:
        terms = "".join(f"<dt>{_text(e.term)}</dt><dd>{_text(e.definition)}</dd>"
                        for e in section.glossary)
        parts.append(f'<dl class="glossary">{terms}</dl>')
    if section.key_issues:
        parts.append(f"<h{levels.level(2)}>The key issues</h{levels.last}>")
        items = []
        for issue in section.key_issues:
            duty = (f' <span class="muted">({_text(" · ".join(issue.themes))})</span>'
                    if issue.themes else "")
            statement = blocks_html(_blocks(issue.statement, withheld), levels=levels,
                                    images=document.images)
            items.append(f"<li><strong>{_text(issue.name)}</strong>{duty}{statement}</li>")
        parts.append(f"<ol>{''.join(items)}</ol>")
    if section.delivery_rows:
        parts.append(_delivery_table(section.delivery_rows, levels, document))
    if section.plan_columns:
        parts.append(_plan_table(section.plan_columns))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _delivery_table(rows: tuple[DeliveryRow, ...], levels: HeadingLevels,
                    document: AgreementDocument) -> str:
    themed = any(row.themes for row in rows)
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Key issue", *(["Themes"] if themed else []), "Lead partnership or board",
        "Delivery mechanism", "Reports to (how often)"))
    body = []
    for row in rows:
        lead = _text(row.lead) or "—"
        if row.responsibility:
            lead += f'<br><span class="muted">{_text(row.responsibility)} responsibility</span>'
        reports = _text(row.reports_to) or "—"
        if row.frequency:
            reports += f'<br><span class="muted">{_text(row.frequency)}</span>'
        mechanism = blocks_html(_blocks(row.mechanism, document.edition.withheld_images),
                                levels=levels, images=document.images) or "—"
        themes = f"<td>{_text(row.themes) or '—'}</td>" if themed else ""
        body.append(f'<tr><th scope="row">{_text(row.key_issue)}</th>{themes}<td>{lead}</td>'
                    f"<td>{mechanism}</td><td>{reports}</td></tr>")
    return table_html("<caption>The delivery framework</caption>"
                      f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>",
                      "Table: the delivery framework")


def _plan_table(columns: tuple[PlanColumn, ...]) -> str:
    head = "".join(f'<th scope="col">{_text(c.heading)}</th>' for c in columns)
    cells = "".join("<td>" + ("<ul>" + "".join(f"<li>{_text(e.text)}</li>" for e in c.entries)
                              + "</ul>" if c.entries else "—") + "</td>" for c in columns)
    return table_html(f"<caption>The plan on a page</caption><thead><tr>{head}</tr></thead>"
                      f"<tbody><tr>{cells}</tr></tbody>", "Table: the plan on a page")


def _approvals(document: AgreementDocument) -> str:
    head = "".join(f'<th scope="col">{h}</th>'
                   for h in ("Body", "Decision", "Date", "Minute reference"))
    rows = "".join(
        f'<tr><th scope="row">{_text(a.body)}</th><td>{_text(a.decision)}</td>'
        f"<td>{_text(long_date(a.decided_on)) or '—'}</td>"
        f"<td>{_text(a.minute_ref) or '—'}</td></tr>" for a in document.approvals)
    return ('<section aria-labelledby="approvals"><h2 id="approvals">Approvals</h2>'
            + table_html(f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>",
                         "Table: the approvals")
            + "</section>")


def _evidence_appendix(document: AgreementDocument) -> str:
    withheld = document.edition.withheld_images
    parts = ['<section aria-labelledby="evidence">',
             f'<h2 id="evidence">{_text(EVIDENCE_APPENDIX)}</h2>',
             f"<p>{_text(evidence_intro(document))}</p>"]
    head = "".join(f'<th scope="col">{h}</th>'
                   for h in ("Evidence", "Statement", "Figure (period)", "Area", "Source"))
    for number, group in enumerate(document.evidence, start=1):
        parts.append(f"<h3>{number}. {_text(group.key_issue)}</h3>")
        if not group.lines:
            parts.append("<p>" + ("The evidence for this key issue is restricted: this public "
                                  "edition leaves it out." if group.left_out else
                                  "No evidence is linked to this key issue.") + "</p>")
            continue
        rows = []
        for line in group.lines:
            figure = _text(line.figure) or "—"
            if line.period:
                figure += f'<br><span class="muted">{_text(line.period)}</span>'
            source = _text(line.source) or "—"
            if line.assessment and line.assessment not in document.assessment:
                source += f'<br><span class="muted">{_text(line.assessment)}</span>'
            statement = blocks_html(_blocks(line.statement, withheld),
                                    levels=HeadingLevels(4))
            rows.append(f'<tr><th scope="row">{_text(line.topic)}</th><td>{statement}</td>'
                        f"<td>{figure}</td><td>{_text(line.area)}</td><td>{source}</td></tr>")
        parts.append(table_html(
            f"<caption>The evidence behind {_text(group.key_issue)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>",
            f"Table: the evidence behind {group.key_issue}"))
        if group.left_out:
            parts.append(f'<p class="muted">{group.left_out} restricted evidence item'
                         f"{'s' if group.left_out != 1 else ''} left out of this public "
                         "edition.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _consultation(document: AgreementDocument) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Consultee", "How and when", "What changed as a result"))
    rows = []
    for c in document.consultations:
        how = _text(c.method) or "—"
        if c.when:
            how += f'<br><span class="muted">{_text(c.when)}</span>'
        changed = blocks_html(rich_text.parse(c.outcome)) or "—"
        if c.touched:
            changed += f'<p class="muted">Touched: {_text(c.touched)}</p>'
        rows.append(f'<tr><th scope="row">{_text(c.consultee)}</th><td>{how}</td>'
                    f"<td>{changed}</td></tr>")
    return ('<section aria-labelledby="consultation">'
            '<h2 id="consultation">Appendix: consultation</h2>'
            f"<p>{_text(CONSULTATION_INTRO)}</p>"
            + table_html(f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>",
                         "Table: the consultations")
            + "</section>")


def _version_control(document: AgreementDocument) -> str:
    parts = ['<section aria-labelledby="version-control">',
             '<h2 id="version-control">Appendix: version control</h2>',
             "<p>What changed in the sections, key issues and delivery framework at each "
             "annual refresh, found by comparing each refresh with the one before.</p>"]
    if not document.version_lines:
        parts.append(f"<p>{_text(document.version_note)}</p>")
    else:
        head = "".join(f'<th scope="col">{h}</th>' for h in (
            "Refresh", "Area", "Item", "Change", "Summary of change"))
        rows = "".join(
            f'<tr><th scope="row">{_text(v.refresh)}</th><td>{_text(v.area)}</td>'
            f"<td>{_text(v.item)}</td><td>{_text(v.change)}</td><td>{_text(v.summary)}</td>"
            "</tr>" for v in document.version_lines)
        parts.append(table_html(f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>",
                                "Table: the changes at each refresh"))
    parts.append("</section>")
    return "\n".join(parts)


__all__ = ["render_agreement_html"]
