"""The consultation record: kept through the generic commands, checked, printed as the
agreement's appendix (PDF, Word, web edition) and listed in the committee report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from csa_desktop.cli import main
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.printing.agreement import render_agreement
from csa_desktop.printing.agreement_html import render_agreement_html
from csa_desktop.services.committee_report import OFFICER, committee_report_docx
from csa_desktop.services.consultations import INDIVIDUAL, consultation_rows
from csa_desktop.services.copy import Copy
from csa_desktop.services.office_export import agreement_docx
from csa_desktop.services.printing import agreement_data
from tests.printing.pdfcheck import squashed, text


def _agreement_uid(copy: Copy) -> str:
    return copy.records.list_kind("agreement")[0].uid


def _add_two(copy: Copy) -> tuple[str, str]:
    issue = copy.records.list_kind("key-issue")[0]
    section = copy.records.list_kind("section")[0]
    group = copy.records.create("consultation", {
        "agreement_uid": _agreement_uid(copy), "consultee": "Lancashire Youth Council",
        "consultee_kind": "group", "method": "Two workshops",
        "opened": dt.date(2025, 3, 3), "closed": dt.date(2025, 3, 28),
        "summary": "Young people asked for more on online harm.",
        "outcome": "Online harm added to the exploitation key issue.",
        "key_issue_uids": [issue.uid], "section_uids": [section.uid]}).created[0][1]
    person = copy.records.create("consultation", {
        "agreement_uid": _agreement_uid(copy), "consultee": "Jane Resident",
        "consultee_kind": "person", "method": "Online survey",
        "opened": dt.date(2025, 2, 1),
        "outcome": "Clearer wording on <hate crime> & its reporting."}).created[0][1]
    return group, person


def test_consultations_are_listed_earliest_first_with_what_they_touched(
        demo_copy: Copy) -> None:
    _add_two(demo_copy)
    rows = consultation_rows(demo_copy)
    assert [r.consultee for r in rows] == ["Jane Resident", "Lancashire Youth Council"]
    issue = demo_copy.records.list_kind("key-issue")[0].title
    section = demo_copy.records.list_kind("section")[0].title
    assert rows[1].touched == f"{section}; {issue}"
    assert rows[1].when == "3 March 2025 to 28 March 2025"
    assert rows[0].when == "from 1 February 2025"


def test_a_consultation_that_closes_before_it_opens_is_refused_and_nothing_is_kept(
        demo_copy: Copy) -> None:
    with pytest.raises(InputError, match=r"Closed \(2025-03-01\) is before Opened"):
        demo_copy.records.create("consultation", {
            "agreement_uid": _agreement_uid(demo_copy), "consultee": "Police and Crime Panel",
            "consultee_kind": "body", "opened": dt.date(2025, 3, 10),
            "closed": dt.date(2025, 3, 1)})
    assert demo_copy.records.list_kind("consultation") == []


def test_a_consultee_kind_outside_person_body_group_is_refused(demo_copy: Copy) -> None:
    with pytest.raises(InputError, match="not one of person, body, group"):
        demo_copy.records.create("consultation", {
            "agreement_uid": _agreement_uid(demo_copy), "consultee": "Everyone",
            "consultee_kind": "crowd"})


def test_the_cli_adds_lists_and_sets_a_consultation(demo_dir: Path, capsys) -> None:
    with Copy.open(demo_dir) as copy:
        agreement = _agreement_uid(copy)
    folder = ["--data-dir", str(demo_dir)]
    assert main([*folder, "add", "consultation", f"agreement_uid={agreement}",
                 "consultee=Lancashire Fire and Rescue Service", "consultee_kind=body",
                 "method=Letter", "opened=2025-01-06"]) == 0
    uid = capsys.readouterr().out.split()[-1]
    assert main([*folder, "set", uid, "outcome=Arson added to the delivery framework."]) == 0
    assert main([*folder, "list", "consultation"]) == 0
    assert "Lancashire Fire and Rescue Service" in capsys.readouterr().out
    assert main([*folder, "set", uid, "closed=2024-12-01"]) != 0
    assert "is before Opened" in capsys.readouterr().err
    with Copy.open(demo_dir) as copy:
        stored = copy.records.get(uid)
    assert stored["outcome"] == "Arson added to the delivery framework."
    assert stored["closed"] is None


def test_a_district_copy_may_not_record_the_county_consultation(tmp_path: Path) -> None:
    from csa_desktop.domain.roles import Role
    from csa_desktop.services.copy import init_copy

    district = init_copy(tmp_path / "d", role=Role.DISTRICT,
                         partnerships=["West Lancashire CSP"], name="West Lancs")
    try:
        with pytest.raises(ScopeError):
            district.records.create("consultation", {
                "agreement_uid": _agreement_uid(district), "consultee": "A residents' panel",
                "consultee_kind": "group"})
    finally:
        district.close()


def test_the_agreement_prints_a_consultation_appendix_naming_groups_not_people(
        demo_copy: Copy) -> None:
    _add_two(demo_copy)
    data = agreement_data(demo_copy, invariant=True)
    printed = squashed(text(render_agreement(data)))
    assert squashed("Appendix: consultation") in printed
    assert squashed("Lancashire Youth Council (group)") in printed
    assert squashed("Online harm added to the exploitation key issue.") in printed
    assert squashed(INDIVIDUAL) in printed
    assert "JaneResident" not in printed
    assert squashed("Clearer wording on <hate crime> & its reporting.") in printed


def test_the_word_and_web_editions_carry_the_consultation_appendix(
        demo_copy: Copy, tmp_path: Path) -> None:
    _add_two(demo_copy)
    path = tmp_path / "a.docx"
    path.write_bytes(agreement_docx(demo_copy))
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings.index("Appendix: consultation") < headings.index(
        "Appendix: version control")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Consultee")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows[0][0] == INDIVIDUAL and rows[1][0] == "Lancashire Youth Council (group)"
    assert "Touched:" in rows[1][2]
    html = render_agreement_html(agreement_data(demo_copy))
    assert '<h2 id="consultation">Appendix: consultation</h2>' in html
    assert "Clearer wording on &lt;hate crime&gt; &amp; its reporting." in html
    assert "Jane Resident" not in html


def test_an_agreement_with_no_consultation_prints_no_empty_appendix(demo_copy: Copy) -> None:
    assert "Appendix: consultation" not in text(render_agreement(agreement_data(demo_copy)))


def test_the_committee_report_lists_the_consultations_in_place_of_the_officer_prompt(
        demo_copy: Copy, tmp_path: Path) -> None:
    def consultation_part() -> list[str]:
        path = tmp_path / "r.docx"
        path.write_bytes(committee_report_docx(demo_copy, "cabinet", dt.date(2026, 9, 10)).data)
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        start = paragraphs.index("Consultation and co-production")
        return paragraphs[start + 1:paragraphs.index("Decisions so far")]

    assert any(p.startswith(f"{OFFICER}the wider consultation") for p in consultation_part())
    _add_two(demo_copy)
    part = consultation_part()
    assert not any(p.startswith(f"{OFFICER}the wider consultation") for p in part)
    assert "The wider consultation (2 consultations; the agreement's consultation appendix " \
           "lists them):" in part
    assert ("Lancashire Youth Council (group) — Two workshops, 3 March 2025 to 28 March "
            "2025: they said: Young people asked for more on online harm; as a result: Online "
            "harm added to the exploitation key issue.") in part
    assert not any("Jane Resident" in p for p in part)


def test_the_public_edition_names_no_restricted_section_a_consultation_touched(
        demo_copy: Copy, tmp_path: Path) -> None:
    _add_two(demo_copy)
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"restricted": True})
    issue = demo_copy.records.list_kind("key-issue")[0].title
    public = agreement_data(demo_copy, invariant=True)
    assert [c.touched for c in public.consultations if c.touched] == [issue]
    full = agreement_data(demo_copy, invariant=True, edition="full")
    assert [c.touched for c in full.consultations if c.touched] == [f"{section.title}; {issue}"]
    report = tmp_path / "report.docx"
    report.write_bytes(committee_report_docx(demo_copy, "cabinet", dt.date(2026, 9, 10)).data)
    words = " ".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "Lancashire Youth Council" in words and section.title not in words
    assert consultation_rows(demo_copy)[1].touched == f"{section.title}; {issue}"  # the page
