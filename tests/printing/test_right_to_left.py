"""Right-to-left text (Urdu) in the printed documents, read back from the PDF as drawn: a long
Urdu paragraph starts on its top line at the right, each line's letters joined and in visual
order; numbers, English words and Urdu phrases inside other text keep their own direction."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop.services.documents import document_pdf

PARA = ("یہ معاہدہ لنکاشائر کی تمام کمیونٹی سیفٹی پارٹنرشپس کے درمیان مشترکہ ترجیحات کو بیان "
        "کرتا ہے۔ ہمارا مقصد جرائم اور سماج دشمن رویے کو کم کرنا، گھریلو تشدد کا شکار افراد کی "
        "حفاظت کرنا، اور نوجوانوں کو سنگین تشدد سے دور رکھنا ہے۔ ہم پولیس، کونسل، صحت کی خدمات "
        "اور رضاکار تنظیموں کے ساتھ مل کر کام کریں گے تاکہ ہر محلہ محفوظ اور پرامن رہے۔ اس منصوبے "
        "پر ہر سال نظرثانی کی جائے گی اور اس کی پیش رفت کی رپورٹ بورڈ کو پیش کی جائے گی۔ ہر "
        "شراکت دار اپنی ذمہ داری کے مطابق وسائل فراہم کرے گا۔")
TITLE = ("گھریلو تشدد کے بارے میں آگاہی کی مشترکہ مہم شروع کرنا، جس میں مقامی مساجد، "
         "کمیونٹی مراکز اور اسکولوں کے ساتھ مل کر خواتین اور بچوں کو مدد کی خدمات کے بارے میں "
         "معلومات فراہم کی جائیں")
MIXED = "ہم 2025 تک 1,200 خاندانوں تک پہنچیں گے اور CCTV (new) کیمرے لگائیں گے"
PHRASE = "مقامی مساجد اور کمیونٹی مراکز"
ENGLISH = f"The partnership will work with {PHRASE} on the campaign."

@dataclass(frozen=True)
class Line:
    """One printed line: its words left to right, each word's glyphs in the order drawn, and
    where its bullet is, if it has one."""

    top: float
    left: float
    right: float
    words: tuple[str, ...]
    lefts: tuple[float, ...]
    bullet: float | None

    @property
    def drawn(self) -> str:
        return unicodedata.normalize("NFKC", " ".join(self.words))

    @property
    def read(self) -> str:
        """An Urdu line read right to left, as an Urdu reader reads it (base letters, not the
        joined presentation forms)."""
        return self.drawn[::-1]

    @property
    def urdu(self) -> bool:
        letters = [c for c in self.drawn if c.isalpha()]
        return sum(unicodedata.bidirectional(c) == "AL" for c in letters) > len(letters) / 2


def page_lines(data: bytes, tmp_path: Path) -> list[list[Line]]:
    """Every page's lines top to bottom, from the glyph positions (pdftotext -bbox-layout
    reports each word's glyphs in the order they are drawn, left to right)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils) to read glyph positions")
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(data)
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                           capture_output=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in ET.fromstring(xhtml).iter(f"{ns}page"):
        lines = []
        for line in page.iter(f"{ns}line"):
            words = sorted((float(w.get("xMin", 0)), float(w.get("xMax", 0)), w.text or "")
                           for w in line.iter(f"{ns}word"))
            bullet = next((left for left, _right, word in words if word == "•"), None)
            words = [word for word in words if word[2] != "•"] or words
            lines.append(Line(float(line.get("yMin", 0)), words[0][0], words[-1][1],
                              tuple(w for _l, _r, w in words), tuple(x for x, _r, _w in words),
                              bullet))
        pages.append(sorted(lines, key=lambda line: (round(line.top), line.left)))
    return pages


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def starts(text: str) -> Callable[[Line], bool]:
    """A test for the Urdu line on which `text` starts to be read."""
    first_words = " ".join(plain(text).split()[:3])
    return lambda line: line.urdu and line.read.startswith(first_words)


def find(pages: list[list[Line]], test: Callable[[Line], bool]) -> tuple[int, Line]:
    """The page number and the first line that passes the test."""
    for number, lines in enumerate(pages):
        for line in lines:
            if test(line):
                return number, line
    raise AssertionError("not printed")


def urdu_block(lines: list[Line], first: Line) -> list[Line]:
    """The Urdu lines, top to bottom, from `first` to the end of its paragraph (lines in the
    same column or cell, with no wider gap than a paragraph's, up to the next bullet)."""
    block = [first]
    for line in lines:
        if line.top <= block[-1].top or line.right < first.left or line.left > first.right:
            continue
        if not line.urdu or line.top - block[-1].top > 20 or line.bullet is not None:
            break
        block.append(line)
    return block


def print_pages(copy, document: str, tmp_path: Path, partnership: str | None = None,
                print_date=None) -> list[list[Line]]:
    return page_lines(document_pdf(copy, document, partnership=partnership,
                                   printed_on=print_date), tmp_path)


def printed_block(pages: list[list[Line]], text: str) -> tuple[list[Line], list[Line]]:
    """The lines of the page on which `text` starts, and its Urdu lines there."""
    number, first = find(pages, starts(text))
    return pages[number], urdu_block(pages[number], first)


def assert_reads_top_line_first(block: list[Line], text: str) -> None:
    assert len(block) >= 3, "the test text should wrap over several lines"
    assert " ".join(line.read for line in block) == plain(text)


def assert_aligned_right(block: list[Line], *, short_last_line: bool = True) -> None:
    rights = [line.right for line in block]
    if block[0].bullet is not None:  # as on the left: a wide bullet pushes its line in a bit
        assert rights[1] - 4 < rights[0] < rights[1] + 0.1
        rights = rights[1:]
    assert max(rights) - min(rights) < 1.5, f"ragged right edge: {rights}"
    if short_last_line:
        assert block[-1].left > block[0].left + 20, "the short last line ends on the right"


def _set_section(copy, index: int, **values: str) -> None:
    section = copy.records.list_kind("section")[index]
    copy.records.update(section.uid, values)


def _action(copy, partnership: str = "West Lancashire CSP"):
    records = copy.records
    plan = records.list_kind("local-plan", partnership=partnership)[0]
    return records.list_kind("action", where={"plan_uid": plan.uid})[0]


def test_a_long_urdu_section_paragraph_prints_its_first_words_on_the_top_line_at_the_right(
        demo_copy, print_date, tmp_path):
    _set_section(demo_copy, 0, body=f"{PARA}\n\nAn English paragraph follows it.")
    lines, block = printed_block(print_pages(demo_copy, "agreement", tmp_path,
                                             print_date=print_date), PARA)
    assert len(block) >= 5
    assert_reads_top_line_first(block, PARA)
    assert_aligned_right(block)
    english = next(line for line in lines if line.drawn == "An English paragraph follows it.")
    assert english.top > block[-1].top
    assert block[0].right > english.right + 100  # the text's right margin, not the English's
    assert english.left < block[0].left


def test_urdu_letters_are_drawn_joined(demo_copy, print_date, tmp_path):
    _set_section(demo_copy, 0, body=PARA)
    _lines, block = printed_block(print_pages(demo_copy, "agreement", tmp_path,
                                              print_date=print_date), PARA)
    drawn = "".join("".join(line.words) for line in block)
    joined = [c for c in drawn if 0xFB50 <= ord(c) <= 0xFEFF]  # initial, medial, final forms
    assert len(joined) > 0.8 * len(drawn.replace("،", "").replace("۔", ""))


def test_a_long_urdu_action_title_wraps_top_line_first_in_the_action_tracker(
        demo_copy, print_date, tmp_path):
    action = _action(demo_copy)
    demo_copy.records.update(action.uid, {"title": TITLE,
                                          "measure": "Calls to local support services"})
    lines, block = printed_block(print_pages(demo_copy, "local-plan", tmp_path,
                                             "West Lancashire CSP", print_date), TITLE)
    assert_reads_top_line_first(block, TITLE)
    assert_aligned_right(block)
    # the English measure under it (after a line break) stays on the left of the cell
    measure = next(line for line in lines if line.drawn.startswith("How we will know"))
    assert 0 < measure.top - block[-1].top < 20
    assert measure.left < min(line.left for line in block)


def test_an_urdu_progress_update_reads_right_between_its_english_heading_and_author(
        demo_copy, print_date, tmp_path):
    action = _action(demo_copy)
    update = [u for u in demo_copy.records.list_kind("progress-update")
              if u["action_uid"] == action.uid][-1]
    demo_copy.records.update(update.uid, {"narrative": TITLE, "author": "Aisha Khan"})
    lines, block = printed_block(print_pages(demo_copy, "local-plan", tmp_path,
                                             "West Lancashire CSP", print_date), TITLE)
    assert_reads_top_line_first(block, TITLE)
    assert_aligned_right(block)
    column = [line for line in lines if block[0].left - 60 < line.left < block[0].right]
    above = max((line for line in column if line.top < block[0].top), key=lambda ln: ln.top)
    below = min((line for line in column if line.top > block[-1].top), key=lambda ln: ln.top)
    assert above.words[0] in ("GREEN", "AMBER", "RED", "NOT"), above.drawn  # its RAG badge
    assert below.drawn == "— Aisha Khan"
    assert above.left == pytest.approx(below.left, abs=4)  # the badge has a margin
    assert above.left < block[-1].left


def test_long_urdu_plan_items_shrink_to_fit_and_each_still_reads_top_line_first(
        demo_copy, print_date, tmp_path):
    records = demo_copy.records
    agreement = records.list_kind("agreement")[0]
    for _ in range(5):
        records.create("plan-item", {"agreement_uid": agreement.uid, "column": "approach",
                                     "text": TITLE})
    [lines] = print_pages(demo_copy, "plan-on-a-page", tmp_path, print_date=print_date)
    firsts = [line for line in lines if starts(TITLE)(line)]
    assert len(firsts) == 5
    for first in firsts:
        block = urdu_block(lines, first)
        assert_reads_top_line_first(block, TITLE)
        assert_aligned_right(block, short_last_line=False)
        assert block[0].bullet is not None and block[0].bullet > block[0].right
    block = urdu_block(lines, firsts[0])
    assert block[1].top - block[0].top < 12 * 1.25 - 0.5, "the text should have shrunk to fit"


def test_an_urdu_plan_item_has_its_bullet_on_the_right(demo_copy, print_date, tmp_path):
    records = demo_copy.records
    agreement = records.list_kind("agreement")[0]
    records.create("plan-item", {"agreement_uid": agreement.uid, "column": "approach",
                                 "text": TITLE})
    [lines] = print_pages(demo_copy, "plan-on-a-page", tmp_path, print_date=print_date)
    block = urdu_block(lines, find([lines], starts(TITLE))[1])
    assert block[0].bullet is not None and block[0].bullet > block[0].right
    assert all(line.bullet is None for line in block[1:])
    english = next(line for line in lines if line.drawn.startswith("A public health"))
    assert english.bullet is not None and english.bullet < english.left


def test_numbers_and_english_words_inside_urdu_text_keep_their_own_order(
        demo_copy, print_date, tmp_path):
    _set_section(demo_copy, 0, body=MIXED)
    pages = print_pages(demo_copy, "agreement", tmp_path, print_date=print_date)
    _number, line = find(pages, lambda line: "CCTV" in line.words)
    for word in ("2025", "1,200", "CCTV", "(new)"):
        assert word in line.words, f"{word} not drawn left to right in {line.words}"
    # an Urdu reader meets them in the written order, from the right
    at = {word: line.lefts[line.words.index(word)] for word in ("2025", "1,200", "CCTV")}
    assert at["2025"] > at["1,200"] > at["CCTV"]
    assert line.words.index("CCTV") + 1 == line.words.index("(new)")
    assert line.words[-1] == unicodedata.normalize("NFKC", line.words[-1])[::-1] or \
        unicodedata.normalize("NFKC", line.words[-1])[::-1] == "ہم"


def test_an_urdu_phrase_inside_an_english_sentence_reads_right_to_left_on_a_left_line(
        demo_copy, print_date, tmp_path):
    _set_section(demo_copy, 0, body=ENGLISH)
    pages = print_pages(demo_copy, "agreement", tmp_path, print_date=print_date)
    number, line = find(pages, lambda line: line.drawn.startswith("The partnership will"))
    assert line.drawn.endswith("on the campaign.")
    heading = next(ln for ln in pages[number] if ln.drawn.endswith("Introduction and purpose"))
    assert line.left == pytest.approx(heading.left, abs=1)
    urdu = [word for word in line.words if unicodedata.bidirectional(word[0]) == "AL"]
    assert unicodedata.normalize("NFKC", " ".join(urdu))[::-1] == PHRASE


def test_an_urdu_section_title_is_right_aligned_and_listed_in_the_contents(
        demo_copy, print_date, tmp_path):
    title = "کمیونٹی سیفٹی کا پس منظر اور اس کی تفصیل"
    _set_section(demo_copy, 1, title=title)
    number = demo_copy.records.list_kind("section")[1]["number"]
    pages = print_pages(demo_copy, "agreement", tmp_path, print_date=print_date)
    entry = next(line for line in pages[1] if plain(title)[::-1] in line.drawn)
    # contents: number and title on the left, the dot leader, the page number on the right
    assert entry.words[0] == number
    assert entry.words[-1].isdigit() and "." in entry.words[-2]
    page = pages[int(entry.words[-1]) - 1]
    heading = next(line for line in page if plain(title)[::-1] in line.drawn)
    assert heading.read == f"{number} {plain(title)}"  # the number read first, at the right
    body = [line for line in page if line.top > heading.top]
    assert heading.right == pytest.approx(max(line.right for line in body), abs=3)


def test_an_urdu_paragraph_over_a_page_break_continues_top_line_first(
        demo_copy, print_date, tmp_path):
    long_text = " ".join([PARA] * 14)
    _set_section(demo_copy, 0, body=long_text)
    pages = print_pages(demo_copy, "agreement", tmp_path, print_date=print_date)
    number, first = find(pages, starts(long_text))
    block = urdu_block(pages[number], first)
    rest = [line for line in pages[number + 1] if line.urdu]
    assert rest and rest[0].top < 100, "the paragraph should run onto the next page"
    assert_aligned_right(rest)
    assert " ".join(line.read for line in [*block, *rest]) == plain(long_text)


def test_an_urdu_agreement_title_in_the_footer_is_joined_and_reads_right_to_left(
        demo_copy, print_date, tmp_path):
    title = "لنکاشائر کمیونٹی سیفٹی معاہدہ"
    agreement = demo_copy.records.list_kind("agreement")[0]
    demo_copy.records.update(agreement.uid, {"title": title})
    pages = print_pages(demo_copy, "agreement", tmp_path, print_date=print_date)
    bottom = max(line.top for line in pages[2])
    footer = sorted((left, word) for line in pages[2] if line.top > bottom - 5
                    for left, word in zip(line.lefts, line.words, strict=True))
    words = [word for _left, word in footer]
    assert " ".join(words).endswith(f"Page 3 of {len(pages)}")
    urdu = [word for word in words if unicodedata.bidirectional(word[0]) == "AL"]
    assert unicodedata.normalize("NFKC", " ".join(urdu))[::-1] == title
    assert all(0xFB50 <= ord(c) <= 0xFEFF for word in urdu for c in word)  # joined
    assert words[0] == urdu[0]  # the title comes first, on the left


def test_a_number_after_an_urdu_name_stays_in_its_own_field_on_an_english_line(
        tmp_path, print_date):
    from csa_desktop.services.copy import Copy, init_copy

    name = "عائشہ خان"
    init_copy(tmp_path / "copy", name=name).close()
    with Copy.open(tmp_path / "copy") as copy:
        pages = print_pages(copy, "agreement", tmp_path, print_date=print_date)
    _number, line = find(pages, lambda line: line.drawn.startswith("Printed 5 March 2025 by"))
    urdu = [word for word in line.words if unicodedata.bidirectional(word[0]) == "AL"]
    assert unicodedata.normalize("NFKC", " ".join(urdu))[::-1] == name
    # "by <name> · 2022/23 refresh": the version is not pulled into the Urdu (as a number
    # after Arabic letters would be without the field's own direction)
    after = line.words[line.words.index(urdu[-1]) + 1:]
    assert after[0] == "·" and after[1][:2] == "20" and after[1][-1].isdigit()
    assert line.words.index("by") + 1 == line.words.index(urdu[0])


@pytest.mark.parametrize(("logical", "base", "drawn"), [
    ("abc ابج def", 0, "abc جبا def"),  # an Arabic word inside English
    ("ہم 2025 تک", 1, "کت 2025 مہ"),  # a number inside Urdu keeps its digits' order
    ("کیمرے CCTV (new) لگائیں", 1, "ںیئاگل CCTV (new) ےرمیک"),  # brackets stay with English
    ("سال (2025) میں", 1, "ںیم (2025) لاس"),  # brackets around right-to-left text mirror
    ("by عائشہ · 2022", 0, "by 2022 · ہشئاع"),  # the Unicode rule: the number joins the Urdu
    ("by \u202bعائشہ\u202c · 2022", 0, "by ہشئاع · 2022"),  # unless the name is a field
])
def test_the_bidi_algorithm_orders_a_line_as_unicode_says(logical, base, drawn):
    from csa_desktop.printing.bidi import visual_text

    assert visual_text(logical, base) == drawn


def test_a_text_reads_in_the_direction_most_of_its_letters_have():
    from csa_desktop.printing.bidi import direction

    assert direction("CCTV کیمروں کی تنصیب") == 1
    assert direction("Work with مقامی مساجد on the campaign") == 0
    assert direction("2025 — 1,200") is None
