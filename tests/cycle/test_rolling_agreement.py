"""A rolling agreement: no end date, refreshed yearly as any other; prints say "rolling,
refreshed annually"; set from the CLI and the agreement editor; older copies migrate."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.services.copy import Copy
from csa_desktop.services.printing import agreement_data, agreement_pdf, plan_on_a_page_data
from csa_desktop.services.refresh import start_refresh
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def agreement(folder: Path):
    with Copy.open(folder) as copy:
        return copy.records.list_kind("agreement")[0]


def test_making_the_agreement_rolling_clears_its_end_and_history_keeps_it(demo_dir, capsys):
    uid = agreement(demo_dir).uid
    assert csa(demo_dir, "set", uid, "rolling=yes") == 0
    found = agreement(demo_dir)
    assert found["rolling"] is True and found["period_end"] is None
    with Copy.open(demo_dir) as copy:
        history = copy.records.history(uid)
    assert any(h.field == "period_end" and h.old == "2025-03-31" and h.new is None
               for h in history)
    assert csa(demo_dir, "set", uid, "period_end=2027-03-31") == 0  # a fixed period again
    found = agreement(demo_dir)
    assert found["rolling"] is False and found["period_end"] == dt.date(2027, 3, 31)


@pytest.mark.parametrize(("values", "message"), [
    (["rolling=yes", "period_end=2027-03-31"], "a rolling agreement has no end date"),
    (["rolling=no", "period_end="], "Period end is required, unless the agreement is rolling"),
    (["period_end="], "Period end is required, unless the agreement is rolling"),
])
def test_an_agreement_is_rolling_or_has_an_end_never_both_nor_neither(demo_dir, capsys,
                                                                      values, message):
    before = dump(demo_dir)
    assert csa(demo_dir, "set", agreement(demo_dir).uid, *values) == 2
    assert message in capsys.readouterr().err
    assert dump(demo_dir) == before


def test_prints_say_rolling_refreshed_annually(demo_copy, tmp_path):
    demo_copy.records.update(demo_copy.records.list_kind("agreement")[0].uid,
                             {"rolling": True})
    cover = dict(agreement_data(demo_copy, printed_on=dt.date(2024, 5, 1)).cover_lines)
    assert cover["Period"] == "From 1 April 2022, rolling, refreshed annually"
    band = plan_on_a_page_data(demo_copy, printed_on=dt.date(2024, 5, 1))
    assert "rolling, refreshed annually" in " ".join(str(v) for v in band.__dict__.values())
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(agreement_pdf(demo_copy, printed_on=dt.date(2024, 5, 1), invariant=True))
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "From 1 April 2022, rolling, refreshed" in text


def test_a_rolling_agreement_is_refreshed_yearly_beyond_any_end(demo_copy):
    demo_copy.records.update(demo_copy.records.list_kind("agreement")[0].uid,
                             {"rolling": True})
    for year in ("2023/24", "2024/25", "2025/26", "2026/27"):  # past the old 2025 end
        started = start_refresh(demo_copy, year)
        assert started.refresh.label == year
    found = demo_copy.records.list_kind("agreement")[0]
    assert found["rolling"] is True and found["period_end"] is None
