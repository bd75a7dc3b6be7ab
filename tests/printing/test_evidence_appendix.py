"""The evidence appendix: each key issue with the evidence items it links to (topic,
statement, figure, period, area, source) and the strategic assessment they rest on, in the PDF
(with bookmarks), Word and the web edition; the public edition leaves restricted evidence out
and counts it."""

from __future__ import annotations

import io

from docx import Document

from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import document_html, print_document
from csa_desktop.services.office_export import agreement_docx
from tests.printing.pdfcheck import page_texts, squashed
from tests.printing.test_document_structure import outline
from tests.printing.test_web_edition import Page

APPENDIX = "Appendix: the evidence behind the key issues"


def restrict_one(copy: Copy) -> tuple[str, str, str]:
    """Marks the first key issue's second evidence item restricted, gives another a unique
    statement; returns the key issue's name, the restricted topic and the open statement."""
    issue = copy.records.list_kind("key-issue")[0]
    first, second = (copy.records.get(u) for u in issue["evidence_uids"][:2])
    copy.records.update(second.uid, {"restricted": True, "topic": "Named perpetrator cohort"})
    copy.records.update(first.uid, {"statement": "Repeat referrals rose by a **third**.",
                                    "figure": "312 referrals", "period": "2023/24"})
    return issue.title, "Named perpetrator cohort", "Repeat referrals rose by a third."


def appendix_pages(data: bytes) -> str:
    pages = page_texts(data)
    start = next(i for i, p in enumerate(pages) if p.startswith(f"{APPENDIX}") or
                 f" {APPENDIX} The evidence linked" in p)
    return " ".join(pages[start:])


def test_the_pdf_appendix_shows_each_key_issue_s_evidence_and_its_assessment(
        demo_copy: Copy):
    issue, secret, statement = restrict_one(demo_copy)
    data = print_document(demo_copy, "agreement").data
    text = appendix_pages(data)
    assert "It rests on the strategic assessment: Lancashire Strategic Assessment" in text
    assert f"1. {issue}" in text and statement in text
    assert "312 referrals 2023/24" in text
    assert secret not in squashed(" ".join(page_texts(data)))
    assert "1 restricted evidence item left out of this public edition." in text
    contents = page_texts(data)[1]
    assert "leaves out 1 restricted evidence item;" in contents
    marks = outline(data)
    at = marks.index((0, APPENDIX))
    issues = [t for level, t in marks[at + 1:at + 9] if level == 1]
    names = [k.title for k in demo_copy.records.list_kind("key-issue")]
    assert issues == [f"{n}. {name}" for n, name in enumerate(names, start=1)]
    full = appendix_pages(print_document(demo_copy, "agreement", edition="full").data)
    assert secret in full and "left out" not in full


def test_word_has_the_appendix_with_a_table_for_each_key_issue(demo_copy: Copy):
    issue, secret, statement = restrict_one(demo_copy)
    doc = Document(io.BytesIO(agreement_docx(demo_copy)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style.name.startswith("Heading")]
    at = headings.index(("Heading 1", APPENDIX))
    assert headings[at + 1] == ("Heading 2", f"1. {issue}")
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Evidence"]
    assert len(tables) == len(demo_copy.records.list_kind("key-issue"))
    rows = [[c.text for c in r.cells] for r in tables[0].rows]
    assert rows[0] == ["Evidence", "Statement", "Figure (period)", "Area", "Source"]
    assert [statement, "312 referrals (2023/24)"] == rows[1][1:3]
    assert not any(secret in cell for row in rows for cell in row)
    full = Document(io.BytesIO(agreement_docx(demo_copy, edition="full")))
    assert any(secret in c.text for t in full.tables for r in t.rows for c in r.cells)


def test_the_web_edition_has_the_appendix_as_headed_tables_without_restricted_evidence(
        demo_copy: Copy):
    issue, secret, statement = restrict_one(demo_copy)
    html = document_html(demo_copy, "agreement")
    page = Page(html)
    assert (2, APPENDIX) in page.headings
    at = page.headings.index((2, APPENDIX))
    assert page.headings[at + 1] == (3, f"1. {issue}")
    assert secret not in html and statement.replace("a third", "a <strong>third</strong>") \
        in html
    assert '<a href="#evidence">' in html
    assert '<th scope="row">' in html[html.index('id="evidence"'):]


def test_an_agreement_whose_key_issues_link_no_evidence_has_no_appendix(demo_copy: Copy):
    for issue in demo_copy.records.list_kind("key-issue"):
        demo_copy.records.update(issue.uid, {"evidence_uids": []})
    assert APPENDIX not in " ".join(page_texts(print_document(demo_copy, "agreement").data))


def test_sample_evidence_in_the_appendix_marks_the_print_as_sample_data(tmp_path):
    from tests.journeys.test_kent_agreement import build_kent

    build_kent(tmp_path / "kent")
    with Copy.open(tmp_path / "kent") as copy:
        assert "SAMPLE DATA" not in " ".join(page_texts(
            print_document(copy, "agreement").data))
        item = copy.records.list_kind("evidence-item")[0]
        copy.records.update(item.uid, {"figure": "[illustrative] 120 incidents"})
        assert "SAMPLE DATA" in page_texts(print_document(copy, "agreement").data)[2]
