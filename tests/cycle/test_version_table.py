"""The version-control table: derived from the previous refresh, with summaries the lead edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import (
    find_refresh,
    set_change_summary,
    start_refresh,
    version_history,
    version_table,
)
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def test_the_first_refresh_has_nothing_to_compare_with(demo_copy):
    table = version_table(demo_copy)
    assert table.based_on is None and table.changes == ()


def test_a_new_refresh_with_no_edits_has_an_empty_table(demo_copy):
    start_refresh(demo_copy, "2023/24")
    table = version_table(demo_copy)
    assert table.based_on is not None and table.based_on.label == "2022/23"
    assert table.changes == ()


def test_edits_to_sections_key_issues_and_the_framework_are_listed_with_summaries(demo_copy):
    start_refresh(demo_copy, "2023/24")
    (agreement,) = demo_copy.records.list_kind("agreement")
    section = demo_copy.records.list_kind("section")[1]
    demo_copy.records.update(section.uid, {"body": "New context for 2023/24."})
    issue = demo_copy.records.list_kind("key-issue")[0]
    demo_copy.records.update(issue.uid, {"name": issue.title + " (revised)",
                                         "statement": "A new public statement."})
    added = demo_copy.records.create("key-issue", {"agreement_uid": agreement.uid,
                                                   "name": "Hate crime"}).created[0][1]
    row = demo_copy.records.list_kind("delivery-framework-row")[0]
    demo_copy.records.delete(row.uid)
    demo_copy.records.update(demo_copy.records.list_kind("action")[0].uid, {"rag": "red"})

    table = version_table(demo_copy)
    lines = {c.record_uid: c for c in table.changes}
    assert set(lines) == {section.uid, issue.uid, added, row.uid}  # the action is not listed
    assert lines[section.uid].change == "changed"
    assert lines[section.uid].summary == "Text revised."
    assert lines[section.uid].fields == ("Text",)
    assert lines[issue.uid].summary == "Renamed and public statement revised."
    assert lines[issue.uid].item == issue.title + " (revised)"
    assert lines[added].change == "added" and lines[added].summary == "New key issue added."
    assert lines[row.uid].change == "removed" and lines[row.uid].area == "Delivery framework"
    assert all(c.changed_on is not None for c in table.changes)
    assert [c.area for c in table.changes] == sorted(
        (c.area for c in table.changes),
        key=["Section", "Key issue", "Delivery framework"].index)


def test_an_edit_undone_before_the_next_refresh_is_no_change(demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"title": "Temporary"})
    demo_copy.records.update(section.uid, {"title": section["title"]})
    assert version_table(demo_copy).changes == ()


def test_the_lead_edits_a_summary_and_it_is_stored(demo_dir):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"body": "Shorter."})
        refresh = find_refresh(copy, "current")
        assert set_change_summary(copy, refresh, section.uid, "Context updated for the "
                                  "2023 strategic assessment.")
    with Copy.open(demo_dir) as copy:
        (line,) = version_table(copy).changes
        assert line.summary == "Context updated for the 2023 strategic assessment."
        assert line.edited and line.derived_summary == "Text revised."
        assert set_change_summary(copy, refresh, section.uid, "")
        (line,) = version_table(copy).changes
        assert line.summary == "Text revised." and not line.edited


@pytest.mark.parametrize(("text", "message"), [
    ("two\nlines", "one line"),
    ("x" * 301, "at most 300"),
])
def test_a_bad_summary_is_refused_and_nothing_changes(demo_dir, text, message):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"body": "Shorter."})
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match=message):
        set_change_summary(copy, find_refresh(copy, "current"), section.uid, text)
    assert dump(demo_dir) == before


def test_a_summary_for_a_record_that_did_not_change_is_refused(demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    with pytest.raises(InputError, match="not in the version-control table"):
        set_change_summary(demo_copy, find_refresh(demo_copy, "current"), section.uid, "x")


def test_closed_refreshes_keep_their_table_in_the_history(demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"body": "Changed in 2023/24."})
    start_refresh(demo_copy, "2024/25")
    issue = demo_copy.records.list_kind("key-issue")[0]
    demo_copy.records.update(issue.uid, {"rationale": "Changed in 2024/25."})
    history = version_history(demo_copy)
    assert [t.refresh.label for t in history] == ["2023/24", "2024/25"]
    assert [c.record_uid for c in history[0].changes] == [section.uid]
    assert [c.record_uid for c in history[1].changes] == [issue.uid]
    assert history[1].changes[0].summary == "Rationale revised."


def test_cli_shows_the_table_and_edits_a_summary(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"body": "Shorter."})
    capsys.readouterr()
    assert csa(demo_dir, "refresh", "changes") == 0
    out = capsys.readouterr().out
    assert "changes since 2022/23" in out and "Text revised." in out
    assert csa(demo_dir, "refresh", "summary", "2023/24", section.uid,
               "Context brought up to date.") == 0
    capsys.readouterr()
    assert csa(demo_dir, "refresh", "changes", "2023/24", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["based_on"] == "2022/23"
    assert data["changes"][0]["summary"] == "Context brought up to date."
    assert csa(demo_dir, "refresh", "changes", "2022/23") == 0
    assert "no refresh before 2022/23 is recorded" in capsys.readouterr().out
