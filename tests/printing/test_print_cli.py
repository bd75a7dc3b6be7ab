"""csa print: writes the PDF and exits 0; 2 for an unknown partnership; 3 when the plan on a
page is too long; never a half-written file, never a change to the copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.services.copy import Copy
from tests.helpers import dump
from tests.printing.pdfcheck import page_texts, reader


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


@pytest.mark.parametrize(("document", "extra", "expect"), [
    ("plan-on-a-page", [], "Our activity"),
    ("plan-on-a-page", ["--partnership", "Lancaster District CSP"], "Our priorities"),
    ("agreement", [], "Contents"),
    ("local-plan", ["--partnership", "west lancashire csp"], "Latest progress update"),
])
def test_print_writes_the_document_and_exits_0(demo_dir, tmp_path, capsys, document, extra,
                                               expect):
    before = dump(demo_dir)
    out = tmp_path / f"{document}.pdf"
    assert csa(demo_dir, "print", document, *extra, "--out", str(out)) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert expect in " ".join(page_texts(out.read_bytes()))
    assert dump(demo_dir) == before  # printing changes nothing in the copy


def test_print_with_the_same_date_and_reproducible_is_byte_identical(demo_dir, tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        assert csa(demo_dir, "print", "agreement", "--date", "2025-03-05", "--reproducible",
                   "--out", str(out)) == 0
    assert first.read_bytes() == second.read_bytes()
    assert "Printed 5 March 2025" in page_texts(first.read_bytes())[0]


def test_unknown_partnership_exits_2_with_one_line_and_writes_nothing(demo_dir, tmp_path,
                                                                      capsys):
    out = tmp_path / "x.pdf"
    assert csa(demo_dir, "print", "local-plan", "--partnership", "Atlantis CSP",
               "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("csa: unknown partnership 'Atlantis CSP'")
    assert err.count("\n") == 1
    assert not out.exists()


def test_local_plan_without_a_partnership_on_a_lead_copy_asks_which(demo_dir, tmp_path,
                                                                    capsys):
    assert csa(demo_dir, "print", "local-plan", "--out", str(tmp_path / "x.pdf")) == 2
    assert "say which partnership" in capsys.readouterr().err


def test_too_long_plan_on_a_page_exits_3_naming_the_column_and_keeps_the_old_file(
        demo_dir, tmp_path, capsys):
    with Copy.open(demo_dir) as copy:
        agreement = copy.records.list_kind("agreement")[0].uid
        for n in range(40):
            copy.records.create("plan-item", {"agreement_uid": agreement, "column": "evidence",
                                              "text": f"Evidence {n}: " + "long finding " * 60})
    (tmp_path / "prints").mkdir()
    out = tmp_path / "prints" / "plan.pdf"
    out.write_bytes(b"the previous print")
    assert csa(demo_dir, "print", "plan-on-a-page", "--out", str(out)) == 3
    err = capsys.readouterr().err
    assert "“Evidence” column is too long" in err and "7 pt" in err
    assert out.read_bytes() == b"the previous print"
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_unknown_document_and_missing_out_are_usage_errors(demo_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        csa(demo_dir, "print", "brochure", "--out", "x.pdf")
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        csa(demo_dir, "print", "agreement")
    assert exit_info.value.code == 2


def test_out_into_a_missing_folder_exits_2(demo_dir, tmp_path, capsys):
    assert csa(demo_dir, "print", "agreement", "--out",
               str(tmp_path / "nowhere" / "a.pdf")) == 2
    assert "does not exist" in capsys.readouterr().err


def test_printed_plan_on_a_page_is_one_page(demo_dir, tmp_path):
    out = tmp_path / "poap.pdf"
    assert csa(demo_dir, "print", "plan-on-a-page", "--out", str(out)) == 0
    assert len(reader(out.read_bytes()).pages) == 1


def test_a_district_copy_prints_its_own_local_plan_without_naming_it(tmp_path, capsys):
    copy_dir, out = tmp_path / "district", tmp_path / "mine.pdf"
    assert csa(copy_dir, "init", "--role", "district", "--demo", "--partnership", "Pendle CSP") == 0
    assert csa(copy_dir, "print", "local-plan", "--out", str(out)) == 0
    assert "Pendle CSP Partnership Plan" in page_texts(out.read_bytes())[0]


def long_plan(folder: Path) -> None:
    """A plan on a page far too long for its one page (and taller than any page)."""
    with Copy.open(folder) as copy:
        agreement = copy.records.list_kind("agreement")[0].uid
        for n in range(40):
            copy.records.create("plan-item", {"agreement_uid": agreement, "column": "activity",
                                              "text": f"Activity {n}: " + "detail " * 120})


def test_print_agreement_with_a_plan_too_long_for_one_page_prints_every_item(
        demo_dir, tmp_path, capsys):
    long_plan(demo_dir)
    out = tmp_path / "agreement.pdf"
    assert csa(demo_dir, "print", "agreement", "--out", str(out)) == 0
    text = " ".join(page_texts(out.read_bytes()))
    assert all(f"Activity {n}:" in text for n in range(40))  # its appendix splits, cuts none
    assert "internal error" not in capsys.readouterr().err


def test_print_agreement_refuses_politely_what_no_page_can_hold(demo_dir, tmp_path, capsys,
                                                                monkeypatch):
    from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

    def too_large(*_args, **_kwargs):
        raise LayoutError("Flowable too large on page 9")

    monkeypatch.setattr(BaseDocTemplate, "multiBuild", too_large)
    out = tmp_path / "agreement.pdf"
    assert csa(demo_dir, "print", "agreement", "--out", str(out)) == 3
    err = capsys.readouterr().err
    assert "taller than a page" in err and "internal error" not in err
    assert not out.exists()
