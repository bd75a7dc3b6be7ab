"""Prints are safe and Unicode-clean: hostile text is printed literally, every font is embedded,
metadata is set, output is byte-stable when asked, and ReportLab loads only when printing."""

from __future__ import annotations

import builtins
import io
import subprocess
import sys
import unicodedata

import pytest

from csa_desktop.services.documents import document_pdf
from csa_desktop.services.printing import (
    agreement_pdf,
    local_plan_pdf,
    plan_on_a_page_pdf,
)
from tests.printing.pdfcheck import fonts, reader, text

HOSTILE = {
    "font_color_code": "<font color=\"[[[getattr(pow,Word('__globals__'))]]]\">x</font>",
    "image_of_a_system_file": '<img src="/etc/passwd"/>',
    "javascript_link": '<a href="javascript:alert(1)">x</a>',
    "unbalanced_bold": "<b>bold never closed",
    "lone_ampersand": "Fish & chips",
}
UNICODE = ("Zażółć gęślą jaźń — Łódź, Kraków; café £1,200; “curly” and ‘single’ quotes; "
           "Urdu: کمیونٹی سیفٹی")
DOCUMENTS = [("plan-on-a-page", None), ("plan-on-a-page", "West Lancashire CSP"),
             ("agreement", None), ("local-plan", "West Lancashire CSP"),
             ("performance-report", "West Lancashire CSP")]


def _bare(value: str) -> str:
    return "".join(value.split())


def _put_text_everywhere(copy, text_value: str) -> None:
    """The same text as a plan item, a section title and body, an action and an update."""
    records = copy.records
    agreement = records.list_kind("agreement")[0]
    records.create("plan-item", {"agreement_uid": agreement.uid, "column": "key-issues",
                                 "text": text_value})
    section = records.list_kind("section")[1]
    records.update(section.uid, {"title": text_value[:200],
                                 "body": f"{text_value}\n\n- {text_value}"})
    plan = records.list_kind("local-plan", partnership="West Lancashire CSP")[0]
    action = records.list_kind("action", where={"plan_uid": plan.uid})[0]
    records.update(action.uid, {"title": text_value, "partners": text_value})
    priority = records.list_kind("local-priority", where={"plan_uid": plan.uid})[0]
    records.update(priority.uid, {"title": text_value[:300]})
    update = [u for u in records.list_kind("progress-update") if u["action_uid"] == action.uid]
    records.update(update[-1].uid, {"narrative": text_value})


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_prints_literally_and_harmlessly(demo_copy, print_date, monkeypatch,
                                                     name):
    hostile = HOSTILE[name]
    _put_text_everywhere(demo_copy, hostile)
    opened: list[str] = []
    real_open = builtins.open

    def watching_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watching_open)
    monkeypatch.setattr(io, "open", watching_open)
    for document, partnership in DOCUMENTS:
        data = document_pdf(demo_copy, document, partnership=partnership,
                            printed_on=print_date)
        printed = text(data)
        # long "words" may wrap anywhere, so compare without white space
        assert _bare(hostile) in _bare(printed), f"{document}: not printed literally"
        assert b"/JavaScript" not in data and b"/URI" not in data
        assert b"/Subtype /Image" not in data and b"/Launch" not in data
    assert not any("passwd" in path for path in opened)


def test_polish_urdu_pound_and_curly_quotes_print_in_every_document(demo_copy, print_date):
    _put_text_everywhere(demo_copy, UNICODE)
    for document, partnership in DOCUMENTS:
        printed = text(document_pdf(demo_copy, document, partnership=partnership,
                                    printed_on=print_date))
        for piece in ("Zażółć gęślą jaźń", "Łódź", "café", "£1,200", "“curly”", "‘single’"):
            assert piece in printed, f"{document}: {piece} missing"
        # Urdu is drawn joined and right to left: read back, it is reversed presentation forms
        visual = unicodedata.normalize("NFKC", printed)
        for word in ("کمیونٹی", "سیفٹی"):
            # (pypdf may already put right-to-left text back in reading order)
            assert word[::-1] in visual or word in visual, f"{document}: {word} missing"


def _missing_glyphs(sample: str, *names: str) -> dict[str, list[str]]:
    from reportlab.pdfbase import pdfmetrics

    from csa_desktop.printing.common import register_fonts

    register_fonts()
    missing = {}
    for name in names:
        covered = pdfmetrics.getFont(name).face.charToGlyph
        missing[name] = [c for c in sample if not c.isspace() and ord(c) not in covered]
    return {name: chars for name, chars in missing.items() if chars}


def test_the_shipped_font_has_a_glyph_for_polish_pound_accents_and_curly_quotes():
    from csa_desktop.printing.common import FONT, FONT_BOLD, FONT_ITALIC

    sample = "Zażółć gęślą jaźń Łódź café £ “” ‘’ — · ś ń ę ą ź ż ó ł"
    assert _missing_glyphs(sample, FONT, FONT_BOLD, FONT_ITALIC) == {}


def test_the_shipped_arabic_script_font_has_every_urdu_letter_and_joining_form():
    from csa_desktop.printing.common import FONT_ARABIC, FONT_ARABIC_BOLD, shape_arabic

    letters = "ا ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن ں و ہ ھ ء ی ے"
    words = "کمیونٹی سیفٹی پارٹنرشپ عائشہ خان بھیڑ نگہداشت"
    for sample in (letters, shape_arabic(letters), shape_arabic(words)):
        assert _missing_glyphs(sample, FONT_ARABIC, FONT_ARABIC_BOLD) == {}


def test_urdu_runs_inside_english_text_are_joined_in_their_font_and_kept_in_reading_order():
    from csa_desktop.printing.bidi import END_FIELD, LTR_FIELD, RTL_FIELD
    from csa_desktop.printing.common import FONT_ARABIC, inline

    markup = inline("Lead: عائشہ خان (کمیونٹی افسر), <b> & co")
    # one field of user text, mainly Urdu: marked as right to left, apart from its neighbours
    assert markup.startswith(f'{RTL_FIELD}Lead: <font name="{FONT_ARABIC}">')
    assert markup.endswith(f"</font>, &lt;b&gt; &amp; co{END_FIELD}")
    assert inline("With عائشہ خان and the Police, Fire and Rescue").startswith(LTR_FIELD)
    assert inline("Fish & chips") == "Fish &amp; chips"  # no right-to-left text: no marks
    run = markup.split(">", 1)[1].split("</font>")[0]
    # logical order: each line is put into visual order only when it is drawn
    assert unicodedata.normalize("NFKC", run) == "عائشہ خان (کمیونٹی افسر)"
    assert any(0xFB50 <= ord(c) <= 0xFEFF for c in run)  # joined presentation forms


@pytest.mark.parametrize(("document", "partnership"), DOCUMENTS)
def test_every_font_is_embedded(demo_copy, print_date, document, partnership):
    used = fonts(document_pdf(demo_copy, document, partnership=partnership,
                              printed_on=print_date))
    assert used, "no fonts found"
    assert all(used.values()), f"not embedded: {[n for n, e in used.items() if not e]}"
    assert all("DejaVuSans" in name or "Amiri" in name for name in used)


@pytest.mark.parametrize(("document", "partnership"), DOCUMENTS)
def test_metadata_title_author_subject_and_language_are_set(demo_copy, print_date, document,
                                                           partnership):
    pdf = reader(document_pdf(demo_copy, document, partnership=partnership,
                              printed_on=print_date))
    info = pdf.metadata
    assert info is not None
    assert info.title and ("Lancashire" in info.title or "Partnership Plan" in info.title)
    assert info.author == "Test lead"  # the copy's display name
    assert info.subject
    assert pdf.trailer["/Root"].get("/Lang") == "en-GB"


@pytest.mark.parametrize(("document", "partnership"), DOCUMENTS)
def test_invariant_output_is_byte_identical_twice(demo_copy, print_date, document,
                                                  partnership):
    first = document_pdf(demo_copy, document, partnership=partnership, printed_on=print_date,
                         invariant=True)
    second = document_pdf(demo_copy, document, partnership=partnership,
                          printed_on=print_date, invariant=True)
    assert first == second


def test_each_document_has_its_own_function(demo_copy, print_date):
    assert plan_on_a_page_pdf(demo_copy, printed_on=print_date, invariant=True) == \
        document_pdf(demo_copy, "plan-on-a-page", printed_on=print_date, invariant=True)
    assert agreement_pdf(demo_copy, printed_on=print_date, invariant=True) == \
        document_pdf(demo_copy, "agreement", printed_on=print_date, invariant=True)
    assert local_plan_pdf(demo_copy, "Pendle CSP", printed_on=print_date, invariant=True) == \
        document_pdf(demo_copy, "local-plan", partnership="Pendle CSP",
                     printed_on=print_date, invariant=True)


def test_reportlab_is_not_imported_until_something_is_printed():
    code = ("import sys; import csa_desktop.app, csa_desktop.cli, csa_desktop.services.printing,"
            " csa_desktop.printing.model; print('reportlab' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
