"""Issue 19's "done when": a Kent-shaped agreement — a foreword with signatories, eight
priorities with sub-sections, two tables, an image, a glossary, restricted evidence and a
restricted section — built through the services as an officer would, printed to PDF, Word and
the web edition, and read back from each file: the PDF's outline and page text (pypdf), Word's
heading styles, tables and pictures (python-docx), the page's headings, tables and text (an
HTML parser); the public and the full edition where they apply."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest
from docx import Document

from csa_desktop.cli import main
from csa_desktop.domain.kinds import new_uid
from csa_desktop.services.attachments import add_attachment
from csa_desktop.services.new_copy import CountyFacts, start_county
from tests.attachments.images import png
from tests.printing.pdfcheck import page_texts, reader
from tests.printing.test_document_structure import outline
from tests.printing.test_web_edition import Page

DISTRICTS = ("Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe", "Gravesham",
             "Maidstone", "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling",
             "Tunbridge Wells", "Medway")
PRIORITIES = ("Violence against women and girls", "Domestic abuse", "Serious violence",
              "Exploitation and safeguarding", "Substance misuse", "Anti-social behaviour",
              "Preventing extremism and hate", "Road safety")
RESTRICTED_TOPIC = "Named organised crime groups"
RESTRICTED_SECTION = "Tasking of partnership resources"
MAP_ALT = "A map of Kent's twelve districts and Medway"

FOREWORD = """Community safety is everybody's business. This agreement sets out how Kent's
partners will work together for the next three years.

## Signatories

- **Sam Patel**, Chair, Kent Community Safety Partnership
- Alex Morgan, Police and Crime Commissioner for Kent"""

PARTNERS = """The Crime and Disorder Act 1998 places duties on the responsible authorities.

## Partners and duties

| Partner | Duty |
|---|---|
| Kent County Council | Section 17: consider crime and disorder in all it does |
| Kent Police | Reduce crime and disorder |
| Kent Fire and Rescue Service | Prevention and protection |
| NHS Kent and Medway | Health and wellbeing |
| Probation Service | Reduce reoffending |"""

GLOSSARY = """The terms and abbreviations this agreement uses.

- **ASB**: anti-social behaviour
- **CSP**: Community Safety Partnership
- **KCSP**: Kent Community Safety Partnership
- **PCC**: Police and Crime Commissioner
- **VAWG**: violence against women and girls"""


def governance(image_markdown: str) -> str:
    return f"""The Kent Community Safety Partnership oversees the agreement.

## Funding

| Fund | 2026/27 | Holder |
|---|---|---|
| Community safety grant | £430,000 | Office of the PCC |
| Serious Violence Duty funding | £210,000 | Kent County Council |

## The districts

{image_markdown}

Each district and Medway has its own partnership."""


def priorities_text() -> str:
    parts = ["Eight priorities come from the strategic assessment."]
    for name in PRIORITIES:
        parts += [f"## {name}", f"Why {name.lower()} matters in Kent.",
                  "### What we know", "The assessment's findings.",
                  "### What we will do", "- Work with partners\n- Report to the board"]
    return "\n\n".join(parts)


def build_kent(folder: Path) -> None:
    facts = CountyFacts("Kent Community Safety Agreement 2026–2029", dt.date(2026, 4, 1),
                        dt.date(2029, 3, 31), DISTRICTS,
                        tuple(f"{d} CSP" for d in DISTRICTS),
                        unitary_areas=frozenset({"Medway"}), chain="board-only")
    with start_county(folder, facts, name="Kent Community Safety Team") as copy:
        records = copy.records
        agreement = records.list_kind("agreement")[0]
        records.update(agreement.uid, {
            "strategic_assessment": "Kent Community Safety Strategic Assessment 2025",
            "footprint": "Kent and Medway"})
        areas = {a.title: a.uid for a in records.list_kind("area")}
        image = add_attachment(copy, png(1200, 800), "kent-districts.png", MAP_ALT)
        sections = (
            ("", "Foreword", "foreword", FOREWORD, False),
            ("1", "Introduction", "legislation", PARTNERS, False),
            ("2", "Governance", "governance", governance(image.markdown), False),
            ("3", "Our priorities", "priorities", priorities_text(), False),
            ("4", RESTRICTED_SECTION, "other", "Tasking meets monthly at police HQ.", True),
            ("", "Glossary", "glossary", GLOSSARY, False),
        )
        for number, title, kind, body, restricted in sections:
            records.create("section", {"agreement_uid": agreement.uid, "number": number,
                                       "title": title, "kind": kind, "body": body,
                                       "restricted": restricted})
        for index, name in enumerate(PRIORITIES):
            evidence = [new_uid(), new_uid()]
            records.create("evidence-item", {
                "topic": f"{name}: the trend", "statement": f"{name} rose in 2024/25.",
                "figure": f"{(index + 1) * 100} incidents", "period": "2024/25",
                "source": "Kent Police", "area_uid": areas[DISTRICTS[index]],
                "assessment": "Kent Community Safety Strategic Assessment 2025"},
                uid=evidence[0])
            records.create("evidence-item", {
                "topic": RESTRICTED_TOPIC if index == 3 else f"{name}: where",
                "statement": "Hotspots by location.", "source": "Kent Police",
                "restricted": index in (2, 3)}, uid=evidence[1])
            records.create("key-issue", {"agreement_uid": agreement.uid, "name": name,
                                         "statement": f"We will reduce {name.lower()}.",
                                         "evidence_uids": evidence})


@pytest.fixture(scope="module")
def kent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Kent copy and its prints, made once: public and full PDF and Word, the web page."""
    root = tmp_path_factory.mktemp("kent")
    build_kent(root / "kent")
    files: dict[str, Path] = {}
    for name, edition in (("pdf", "public"), ("docx", "public"), ("html", "public"),
                          ("full.pdf", "full"), ("full.docx", "full")):
        out = root / f"agreement.{name}"
        assert main(["--data-dir", str(root / "kent"), "print", "agreement", "--edition",
                     edition, "--date", "2026-12-07", "--out", str(out)]) == 0
        files[name] = out
    files["copy"] = root / "kent"
    return files


def test_the_pdf_outline_has_sections_numbered_sub_sections_and_the_evidence_appendix(
        kent: dict[str, Path]):
    marks = outline(kent["pdf"].read_bytes())
    top = [title for level, title in marks if level == 0]
    assert top == ["Foreword", "1  Introduction", "2  Governance", "3  Our priorities",
                   "Glossary", "Appendix: the evidence behind the key issues",
                   "Appendix: version control"]
    body = marks[:marks.index((0, "Glossary"))]
    priorities = [t for level, t in body if level == 1 and t.startswith("3.")]
    assert priorities == [f"3.{n}  {name}" for n, name in enumerate(PRIORITIES, start=1)]
    assert (2, "3.8.2  What we will do") in marks
    assert (1, "2.1  Funding") in marks and (1, "1.1  Partners and duties") in marks
    evidence = marks[marks.index((0, "Appendix: the evidence behind the key issues")) + 1:]
    assert [t for level, t in evidence if level == 1][:8] == [
        f"{n}. {name}" for n, name in enumerate(PRIORITIES, start=1)]
    assert all(b[0] - a[0] <= 1 for a, b in pairwise(marks))  # never skips a level


def test_the_public_pdf_has_the_tables_image_signatories_and_glossary_and_no_restricted_text(
        kent: dict[str, Path]):
    data = kent["pdf"].read_bytes()
    pages = page_texts(data)
    text = " ".join(pages)
    assert "Kent Fire and Rescue Service Prevention and protection" in text
    assert "Community safety grant £430,000 Office of the PCC" in text
    assert MAP_ALT in text
    assert ("Signed by Sam Patel Chair, Kent Community Safety Partnership Alex Morgan Police "
            "and Crime Commissioner for Kent") in text
    assert "Term Definition ASB anti-social behaviour" in text
    assert RESTRICTED_SECTION not in text and RESTRICTED_TOPIC not in text
    assert "Serious violence: where" not in text and "Road safety: where" in text
    assert ("This public edition leaves out 1 restricted section and 2 restricted evidence "
            "items; the full edition (OFFICIAL-SENSITIVE) includes them.") in pages[1]
    assert "It rests on the strategic assessment: Kent Community Safety Strategic " \
        "Assessment 2025" in text
    images = [name for page in reader(data).pages
              for name, obj in (page["/Resources"].get("/XObject") or {}).items()
              if obj.get_object().get("/Subtype") == "/Image"]
    assert len(images) == 1


def test_the_full_pdf_has_the_restricted_content_and_every_page_marked(kent: dict[str, Path]):
    pages = page_texts(kent["full.pdf"].read_bytes())
    text = " ".join(pages)
    assert RESTRICTED_SECTION in text and RESTRICTED_TOPIC in text
    assert all(p.count("OFFICIAL-SENSITIVE") >= 2 for p in pages)  # header and footer
    marks = outline(kent["full.pdf"].read_bytes())
    assert (0, f"4  {RESTRICTED_SECTION}") in marks


def test_word_keeps_the_structure_in_heading_styles_tables_and_a_picture(
        kent: dict[str, Path]):
    doc = Document(str(kent["docx"]))
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", "3 Our priorities") in headings
    assert ("Heading 2", "3.8 Road safety") in headings
    assert ("Heading 3", "3.8.2 What we will do") in headings
    assert ("Heading 1", "Appendix: the evidence behind the key issues") in headings
    assert not any(RESTRICTED_SECTION in t for _s, t in headings)
    tables = {t.rows[0].cells[0].text: t for t in doc.tables}
    assert [c.text for c in tables["Partner"].rows[3].cells] == [
        "Kent Fire and Rescue Service", "Prevention and protection"]
    assert [c.text for c in tables["Fund"].rows[1].cells] == [
        "Community safety grant", "£430,000", "Office of the PCC"]
    assert [c.text for c in tables["Term"].rows[5].cells] == [
        "VAWG", "violence against women and girls"]
    evidence = [t for t in doc.tables if t.rows[0].cells[0].text == "Evidence"]
    assert len(evidence) == 8
    cells = " ".join(c.text for t in evidence for r in t.rows for c in r.cells)
    assert RESTRICTED_TOPIC not in cells and "Road safety: where" in cells
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == MAP_ALT
    full = Document(str(kent["full.docx"]))
    assert full.sections[0].header.paragraphs[0].runs[0].text.strip() == "OFFICIAL-SENSITIVE"
    assert any(p.text == f"4 {RESTRICTED_SECTION}" for p in full.paragraphs)


def test_the_web_edition_is_public_with_its_headings_in_order_and_headed_tables(
        kent: dict[str, Path]):
    html = kent["html"].read_text("utf-8")
    page = Page(html)
    levels = [level for level, _text in page.headings]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels))
    titles = [t for _level, t in page.headings]
    assert "3 Our priorities" in titles and "3.8 Road safety" in titles  # numbered as printed
    assert "Appendix: the evidence behind the key issues" in titles
    tables = [attrs for tag, attrs in page.elements if tag == "table"]
    assert len(tables) >= 2 + 8
    header_cells = [attrs for tag, attrs in page.elements if tag == "th"]
    assert header_cells and all(a.get("scope") in ("col", "row") for a in header_cells)
    assert "<dt>VAWG</dt><dd>violence against women and girls</dd>" in html
    assert RESTRICTED_SECTION not in html and RESTRICTED_TOPIC not in html
    assert "leaves out 1 restricted section and 2 restricted evidence items" in html


def test_the_kent_web_edition_passes_the_html_checker_and_axe(kent: dict[str, Path]):
    from tests.printing.test_web_edition import (
        test_axe_core_finds_no_wcag_violation,
        test_the_nu_html_checker_finds_no_error_or_warning,
    )

    test_the_nu_html_checker_finds_no_error_or_warning(kent["html"])
    test_axe_core_finds_no_wcag_violation(kent["html"])
