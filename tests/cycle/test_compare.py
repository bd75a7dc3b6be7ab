"""Comparing two refreshes field by field (csa diff)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.errors import InputError
from csa_desktop.services.compare import compare_refreshes
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import start_refresh


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


@pytest.fixture
def edited(demo_dir: Path) -> dict[str, str]:
    """A 2023/24 refresh with a section edited, a key issue added and one moved."""
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        (agreement,) = copy.records.list_kind("agreement")
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"title": "Community safety in Lancashire",
                                          "body": "Line one.\nLine two."})
        added = copy.records.create("key-issue", {"agreement_uid": agreement.uid,
                                                  "name": "Hate crime"}).created[0][1]
        issues = copy.records.list_kind("key-issue")
        copy.records.move(issues[0].uid, after=issues[1].uid, before=issues[2].uid)
        row = copy.records.list_kind("delivery-framework-row")[0]
        partnership = copy.records.list_kind("partnership")[0]
        copy.records.update(row.uid, {"lead_partnership_uid": partnership.uid})
        return {"section": section.uid, "old_title": section.title, "added": added,
                "moved": issues[0].uid, "row": row.uid, "partnership": partnership.title}


def test_changed_fields_are_listed_with_both_values(demo_dir, edited):
    with Copy.open(demo_dir) as copy:
        result = compare_refreshes(copy, "2022/23", "2023/24", ["section", "key-issue"])
    by_uid = {r.uid: r for r in result.records}
    section = by_uid[edited["section"]]
    assert section.change == "changed"
    fields = {f.name: f for f in section.fields}
    assert set(fields) == {"title", "body"}
    assert fields["title"].old_text == edited["old_title"]
    assert fields["title"].new_text == "Community safety in Lancashire"
    assert fields["body"].long
    assert by_uid[edited["added"]].change == "added"
    moved = {f.name: f for f in by_uid[edited["moved"]].fields}
    assert moved["position"].old_text == "1 of 8" and moved["position"].new_text == "2 of 9"
    assert result.counts == {"added": 1, "changed": len(result.records) - 1, "removed": 0}


def test_references_are_shown_by_name(demo_dir, edited):
    with Copy.open(demo_dir) as copy:
        result = compare_refreshes(copy, "2022/23", "current", ["delivery-framework-row"])
    (row,) = result.records
    (field,) = row.fields
    assert field.new_text == edited["partnership"]


def test_a_refresh_compared_with_itself_has_no_differences(demo_dir, edited):
    with Copy.open(demo_dir) as copy:
        assert compare_refreshes(copy, "2022/23", "2022/23").empty


def test_removed_records_are_listed_the_other_way_round(demo_dir, edited):
    with Copy.open(demo_dir) as copy:
        result = compare_refreshes(copy, "2023/24", "2022/23", ["key-issue"])
    assert [r.change for r in result.records if r.uid == edited["added"]] == ["removed"]


def test_an_unknown_refresh_is_named_in_the_message(demo_dir, edited):
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match="refreshes: 2022/23, "
                                                                      "2023/24"):
        compare_refreshes(copy, "2020/21", "current")


def test_cli_diff_prints_text_and_json(demo_dir, edited, capsys):
    capsys.readouterr()
    assert csa(demo_dir, "diff", "2022/23", "2023/24", "--kind", "section") == 0
    out = capsys.readouterr().out
    assert "2022/23 → 2023/24: 0 added, 1 changed, 0 removed" in out
    assert f"Title: {edited['old_title']} → Community safety in Lancashire" in out
    assert "+Line two." in out
    assert csa(demo_dir, "diff", "2022/23", "current", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"] == "2022/23" and data["b"] == "2023/24"
    section = next(r for r in data["records"] if r["uid"] == edited["section"])
    title = next(f for f in section["fields"] if f["name"] == "title")
    assert (title["a"], title["b"]) == (edited["old_title"], "Community safety in Lancashire")


def test_cli_diff_of_an_unknown_kind_is_refused(demo_dir, edited, capsys):
    assert csa(demo_dir, "diff", "2022/23", "current", "--kind", "spaceship") == 2
    assert "unknown record kind" in capsys.readouterr().err
