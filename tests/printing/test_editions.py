"""The agreement's two editions: the public one (the default, for publishing) leaves restricted
sections and restricted images out, leaving no trace of them, and says in the contents what it
left out; the full one has everything and is marked OFFICIAL-SENSITIVE in the header and the
footer of every page. The same in Word; the web edition is public only. Read back from the
files: pypdf text per page, python-docx, an HTML parser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from csa_desktop.cli import main
from csa_desktop.errors import InputError
from csa_desktop.services.attachments import add_attachment
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import document_html, print_document
from csa_desktop.services.office_export import agreement_docx
from tests.attachments.images import png
from tests.helpers import dump
from tests.printing.pdfcheck import page_texts, reader
from tests.printing.test_web_edition import Page

SECRET_SECTION = "Operation Nightjar tasking"
SECRET_TEXT = "Tasking of the county lines team by named location"
SECRET_ALT = "Hotspot map of named addresses"
OPEN_ALT = "A map of the twelve districts"


def restricted_content(copy: Copy) -> tuple[str, str]:
    """A restricted section, and a restricted image beside an open one in an open section;
    returns the uids of the two images (restricted, open)."""
    agreement = copy.records.list_kind("agreement")[0]
    copy.records.create("section", {
        "agreement_uid": agreement.uid, "number": "9", "title": SECRET_SECTION,
        "kind": "other", "body": SECRET_TEXT, "restricted": True})
    secret = add_attachment(copy, png(400, 200), "hotspots.png", SECRET_ALT)
    copy.records.update(secret.uid, {"restricted": True})
    shown = add_attachment(copy, png(300, 200), "districts.png", OPEN_ALT)
    section = copy.records.list_kind("section")[0]
    copy.records.update(section.uid, {
        "body": f"{section['body']}\n\n{secret.markdown}\n\n- Partners:\n\n  {secret.markdown}"
                f"\n\n{shown.markdown}"})
    return secret.uid, shown.uid


def images_drawn(data: bytes) -> int:
    return sum(1 for page in reader(data).pages
               for name, obj in (page["/Resources"].get("/XObject") or {}).items()
               if obj.get_object().get("/Subtype") == "/Image")


def test_the_public_pdf_leaves_restricted_content_out_and_says_so_in_the_contents(
        demo_copy: Copy):
    secret, _shown = restricted_content(demo_copy)
    data = print_document(demo_copy, "agreement").data
    pages = page_texts(data)
    everything = " ".join(pages)
    assert SECRET_SECTION not in everything and SECRET_TEXT not in everything
    assert SECRET_ALT not in everything and secret not in everything
    assert "Image not available" not in everything  # left out, not shown missing
    assert OPEN_ALT in everything
    contents = next(p for p in pages if p.startswith("Contents"))
    assert ("This public edition leaves out 1 restricted section and 1 restricted image; "
            "the full edition (OFFICIAL-SENSITIVE) includes them.") in contents
    assert "OFFICIAL-SENSITIVE" not in " ".join(p for p in pages if p is not contents)
    assert images_drawn(data) == 1
    titles = [item.title for item in reader(data).outline if not isinstance(item, list)]
    assert not any(SECRET_SECTION in t for t in titles)


def test_the_full_pdf_has_everything_and_marks_every_page_at_top_and_bottom(demo_copy: Copy):
    restricted_content(demo_copy)
    data = print_document(demo_copy, "agreement", edition="full").data
    pages = page_texts(data)
    assert SECRET_SECTION in " ".join(pages) and SECRET_TEXT in " ".join(pages)
    assert images_drawn(data) >= 2
    for number, page in enumerate(reader(data).pages, start=1):
        found: list[float] = []

        def at(text: str, _cm: object, tm: list[float], _font: object, _size: object,
               found: list[float] = found) -> None:
            if "OFFICIAL-SENSITIVE" in text:
                found.append(tm[5])

        page.extract_text(visitor_text=at)
        height = float(page.mediabox.height)
        assert any(y > height - 40 for y in found), f"page {number} has no marking at the top"
        assert any(y < 30 for y in found), f"page {number} has no marking at the bottom"
    assert "This full edition includes restricted content" in pages[1]


def test_a_public_edition_with_nothing_restricted_says_nothing_about_editions(
        demo_copy: Copy):
    pages = page_texts(print_document(demo_copy, "agreement").data)
    assert "edition" not in pages[1]
    assert "OFFICIAL-SENSITIVE" not in " ".join(pages)


def test_word_editions_match_the_pdf(demo_copy: Copy):
    restricted_content(demo_copy)
    public = Document(io.BytesIO(agreement_docx(demo_copy)))
    text = "\n".join(p.text for p in public.paragraphs)
    assert SECRET_SECTION not in text and SECRET_TEXT not in text and SECRET_ALT not in text
    assert "leaves out 1 restricted section and 1 restricted image" in text
    assert len(public.inline_shapes) == 1
    assert public.inline_shapes[0]._inline.docPr.get("descr") == OPEN_ALT
    assert "OFFICIAL-SENSITIVE" not in public.sections[0].header.paragraphs[0].text
    full = Document(io.BytesIO(agreement_docx(demo_copy, edition="full")))
    text = "\n".join(p.text for p in full.paragraphs)
    assert SECRET_SECTION in text and SECRET_TEXT in text
    assert len(full.inline_shapes) == 3  # the restricted image twice, the open one
    for part in (full.sections[0].header, full.sections[0].footer):
        first = part.paragraphs[0].runs[0]
        assert first.text.strip() == "OFFICIAL-SENSITIVE" and first.bold
    headings = [p.text for p in full.paragraphs if p.style.name == "Heading 1"]
    assert f"9 {SECRET_SECTION}" in headings


def test_the_web_edition_is_public_and_refuses_the_full_one_saying_why(demo_copy: Copy):
    secret, _shown = restricted_content(demo_copy)
    page = Page(document_html(demo_copy, "agreement"))
    text = " ".join(page.text)
    assert SECRET_SECTION not in text and SECRET_TEXT not in text and SECRET_ALT not in text
    assert not any(secret in v for _tag, attrs in page.elements for v in attrs.values())
    assert "leaves out 1 restricted section and 1 restricted image" in text
    with pytest.raises(InputError, match="always the public edition"):
        document_html(demo_copy, "agreement", edition="full")


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def test_csa_print_edition_full_marks_the_pdf_and_word(demo_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]):
    with Copy.open(demo_dir) as copy:
        restricted_content(copy)
    before = dump(demo_dir)
    out = tmp_path / "full.pdf"
    assert csa(demo_dir, "print", "agreement", "--edition", "full", "--out", str(out)) == 0
    assert all("OFFICIAL-SENSITIVE" in p for p in page_texts(out.read_bytes()))
    default = tmp_path / "public.pdf"
    assert csa(demo_dir, "print", "agreement", "--out", str(default)) == 0
    assert SECRET_SECTION not in " ".join(page_texts(default.read_bytes()))
    word = tmp_path / "full.docx"
    assert csa(demo_dir, "print", "agreement", "--edition", "full", "--out", str(word)) == 0
    assert Document(str(word)).sections[0].header.paragraphs[0].runs[0].text.strip() == \
        "OFFICIAL-SENSITIVE"
    assert dump(demo_dir) == before
    capsys.readouterr()


@pytest.mark.parametrize(("args", "message"), [
    (["agreement", "--edition", "full", "--out", "web.html"], "always the public edition"),
    (["local-plan", "--partnership", "west lancashire csp", "--edition", "full", "--out",
      "plan.pdf"], "only the agreement has a full edition"),
    (["plan-on-a-page", "--edition", "full", "--out", "plan.xlsx"],
     "only the agreement has a full edition"),
])
def test_an_edition_that_cannot_be_made_is_refused_and_writes_nothing(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str):
    out = tmp_path / "out"
    out.mkdir()
    args = [*args[:-1], str(out / args[-1])]
    assert csa(demo_dir, "print", *args) == 2
    assert message in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_an_unknown_edition_is_a_usage_error(demo_dir: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        csa(demo_dir, "print", "agreement", "--edition", "secret", "--out",
            str(tmp_path / "a.pdf"))
    assert "invalid choice: 'secret'" in capsys.readouterr().err
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match="no 'secret' edition"):
        print_document(copy, "agreement", edition="secret")


def test_csa_attach_restricted_keeps_the_image_out_of_the_public_edition(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    image = tmp_path / "hotspots.png"
    image.write_bytes(png(320, 200))
    assert csa(demo_dir, "attach", str(image), "--alt", SECRET_ALT, "--restricted") == 0
    uid, markdown = capsys.readouterr().out.splitlines()[:2]
    assert csa(demo_dir, "attach", str(image), "--alt", SECRET_ALT, "--restricted") == 0
    assert "the same attachment is used)" in capsys.readouterr().out  # already restricted
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(uid)["restricted"] is True
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"body": f"Before.\n\n{markdown}\n\nAfter."})
        public = print_document(copy, "agreement").data
        full = print_document(copy, "agreement", edition="full").data
    assert images_drawn(public) == 0 and images_drawn(full) == 1
    assert "1 restricted image" in page_texts(public)[1]


def test_the_public_version_control_appendix_leaves_restricted_sections_out(demo_copy: Copy):
    from csa_desktop.services.refresh import start_refresh

    start_refresh(demo_copy, "2023/24")
    agreement = demo_copy.records.list_kind("agreement")[0]
    demo_copy.records.create("section", {
        "agreement_uid": agreement.uid, "number": "9", "title": SECRET_SECTION,
        "kind": "other", "body": SECRET_TEXT, "restricted": True})
    public = page_texts(print_document(demo_copy, "agreement").data)
    assert SECRET_SECTION not in " ".join(public)
    assert "Only restricted sections changed since 2022/23: the full edition lists the " \
        "changes." in public[-1]
    full = page_texts(print_document(demo_copy, "agreement", edition="full").data)
    assert f"9 {SECRET_SECTION}" in full[-1] or SECRET_SECTION in full[-1]
    word = Document(io.BytesIO(agreement_docx(demo_copy)))
    assert not any(SECRET_SECTION in c.text for t in word.tables for r in t.rows
                   for c in r.cells)
