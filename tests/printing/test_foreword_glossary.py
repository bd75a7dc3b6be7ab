"""A foreword with its signatories and a glossary of terms: how their text is read (markdown-it
blocks, not hand parsing) and how the PDF, Word and the web edition print them."""

from __future__ import annotations

import io

from docx import Document

from csa_desktop.domain.rich_text import (
    GlossaryEntry,
    Signatory,
    split_glossary,
    split_signatories,
)
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import document_html, print_document
from csa_desktop.services.office_export import agreement_docx
from tests.printing.pdfcheck import page_texts
from tests.printing.test_web_edition import Page

FOREWORD = """Kent and Medway's partners are proud to present this agreement.

We will keep working together.

## Signatories

- **Roger Gough**, Leader of Kent County Council
- Matthew Scott, Kent Police and Crime Commissioner
- Jane Doe <script>x</script>, Chair, Kent Community Safety Partnership"""

GLOSSARY = """The terms this agreement uses.

- **ASB**: anti-social behaviour
- CSP: Community Safety Partnership
- PCC — Police and Crime Commissioner

| Term | Meaning |
|---|---|
| VAWG | Violence against women and girls |"""


def test_a_foreword_s_signatories_are_the_lines_after_its_signatories_heading():
    text, people = split_signatories(FOREWORD)
    assert text == ("Kent and Medway's partners are proud to present this agreement.\n\n"
                    "We will keep working together.")
    assert people == (
        Signatory("Roger Gough", "Leader of Kent County Council"),
        Signatory("Matthew Scott", "Kent Police and Crime Commissioner"),
        Signatory("Jane Doe <script>x</script>", "Chair, Kent Community Safety Partnership"),
    )
    assert split_signatories("No heading here.\n\n- A, B") == ("No heading here.\n\n- A, B", ())


def test_a_glossary_s_terms_come_from_its_term_lists_and_tables_in_order():
    text, terms = split_glossary(GLOSSARY)
    assert text == "The terms this agreement uses."
    assert terms == (GlossaryEntry("ASB", "anti-social behaviour"),
                     GlossaryEntry("CSP", "Community Safety Partnership"),
                     GlossaryEntry("PCC", "Police and Crime Commissioner"),
                     GlossaryEntry("VAWG", "Violence against women and girls"))
    # a list that is not all terms stays text: nothing is lost
    mixed = "- ASB: anti-social behaviour\n- a note without a definition"
    assert split_glossary(mixed) == (mixed, ())


def add_foreword_and_glossary(copy: Copy) -> None:
    agreement = copy.records.list_kind("agreement")[0]
    copy.records.create("section", {"agreement_uid": agreement.uid, "title": "Foreword",
                                    "kind": "foreword", "body": FOREWORD})
    copy.records.create("section", {"agreement_uid": agreement.uid, "title": "Glossary",
                                    "kind": "glossary", "body": GLOSSARY})


def test_the_pdf_prints_the_signatories_and_the_glossary_as_a_table(demo_copy: Copy):
    add_foreword_and_glossary(demo_copy)
    text = " ".join(page_texts(print_document(demo_copy, "agreement").data))
    foreword = text[text.index("proud to present"):text.index("The terms this agreement")]
    assert ("Signed by Roger Gough Leader of Kent County Council Matthew Scott Kent Police "
            "and Crime Commissioner") in foreword
    assert "Jane Doe <script>x</script>" in foreword and "Signatories" not in foreword
    glossary = text[text.index("The terms this agreement uses."):]
    assert "Term Definition ASB anti-social behaviour CSP Community Safety Partnership" in \
        glossary
    assert "VAWG Violence against women and girls" in glossary


def test_word_prints_the_signatories_and_a_glossary_table(demo_copy: Copy):
    add_foreword_and_glossary(demo_copy)
    doc = Document(io.BytesIO(agreement_docx(demo_copy)))
    signed = [p for p in doc.paragraphs if p.runs and p.runs[0].text == "Roger Gough"]
    assert signed and signed[0].runs[0].bold
    assert signed[0].text == "Roger Gough\nLeader of Kent County Council"
    glossary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Term")
    assert [[c.text for c in r.cells] for r in glossary.rows][1:3] == [
        ["ASB", "anti-social behaviour"], ["CSP", "Community Safety Partnership"]]


def test_the_web_edition_lists_signatories_and_a_definition_list(demo_copy: Copy):
    add_foreword_and_glossary(demo_copy)
    html = document_html(demo_copy, "agreement")
    page = Page(html)
    assert "<dt>ASB</dt><dd>anti-social behaviour</dd>" in html
    assert "<strong>Jane Doe &lt;script&gt;x&lt;/script&gt;</strong>" in html
    assert any(text == "Signed by" for _level, text in page.headings)
