"""Every `csa` verb, and every bad input: a one-line message, exit code 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def first_uid(folder: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert csa(folder, "list", kind, "--json") == 0
    return str(json.loads(capsys.readouterr().out)[0]["uid"])


def test_version_prints_the_app_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "CSA Desktop 0." in capsys.readouterr().out


def test_init_makes_a_demo_copy_and_info_reports_role_and_counts(tmp_path, capsys):
    assert csa(tmp_path, "init", "--name", "County team") == 0
    assert csa(tmp_path, "info", "--json") == 0
    info = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert info["role"] == "lead"
    assert info["name"] == "County team"
    assert info["counts"]["area"] == 14
    assert info["counts"]["key-issue"] == 8
    assert info["schema_revision"]


def test_init_empty_makes_a_blank_copy(tmp_path, capsys):
    assert csa(tmp_path, "init", "--empty") == 0
    assert csa(tmp_path, "info", "--json") == 0
    info = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert set(info["counts"].values()) == {0}


def test_init_refuses_to_overwrite_an_existing_copy(demo_dir, capsys):
    before = dump(demo_dir)
    assert csa(demo_dir, "init") == 2
    assert "already exists" in capsys.readouterr().err
    assert dump(demo_dir) == before


def test_init_district_demo_resolves_the_partnership_by_name(tmp_path, capsys):
    assert csa(tmp_path, "init", "--role", "district", "--demo",
               "--partnership", "West Lancashire CSP",
               "--name", "West Lancs officer") == 0
    capsys.readouterr()
    assert csa(tmp_path, "info", "--json") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["role"] == "district"
    assert [s["name"] for s in info["scope"]] == ["West Lancashire CSP"]


def test_init_district_with_an_unknown_partnership_is_refused_and_leaves_no_copy(tmp_path,
                                                                                  capsys):
    assert csa(tmp_path, "init", "--role", "district", "--demo",
               "--partnership", "Atlantis CSP") == 2
    assert "unknown partnership 'Atlantis CSP'" in capsys.readouterr().err
    assert not (tmp_path / "csa.sqlite3").exists()


def test_check_passes_on_a_sound_copy(demo_dir, capsys):
    assert csa(demo_dir, "check") == 0
    assert "ok" in capsys.readouterr().out


def test_check_fails_on_a_dangling_reference(demo_dir, capsys):
    import sqlite3

    conn = sqlite3.connect(demo_dir / "csa.sqlite3")
    conn.execute("UPDATE actions SET plan_uid = '00000000-0000-4000-8000-000000000000' "
                 "WHERE rowid = (SELECT min(rowid) FROM actions)")
    conn.commit()
    conn.close()
    assert csa(demo_dir, "check") == 1
    assert "foreign key" in capsys.readouterr().out


def test_list_shows_records_with_uids_and_filters_by_partnership(demo_dir, capsys):
    assert csa(demo_dir, "list", "action", "--partnership", "West Lancashire CSP",
               "--json") == 0
    west = json.loads(capsys.readouterr().out)
    assert csa(demo_dir, "list", "action", "--json") == 0
    everything = json.loads(capsys.readouterr().out)
    assert 0 < len(west) < len(everything)
    assert csa(demo_dir, "list", "key-issue") == 0
    assert "Domestic abuse" in capsys.readouterr().out


def test_show_prints_every_field(demo_dir, capsys):
    uid = first_uid(demo_dir, "key-issue", capsys)
    assert csa(demo_dir, "show", uid) == 0
    out = capsys.readouterr().out
    assert "statement" in out and "rationale" in out
    assert csa(demo_dir, "show", uid, "--json") == 0
    assert json.loads(capsys.readouterr().out)["uid"] == uid


def test_set_changes_a_field_bumps_the_revision_and_records_history(demo_dir, capsys):
    uid = first_uid(demo_dir, "action", capsys)
    assert csa(demo_dir, "set", uid, "rag=red", "due_on=2024-03-31") == 0
    capsys.readouterr()
    assert csa(demo_dir, "show", uid, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["fields"]["rag"] == "red"
    assert shown["fields"]["due_on"] == "2024-03-31"
    assert shown["rev"] == 2
    assert csa(demo_dir, "history", uid, "--json") == 0
    history = json.loads(capsys.readouterr().out)
    assert {"field": "due_on", "new": "2024-03-31"}.items() <= history[-1].items() or any(
        h["field"] == "due_on" and h["new"] == "2024-03-31" for h in history)


def test_add_creates_a_record_and_delete_tombstones_it_with_its_children(demo_dir, capsys):
    plan = first_uid(demo_dir, "local-plan", capsys)
    assert csa(demo_dir, "add", "action", f"plan_uid={plan}", "title=Knife crime workshops",
               "status=in-progress", "rag=amber") == 0
    created = capsys.readouterr().out.split()[-1]
    assert csa(demo_dir, "add", "progress-update", f"action_uid={created}", "period=2024/25 Q1",
               "reported_on=2024-06-30", "rag=green", "narrative=Started") == 0
    update = capsys.readouterr().out.split()[-1]
    assert csa(demo_dir, "delete", created) == 0
    assert update in capsys.readouterr().out
    assert csa(demo_dir, "show", update, "--json") == 0
    assert json.loads(capsys.readouterr().out)["deleted"] is True


BAD_INPUTS = [
    pytest.param(["set", "{action}", "colour=blue"], "has no field 'colour'", id="unknown-field"),
    pytest.param(["set", "{action}", "due_on=31/12/2024"], "not a date", id="bad-date"),
    pytest.param(["set", "{action}", "rag=purple"], "not one of", id="bad-choice"),
    pytest.param(["set", "{action}", "title="], "required", id="empty-required"),
    pytest.param(["set", "{action}", "title=Safe\x1b[2Jstreets"],
                 "What we will do contains a control character (U+001B ESC at character 5)",
                 id="escape-sequence-in-text"),
    pytest.param(["set", "{action}", "partners=Police\x9b31m"],
                 "Who else is involved contains a control character (U+009B CSI",
                 id="c1-control-in-text"),
    pytest.param(["set", "{action}", "title"], "not FIELD=VALUE", id="no-equals"),
    pytest.param(["set", "{action}", "uid=x"], "kept by CSA Desktop", id="system-field"),
    pytest.param(["set", "{action}", "title=" + "x" * 600], "too long", id="too-long"),
    pytest.param(["set", "{action}", "plan_uid=not-a-uid"], "not a valid", id="bad-ref"),
    pytest.param(["set", "{action}", "plan_uid=00000000-0000-4000-8000-000000000000"],
                 "no local plan has the uid", id="missing-ref"),
    pytest.param(["set", "{area}", "in_footprint=perhaps"], "not yes or no", id="bad-bool"),
    pytest.param(["set", "00000000-0000-4000-8000-000000000000", "title=x"], "no record",
                 id="unknown-uid"),
    pytest.param(["set", "not-a-uid", "title=x"], "not a valid uid", id="malformed-uid"),
    pytest.param(["add", "spaceship", "name=x"], "unknown record kind", id="unknown-kind"),
    pytest.param(["add", "action", "title=Orphan"], "required", id="add-missing-parent"),
    pytest.param(["delete", "00000000-0000-4000-8000-000000000000"], "no record",
                 id="delete-unknown"),
    pytest.param(["list", "spaceship"], "unknown record kind", id="list-unknown-kind"),
    pytest.param(["show", "00000000-0000-4000-8000-000000000000"], "no record", id="show-unknown"),
    pytest.param(["history", "nonsense"], "not a valid uid", id="history-malformed-uid"),
    pytest.param(["add", "area", "name=Atlantis", "kind=island"], "not one of",
                 id="add-bad-choice"),
    pytest.param(["add", "area", "name=Atlantis", "kind=district", "name=Again"], "given twice",
                 id="add-field-twice"),
    pytest.param(["list", "action", "--partnership", "Atlantis"], "unknown partnership",
                 id="list-unknown-partnership"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_gets_one_line_exit_2_and_changes_nothing(demo_dir, capsys, args, message):
    uids = {"action": first_uid(demo_dir, "action", capsys),
            "area": first_uid(demo_dir, "area", capsys)}
    args = [a.format(**uids) for a in args]
    before = dump(demo_dir)
    assert csa(demo_dir, *args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert dump(demo_dir) == before


def test_district_copy_cannot_change_another_partnerships_plan(tmp_path, capsys):
    assert csa(tmp_path, "init", "--role", "district", "--demo",
               "--partnership", "West Lancashire CSP") == 0
    capsys.readouterr()
    assert csa(tmp_path, "list", "action", "--partnership", "Pendle CSP", "--json") == 0
    pendle_action = json.loads(capsys.readouterr().out)[0]["uid"]
    assert csa(tmp_path, "list", "action", "--partnership", "West Lancashire CSP", "--json") == 0
    own_action = json.loads(capsys.readouterr().out)[0]["uid"]
    before = dump(tmp_path)
    assert csa(tmp_path, "set", pendle_action, "rag=red") == 2
    assert "outside its scope" in capsys.readouterr().err
    assert csa(tmp_path, "delete", pendle_action) == 2
    assert dump(tmp_path) == before
    assert csa(tmp_path, "set", own_action, "rag=red") == 0


def test_district_copy_cannot_edit_the_county_text_but_an_editor_can(tmp_path, capsys):
    district, editor = tmp_path / "d", tmp_path / "e"
    assert csa(district, "init", "--role", "district", "--demo",
               "--partnership", "Pendle CSP") == 0
    assert csa(editor, "init", "--role", "editor", "--demo", "--partnership", "Pendle CSP") == 0
    for folder, expected in ((district, 2), (editor, 0)):
        section = first_uid(folder, "section", capsys)
        assert csa(folder, "set", section, "title=Context (revised)") == expected


def test_no_command_prints_usage_and_fails(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_commands_on_a_missing_copy_say_to_run_init(tmp_path, capsys):
    assert csa(tmp_path / "nowhere", "info") == 1
    assert "csa init" in capsys.readouterr().err


def test_our_own_bugs_exit_70_with_the_traceback_in_the_log_not_on_screen(demo_dir, capsys,
                                                                           monkeypatch):
    from csa_desktop.services.records import RecordService

    def broken(*_args, **_kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(RecordService, "list_kind", broken)
    assert csa(demo_dir, "list", "area") == 70
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
    log_text = (demo_dir / "logs" / "csa-desktop.log").read_text()
    assert "RuntimeError: simulated bug" in log_text and "Traceback" in log_text


def write_raw_title(folder: Path, uid: str, title: str) -> None:
    """A value as an older CSA Desktop (or an older bundle) may have left it."""
    import sqlite3

    conn = sqlite3.connect(folder / "csa.sqlite3")
    conn.execute("UPDATE actions SET title = ? WHERE uid = ?", (title, uid))
    conn.commit()
    conn.close()


def test_list_and_show_escape_control_characters_left_in_old_data(demo_dir, capsys):
    uid = first_uid(demo_dir, "action", capsys)
    write_raw_title(demo_dir, uid, "Safe\x1b[2J\x1b[31mstreets\x9b")
    assert csa(demo_dir, "show", uid) == 0
    shown = capsys.readouterr().out
    assert "Safe\\x1b[2J\\x1b[31mstreets\\x9b" in shown
    assert csa(demo_dir, "list", "action") == 0
    listed = capsys.readouterr().out
    assert "Safe\\x1b[2J" in listed
    for text in (shown, listed):
        assert "\x1b" not in text and "\x9b" not in text


def test_json_output_keeps_control_characters_as_json_escapes(demo_dir, capsys):
    uid = first_uid(demo_dir, "action", capsys)
    write_raw_title(demo_dir, uid, "Safe\x1b[2Jstreets\x9b")
    assert csa(demo_dir, "show", uid, "--json") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert json.loads(out)["fields"]["title"] == "Safe\x1b[2Jstreets\x9b"
