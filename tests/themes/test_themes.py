"""Cross-cutting themes: the county's own list, tagged on key issues, priorities and actions;
the actions filter finds an action by its own, its priority's or its key issue's themes; the
delivery framework prints them as a column (PDF, Word, web edition)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from csa_desktop.cli import main
from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY_UID
from csa_desktop.printing.agreement import render_agreement
from csa_desktop.printing.agreement_html import render_agreement_html
from csa_desktop.services import tables
from csa_desktop.services.copy import Copy
from csa_desktop.services.office_export import agreement_docx
from csa_desktop.services.printing import agreement_data
from tests.printing.pdfcheck import squashed, text

TODAY = dt.date(2024, 10, 1)


def _theme(copy: Copy, name: str) -> str:
    return next(t.uid for t in copy.records.list_kind("theme") if t.title == name)


def test_the_demo_has_three_themes_and_serious_violence_is_tagged_with_the_duty(
        demo_copy: Copy) -> None:
    assert [t.title for t in demo_copy.records.list_kind("theme")] == [
        "Serious Violence Duty", "Vulnerability and safeguarding", "Early intervention"]
    issue = next(k for k in demo_copy.records.list_kind("key-issue")
                 if k.title.startswith("Serious violence"))
    assert issue.fields["theme_uids"] == [SERIOUS_VIOLENCE_DUTY_UID]


def test_the_theme_filter_finds_actions_by_their_own_priority_or_key_issue_themes(
        demo_copy: Copy) -> None:
    rows = tables.action_rows(demo_copy)
    duty = tables.ActionFilter(theme_uid=SERIOUS_VIOLENCE_DUTY_UID).select(rows, TODAY)
    priorities = {p.uid: p for p in demo_copy.records.list_kind("local-priority")}
    issue = next(k.uid for k in demo_copy.records.list_kind("key-issue")
                 if SERIOUS_VIOLENCE_DUTY_UID in k.fields["theme_uids"])
    under_issue = {r.uid for r in rows if r.priority_uid and r.archived_in is None
                   and priorities[r.priority_uid].fields["key_issue_uid"] == issue}
    assert under_issue and {r.uid for r in duty} == under_issue

    early = _theme(demo_copy, "Early intervention")
    found = {r.title for r in tables.ActionFilter(theme_uid=early).select(rows, TODAY)}
    assert "Fund a youth diversion programme in two neighbourhoods [sample]" in found  # own
    assert "Map children at risk of criminal exploitation with schools [sample]" in found
    assert not tables.ActionFilter(theme_uid=early).empty


def test_tagging_an_action_through_the_cli_makes_the_filter_find_it(demo_dir: Path,
                                                                    capsys) -> None:
    with Copy.open(demo_dir) as copy:
        vulnerability = _theme(copy, "Vulnerability and safeguarding")
        action = next(r for r in tables.action_rows(copy)
                      if r.title.startswith("Young driver education"))
        assert not tables.ActionFilter(theme_uid=vulnerability).matches(action, TODAY)
    assert main(["--data-dir", str(demo_dir), "set", action.uid,
                 f"theme_uids={vulnerability}"]) == 0
    assert main(["--data-dir", str(demo_dir), "add", "theme", "name=Hate crime"]) == 0
    with Copy.open(demo_dir) as copy:
        (row,) = tables.action_rows(copy, uids=[action.uid])
        assert tables.ActionFilter(theme_uid=vulnerability).matches(row, TODAY)
        assert [t.title for t in copy.records.list_kind("theme")][-1] == "Hate crime"


def test_a_tag_naming_no_theme_is_refused(demo_copy: Copy) -> None:
    import pytest

    from csa_desktop.errors import InputError

    issue = demo_copy.records.list_kind("key-issue")[0]
    with pytest.raises(InputError, match="Themes: no theme has the uid"):
        demo_copy.records.update(issue.uid, {"theme_uids": [issue.uid]})
    assert demo_copy.records.get(issue.uid).fields["theme_uids"] == issue.fields["theme_uids"]


def test_the_delivery_framework_prints_a_themes_column_in_pdf_word_and_web(
        demo_copy: Copy, tmp_path: Path) -> None:
    data = agreement_data(demo_copy, invariant=True)
    rows = [r for s in data.sections for r in s.delivery_rows]
    serious = next(r for r in rows if r.key_issue.startswith("Serious violence"))
    assert serious.themes == "Serious Violence Duty"
    printed = squashed(text(render_agreement(data)))
    assert squashed("Key issue Themes Lead partnership or board") in printed
    assert squashed("[Serious Violence Duty]") in printed  # beside the key issue's name

    path = tmp_path / "a.docx"
    path.write_bytes(agreement_docx(demo_copy))
    table = next(t for t in docx.Document(str(path)).tables
                 if t.rows[0].cells[0].text == "Key issue")
    assert [c.text for c in table.rows[0].cells][:3] == [
        "Key issue", "Themes", "Lead partnership or board"]
    cells = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    assert cells[serious.key_issue] == "Serious Violence Duty"

    html = render_agreement_html(data)
    assert '<th scope="col">Themes</th>' in html
    assert "<td>Serious Violence Duty</td>" in html


def test_with_no_themes_tagged_the_framework_prints_no_themes_column(demo_copy: Copy) -> None:
    for issue in demo_copy.records.list_kind("key-issue"):
        demo_copy.records.update(issue.uid, {"theme_uids": []})
    html = render_agreement_html(agreement_data(demo_copy))
    assert '<th scope="col">Themes</th>' not in html
