"""Adopting an agreement from Word: the .docx files are built here with python-docx
(tests/adoption/word_builders.py), never checked in."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import docx
import pytest

from csa_desktop.cli import main
from csa_desktop.domain import rich_text
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services import restore_points
from csa_desktop.services.agreement_adoption import AgreementAdoption, guess_kind
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.history import history_lines
from csa_desktop.services.new_copy import CountyFacts, start_county
from csa_desktop.services.word_outline import read_outline

from .word_builders import SECTIONS, bold_headed, kent_agreement, word_numbered


@pytest.fixture
def kent(tmp_path: Path) -> Copy:
    facts = CountyFacts("Kent Community Safety Agreement", dt.date(2025, 4, 1),
                        dt.date(2028, 3, 31), ("Dover", "Thanet"), ("Dover CSP", "Thanet CSP"))
    copy = start_county(tmp_path / "kent", facts, name="Kent CST")
    yield copy
    copy.close()


def _sections(copy: Copy) -> dict[str, dict[str, object]]:
    return {r.title: r.fields for r in copy.records.list_kind("section")}


def _counts(copy: Copy) -> dict[str, int]:
    with sqlite3.connect(copy.store.path) as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("sections", "key_issues", "delivery_framework_rows", "change_records")}


def _adopt(copy: Copy, path: Path, **options: object) -> None:
    adoption = AgreementAdoption(copy)
    adoption.adopt(adoption.plan(path, **options))  # type: ignore[arg-type]


def test_each_heading_1_becomes_a_section_in_order_with_its_number_and_kind(
        kent: Copy, tmp_path: Path) -> None:
    _adopt(kent, kent_agreement(tmp_path / "kent.docx"))
    sections = kent.records.list_kind("section")
    assert [s.title for s in sections] == list(SECTIONS)
    assert [s["number"] for s in sections] == [None, "1", "2", "3", "4", "5", None]
    assert [s["kind"] for s in sections] == ["context", "context", "legislation", "governance",
                                             "priorities", "delivery-framework", "appendix"]


def test_the_text_is_markdown_that_reads_back_as_the_word_text(kent: Copy,
                                                                tmp_path: Path) -> None:
    _adopt(kent, kent_agreement(tmp_path / "kent.docx"))
    body = str(_sections(kent)["Introduction"]["body"])
    blocks = rich_text.parse(body)
    first = blocks[0]
    assert isinstance(first, rich_text.Para)
    assert rich_text.plain(first.runs) == ("The Crime and Disorder Act 1998 requires an "
                                           "agreement — see the Act "
                                           "(https://www.legislation.gov.uk/ukpga/1998/37).")
    assert [(r.text, r.bold, r.italic) for r in first.runs if r.bold or r.italic] == [
        ("Crime and Disorder Act 1998", True, False), ("agreement", False, True)]
    headings = [(b.level, rich_text.plain(b.runs)) for b in blocks
                if isinstance(b, rich_text.Heading)]
    assert headings == [(2, "Our approach"), (3, "How this document is organised")]  # "1.1"
    # and "1.1.1" are left to the print, which numbers sub-sections from their section
    bullets, numbered = [b for b in blocks if isinstance(b, rich_text.ListBlock)]
    assert not bullets.ordered and numbered.ordered
    nested = bullets.items[0][1]
    assert isinstance(nested, rich_text.ListBlock)  # "List Bullet 2" is one level down
    assert rich_text.plain(nested.items[0][0].runs) == "in every district"  # type: ignore[union-attr]
    assert [rich_text.plain(i[0].runs) for i in numbered.items] == [  # type: ignore[union-attr]
        "Agree the priorities", "Publish the plan"]


def test_a_word_table_becomes_a_markdown_table_with_merged_cells_and_pipes_kept(
        kent: Copy, tmp_path: Path) -> None:
    _adopt(kent, kent_agreement(tmp_path / "kent.docx"))
    (table,) = rich_text.parse(str(_sections(kent)["Governance and partnership structure"]
                                   ["body"]))
    assert isinstance(table, rich_text.TableBlock)
    assert [rich_text.plain(c) for c in table.header] == ["Partner", "Duty", "Since"]
    rows = [[rich_text.plain(c) for c in row] for row in table.rows]
    assert rows[0] == ["Kent Police", "Responsible authority | crime", "1998"]
    assert rows[1][2] == "1998 2010" and rows[2] == ["Probation", "", ""]  # merged down


def test_the_delivery_framework_table_becomes_its_rows_and_names_its_key_issues(
        kent: Copy, tmp_path: Path) -> None:
    _adopt(kent, kent_agreement(tmp_path / "kent.docx"))
    issues = {k.uid: k.title for k in kent.records.list_kind("key-issue")}
    assert sorted(issues.values()) == ["Domestic abuse", "Serious violence"]
    rows = [(issues[str(r["key_issue_uid"])], r["lead_name"], r["delivery_mechanism"],
             r["reports_to"]) for r in kent.records.list_kind("delivery-framework-row")]
    assert sorted(rows) == [
        ("Domestic abuse", "District CSPs", "Local plans", "Kent CSP Board"),
        ("Domestic abuse", "Kent and Medway DA Board", "DA strategy action plan",
         "Kent CSP Board"),
        ("Serious violence", "Violence Reduction Unit", "Response strategy", "Kent CSP Board")]
    assert _sections(kent)["Delivery framework"]["body"] is None  # printed from the rows


def test_keeping_the_framework_table_keeps_it_as_text_and_makes_no_rows(
        kent: Copy, tmp_path: Path) -> None:
    _adopt(kent, kent_agreement(tmp_path / "kent.docx"), framework_rows=False)
    assert kent.records.list_kind("delivery-framework-row") == []
    assert "| Serious violence | Violence Reduction Unit |" in str(
        _sections(kent)["Delivery framework"]["body"])


def test_what_cannot_come_in_is_listed_where_it_was(kent: Copy, tmp_path: Path) -> None:
    plan = AgreementAdoption(kent).plan(kent_agreement(tmp_path / "kent.docx"))
    notes = [str(n) for n in plan.not_brought]
    assert any(n.startswith("in '1 Introduction': a text box ('Key fact: 1.9 million")
               for n in notes)
    assert "in '2 Legislation': footnote 1 (footnotes are not brought in)" in notes
    assert any("1 tracked insertion and 1 tracked deletion: brought in as if accepted" in n
               for n in notes)
    assert ("in '2 Legislation': a comment by Editor: 'Check with legal' (comments are not "
            "brought in)") in notes
    assert not any("image" in n for n in notes)  # the image comes in, with its alt text
    _adopt(kent, tmp_path / "kent.docx")
    (attachment,) = kent.records.list_kind("attachment")
    assert attachment["alt_text"] == "Map of the Kent districts"
    assert attachment["media_type"] == "image/png"
    priorities = str(_sections(kent)["Our priorities"]["body"])
    assert f"![Map of the Kent districts](attachment:{attachment.uid})" in priorities
    legislation = str(_sections(kent)["Legislation"]["body"])
    assert "It consults residents." in legislation and "It may consult" not in legislation


def test_bringing_in_the_same_file_again_updates_the_sections_of_the_same_title(
        kent: Copy, tmp_path: Path) -> None:
    path = kent_agreement(tmp_path / "kent.docx")
    _adopt(kent, path)
    uids = {r.title: r.uid for r in kent.records.list_kind("section")}
    document = docx.Document(str(path))
    document.add_heading("Glossary", 1)  # the same title again: the later text wins
    document.paragraphs[-1].insert_paragraph_before("").text = ""
    document.add_paragraph("VRU: Violence Reduction Unit")
    document.save(str(path))
    plan = AgreementAdoption(kent).plan(path, framework_rows=False)
    assert {s.title for s in plan.sections if s.existing_uid} == set(SECTIONS)
    AgreementAdoption(kent).adopt(plan)
    assert {r.title: r.uid for r in kent.records.list_kind("section")} == uids
    assert _sections(kent)["Glossary"]["body"] == "VRU: Violence Reduction Unit"
    lines = history_lines(kent, uids["Glossary"])
    assert {line.how for line in lines} == {"imported from kent.docx"}


def test_adopting_is_one_undo_and_a_dry_run_writes_nothing(kent: Copy, tmp_path: Path) -> None:
    before = _counts(kent)
    path = kent_agreement(tmp_path / "kent.docx")
    adoption = AgreementAdoption(kent)
    result = adoption.adopt(adoption.plan(path), dry_run=True)
    assert result.restore_point is None and _counts(kent) == before
    assert "would bring in 7 section(s) from kent.docx" in result.summary()
    adoption.adopt(adoption.plan(path))
    assert _counts(kent)["sections"] == 7 and _counts(kent)["delivery_framework_rows"] == 3
    restore_points.undo_last_import(kent)
    assert _counts(kent) == before


def test_a_title_too_long_refuses_the_file_and_changes_nothing(kent: Copy,
                                                               tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Context", 1)
    document.add_heading("x" * 250, 1)
    path = tmp_path / "long.docx"
    document.save(str(path))
    before = _counts(kent)
    adoption = AgreementAdoption(kent)
    with pytest.raises(InputError, match=r"long\.docx: nothing was brought in:\n  section "
                                         r"'x{79}…': Title is too long \(250 characters; "
                                         r"at most 200\)"):
        adoption.adopt(adoption.plan(path))
    assert _counts(kent) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "old.docx: not a Word document (.docx) — an older .doc file: save it as .docx"),
    (b"Section 1\nSome text\n", "old.docx: not a Word document (.docx)"),
])
def test_a_file_that_is_not_a_docx_is_named_and_refused(tmp_path: Path, content: bytes,
                                                        message: str) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_outline(path)


def test_a_district_copy_cannot_bring_in_the_agreement(tmp_path: Path) -> None:
    with init_copy(tmp_path / "district", role=Role.DISTRICT,
                   partnerships=["West Lancashire CSP"]) as copy:
        adoption = AgreementAdoption(copy)
        plan = adoption.plan(kent_agreement(tmp_path / "kent.docx"))
        with pytest.raises(ScopeError, match="bring the Word file in on the lead's copy"):
            adoption.adopt(plan)


def test_without_word_headings_short_bold_paragraphs_are_the_section_titles(
        kent: Copy, tmp_path: Path) -> None:
    plan = AgreementAdoption(kent).plan(bold_headed(tmp_path / "bold.docx"))
    assert plan.outline.bold_headings
    assert [(s.title, s.kind) for s in plan.sections] == [("Introduction", "context"),
                                                           ("Our priorities", "priorities")]
    assert plan.sections[1].source.markdown() == ("What the assessment found.\n\n"
                                                   "A sentence with **bold words**")


def test_headings_numbered_by_word_keep_the_numbers_word_shows(tmp_path: Path) -> None:
    outline = read_outline(word_numbered(tmp_path / "numbered.docx"))
    assert [(s.number, s.title) for s in outline.sections] == [
        ("1", "Context"), ("2", "Governance"), ("3", "Our priorities")]


@pytest.mark.parametrize("text", [
    "1. not a list", "# not a heading", "- not a bullet", "*stars* _under_ [link](x) | & <b>",
    "back\\slash `code`", "+ plus", "> quote", "2) two"])
def test_text_that_looks_like_markdown_reads_back_as_written(tmp_path: Path, text: str) -> None:
    document = docx.Document()
    document.add_heading("Context", 1)
    document.add_paragraph(text)
    path = tmp_path / "marks.docx"
    document.save(str(path))
    (section,) = read_outline(path).sections
    (block,) = rich_text.parse(section.markdown())
    assert isinstance(block, rich_text.Para) and rich_text.plain(block.runs) == text


def test_the_cli_shows_the_outline_and_takes_a_kind_for_a_section(
        kent: Copy, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = kent_agreement(tmp_path / "kent.docx")
    folder = kent.data_dir
    kent.close()
    assert main(["--data-dir", str(folder), "adopt", "agreement", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  3 Governance and partnership structure — Governance (new)" in out
    assert "      ## Our approach" in out
    assert "delivery framework rows: 3 (new key issues: Domestic abuse, Serious violence)" in out
    assert main(["--data-dir", str(folder), "adopt", "agreement", str(path),
                 "--kind", "7=other"]) == 0
    with Copy.open(folder) as copy:
        assert _sections(copy)["Glossary"]["kind"] == "other"
    assert main(["--data-dir", str(folder), "adopt", "agreement", str(path),
                 "--kind", "glossary"]) == 2
    assert "--kind 'glossary': write the section's number" in capsys.readouterr().err


@pytest.mark.parametrize(("title", "kind"), [
    ("Delivery framework", "delivery-framework"), ("Appendix A: glossary", "appendix"),
    ("The legislative context", "legislation"), ("Governance", "governance"),
    ("Our priorities and key issues", "priorities"),
    ("Partnership delivery", "partnership-delivery"),
    ("Introduction", "context"), ("Thanks", "other")])
def test_a_heading_is_offered_as_the_part_it_names(title: str, kind: str) -> None:
    assert guess_kind(title) == kind


def _with_images(path: Path, *images: tuple[bytes, str]) -> Path:
    import io

    document = docx.Document()
    document.add_heading("Context", 1)
    for data, alt in images:
        document.add_paragraph().add_run().add_picture(io.BytesIO(data))
        if alt:
            document.inline_shapes[-1]._inline.docPr.set("descr", alt)
    document.save(str(path))
    return path


def test_images_become_attachments_once_each_and_go_with_the_undo(kent: Copy,
                                                                  tmp_path: Path) -> None:
    from tests.attachments.images import jpeg, png

    before = _counts(kent)
    path = _with_images(tmp_path / "pictures.docx", (png(), "Map of Dover"),
                        (png(), "Map of Dover"), (jpeg(), ""))
    plan = AgreementAdoption(kent).plan(path)
    assert [i.alt_text for i in plan.images] == ["Map of Dover", "Map of Dover",
                                                 "Image 3 from pictures.docx"]
    assert any("image 3 has no alternative text in the file" in str(n)
               for n in plan.not_brought)
    AgreementAdoption(kent).adopt(plan)
    attachments = {a["alt_text"]: a for a in kent.records.list_kind("attachment")}
    assert set(attachments) == {"Map of Dover", "Image 3 from pictures.docx"}
    assert attachments["Image 3 from pictures.docx"]["media_type"] == "image/jpeg"
    body = str(_sections(kent)["Context"]["body"])
    assert body.count(f"(attachment:{attachments['Map of Dover'].uid})") == 2
    with sqlite3.connect(kent.store.path) as db:
        assert db.execute("select count(*) from attachment_blobs").fetchone()[0] == 2
    restore_points.undo_last_import(kent)
    assert _counts(kent) == before and kent.records.list_kind("attachment") == []
    with sqlite3.connect(kent.store.path) as db:
        assert db.execute("select count(*) from attachment_blobs").fetchone()[0] == 0


def test_an_image_that_cannot_be_read_is_listed_and_the_rest_comes_in(kent: Copy,
                                                                      tmp_path: Path) -> None:
    from tests.attachments.images import png

    path = _with_images(tmp_path / "damaged.docx", (png(), "A good map"))
    import zipfile

    damaged = tmp_path / "damaged2.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("word/media/"):
                data = data[:60]  # cut short: the PNG no longer decodes
            target.writestr(item, data)
    plan = AgreementAdoption(kent).plan(damaged)
    assert plan.images == ()
    assert any("is damaged" in str(n) or "not brought in" in str(n) for n in plan.not_brought)
    AgreementAdoption(kent).adopt(plan)
    assert "Context" in _sections(kent) and kent.records.list_kind("attachment") == []


def test_a_cancelled_word_import_writes_nothing_and_leaves_no_restore_point(
        kent: Copy, tmp_path: Path) -> None:
    from csa_desktop.services.import_plan import ImportCancelledError

    before, points = _counts(kent), restore_points.list_points(kent)
    steps: list[str] = []

    def cancelled() -> bool:  # the user presses Cancel while the third section is written
        steps.append("asked")
        return len(steps) >= 3

    adoption = AgreementAdoption(kent)
    with pytest.raises(ImportCancelledError):
        adoption.adopt(adoption.plan(kent_agreement(tmp_path / "kent.docx")),
                       cancelled=cancelled)
    assert _counts(kent) == before and restore_points.list_points(kent) == points
