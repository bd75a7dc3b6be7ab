"""The committee report: the covering report that takes the agreement to Cabinet, Full Council
or the board, drafted in Word from the copy and read back with python-docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from csa_desktop.cli import main
from csa_desktop.errors import InputError
from csa_desktop.services.committee_report import OFFICER, committee_report_docx
from csa_desktop.services.copy import Copy

MEETING = dt.date(2026, 9, 10)


def _read(data: bytes, tmp_path: Path) -> docx.document.Document:
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    return docx.Document(str(path))


def _headings(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith(("Heading", "Title"))]


def test_the_report_has_the_parts_a_council_report_takes_in_word_headings(
        demo_copy: Copy, tmp_path: Path) -> None:
    document = _read(committee_report_docx(demo_copy, "cabinet", MEETING).data, tmp_path)
    assert [text for style, text in _headings(document) if style == "Heading 1"] == [
        "Brief summary", "Recommendation", "Detail", "Consultation and co-production",
        "Decisions so far", "Implications", "Background papers", "Appendices"]
    assert ("Title", "Report to Cabinet") in _headings(document)
    assert {"The statutory basis", "The strategic assessment", "The key issues",
            "What changed since last year"} <= {t for s, t in _headings(document)
                                                if s == "Heading 2"}


def test_it_is_drafted_from_the_copy_key_issues_decisions_and_dates(
        demo_copy: Copy, tmp_path: Path) -> None:
    document = _read(committee_report_docx(demo_copy, "cabinet", MEETING).data, tmp_path)
    text = "\n".join(p.text for p in document.paragraphs)
    issues = [k.title for k in demo_copy.records.list_kind("key-issue")]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert all(issue in bullets for issue in issues)
    assert f"the {len(issues)} key issues that Lancashire Strategic Assessment" in text
    assert "Cabinet is asked to note the Community Safety Agreement and recommend that Full " \
           "Council approve it" in text
    details = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert details["Meeting"] == "10 September 2026"
    assert details["Subject"].startswith("Lancashire Community Safety Agreement 2022–2025")
    decisions = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert decisions[0] == ["Body", "Decision", "Date", "Minute"]
    assert any(row[2] == "4 July 2022" for row in decisions[1:])
    assert "Sample data" in text  # drafted from the demo: said so


def test_what_only_the_officer_can_write_is_marked_and_the_rest_is_written(
        demo_copy: Copy, tmp_path: Path) -> None:
    document = _read(committee_report_docx(demo_copy, "board", MEETING).data, tmp_path)
    paragraphs = [p.text for p in document.paragraphs]
    marked = [p for p in paragraphs if p.startswith(OFFICER)]
    assert any("financial implications" in p for p in marked)
    legal = paragraphs[paragraphs.index("Legal") + 1]
    assert not legal.startswith(OFFICER) and "Crime and Disorder Act 1998" in legal
    assert paragraphs[0] == ("Report to Lancashire Community Safety Partnership Board (county "
                             "Community Safety Strategy Group)")  # the board: the group's name


def test_the_editorial_group_is_named_from_the_keys_the_lead_trusts(
        demo_copy: Copy, tmp_path: Path) -> None:
    from csa_desktop.services.bundles import BundleService

    service = BundleService(demo_copy)
    key = "A" * 43 + "="
    service.trust(key, name="Office of the PCC", role="editor", partnerships=["Pendle CSP"])
    document = _read(committee_report_docx(demo_copy, "council", MEETING).data, tmp_path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The editorial group, which co-produced the text: Office of the PCC." in text


def test_an_unknown_body_and_a_missing_meeting_are_refused_and_nothing_is_written(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Copy.open(demo_dir) as copy, pytest.raises(
            InputError, match=r"'scrutiny' is not a step of this county's approval chain .*"
                              r"\(steps: board, cabinet, council\)"):
        committee_report_docx(copy, "scrutiny", MEETING)
    out = tmp_path / "report.docx"
    assert main(["--data-dir", str(demo_dir), "print", "committee-report", "--body",
                 "cabinet", "--out", str(out)]) == 2
    assert "--meeting YYYY-MM-DD" in capsys.readouterr().err and not out.exists()
    assert main(["--data-dir", str(demo_dir), "print", "committee-report", "--body",
                 "cabinet", "--meeting", "2026-09-10", "--out", str(tmp_path / "r.pdf")]) == 2
    assert "name it .docx" in capsys.readouterr().err
    assert main(["--data-dir", str(demo_dir), "print", "committee-report", "--body",
                 "cabinet", "--meeting", "2026-09-10", "--out", str(out)]) == 0
    assert docx.Document(str(out)).paragraphs[0].text == "Report to Cabinet"



def _recommendation(copy: Copy, body: str, tmp_path: Path) -> str:
    document = _read(committee_report_docx(copy, body, MEETING).data, tmp_path)
    paragraphs = [p.text for p in document.paragraphs]
    return paragraphs[paragraphs.index("Recommendation") + 1]


def test_the_recommendation_follows_the_county_s_own_chain(demo_copy: Copy,
                                                          tmp_path: Path) -> None:
    from csa_desktop.domain.cycle import PRESETS, ChainStep
    from csa_desktop.services.approvals import set_chain

    assert "send it to Cabinet for its decision" in _recommendation(demo_copy, "board", tmp_path)
    board, cabinet, pcc = PRESETS["unitary"]
    set_chain(demo_copy, (board, cabinet, pcc))  # a unitary area: Cabinet decides
    unitary = _recommendation(demo_copy, "cabinet", tmp_path)
    assert unitary == ("Cabinet is asked to approve the Community Safety Agreement as part of "
                       "the Council's Policy Framework, as set out at the appendix.")
    panel = ChainStep("panel", "Reviewed by the Police and Crime Panel",
                      "Police and Crime Panel", True)
    set_chain(demo_copy, (board, panel, pcc))
    assert "send it to Police and Crime Panel for its decision" in _recommendation(
        demo_copy, "board", tmp_path)
    assert _recommendation(demo_copy, "panel", tmp_path).startswith(
        "Police and Crime Panel is asked to approve the Community Safety Agreement, as set")
    document = _read(committee_report_docx(demo_copy, "panel", MEETING).data, tmp_path)
    basis = next(p.text for p in document.paragraphs if p.text.startswith("Under the Crime"))
    assert "regulation 9" not in basis  # not a two-tier chain


def test_the_report_is_a_public_paper_and_leaves_restricted_sections_changes_out(
        demo_copy: Copy, tmp_path: Path) -> None:
    from csa_desktop.services.refresh import start_refresh

    start_refresh(demo_copy, "2023/24")
    agreement = demo_copy.records.list_kind("agreement")[0]
    demo_copy.records.create("section", {
        "agreement_uid": agreement.uid, "number": "9", "title": "Tactical tasking [restricted]",
        "kind": "other", "body": "Operational detail.", "restricted": True})
    document = _read(committee_report_docx(demo_copy, "cabinet", MEETING).data, tmp_path)
    words = " ".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Tactical tasking" not in words
    assert "Only restricted sections changed since 2022/23" in words
