"""Themes across versions: a copy made before them (revision 0013, the Serious Violence Duty
flag on key issues and `in_lancashire_12` on areas) upgrades to the Serious Violence Duty
theme with its key issues tagged, areas "in the agreement's footprint", the same in the lead
and the district, and nothing new for the district to send."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY, SERIOUS_VIOLENCE_DUTY_UID
from csa_desktop.services.copy import Copy
from csa_desktop.storage.database import make_engine
from tests.bundle.test_local_changes import sent


def _downgrade(folder: Path, revision: str) -> None:
    engine = make_engine(folder / "csa.sqlite3")
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()
    engine.dispose()


def _flagged_and_areas(folder: Path) -> tuple[set[str], dict[str, int]]:
    conn = sqlite3.connect(folder / "csa.sqlite3")
    flagged = {r[0] for r in conn.execute(
        "SELECT uid FROM key_issues WHERE serious_violence_duty = 1")}
    areas = dict(conn.execute("SELECT uid, in_lancashire_12 FROM areas").fetchall())
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "themes" not in tables
    return flagged, areas


def test_a_copy_made_before_themes_upgrades_to_the_serious_violence_duty_theme(exchange_dirs):
    lead, district = exchange_dirs
    with Copy.open(lead) as copy:
        before = {k.uid: k.rev for k in copy.records.list_kind("key-issue")}
        svd_issues = {k.uid for k in copy.records.list_kind("key-issue")
                      if SERIOUS_VIOLENCE_DUTY_UID in k.fields["theme_uids"]}
    assert svd_issues
    for folder in (lead, district):
        _downgrade(folder, "0013_consultations")
        flagged, areas = _flagged_and_areas(folder)
        assert flagged == svd_issues
        assert sum(areas.values()) == 12
    with Copy.open(district) as copy:  # upgrades again
        changes = sent(copy, district.parent / "out.csabundle")
        assert not any(c["kind"] in ("key-issue", "theme", "area") for c in changes.values())
        district_tags = {k.uid: k.fields["theme_uids"]
                         for k in copy.records.list_kind("key-issue")}
        district_themes = [(t.uid, t.title) for t in copy.records.list_kind("theme")]
    with Copy.open(lead) as copy:
        issues = copy.records.list_kind("key-issue")
        themes = [(t.uid, t.title) for t in copy.records.list_kind("theme")]
        footprint = sum(1 for a in copy.records.list_kind("area") if a.fields["in_footprint"])
        history = copy.records.history(next(iter(svd_issues)))
    assert themes == district_themes == [(SERIOUS_VIOLENCE_DUTY_UID, SERIOUS_VIOLENCE_DUTY)]
    assert {k.uid for k in issues if k.fields["theme_uids"]} == svd_issues
    assert district_tags == {k.uid: k.fields["theme_uids"] for k in issues}
    assert {k.uid: k.rev for k in issues} == before  # a conversion, nobody's edit
    assert footprint == 12
    assert any(h.field == "theme_uids" and h.who == "CSA Desktop (upgrade to themes)"
               for h in history)
    conn = sqlite3.connect(lead / "csa.sqlite3")
    triggers = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name IN ('key_issues', 'themes')")}
    conn.close()
    assert triggers == {"local_change_key_issues_insert", "local_change_key_issues_update",
                        "local_change_themes_insert", "local_change_themes_update"}


@pytest.fixture
def exchange_dirs(exchange) -> tuple[Path, Path]:
    return exchange.lead, exchange.district
