"""The plan on a page: one A4 landscape page, four columns, shrink to fit or a clear refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from csa_desktop.domain.kinds import PLAN_COLUMN_LABELS
from csa_desktop.errors import PrintFitError
from csa_desktop.services.approvals import step_back, workflow
from csa_desktop.services.printing import partnership_choices, plan_on_a_page_pdf
from tests.printing.pdfcheck import page_texts, reader, squashed, text


def _agreement_uid(copy) -> str:
    return copy.records.list_kind("agreement")[0].uid


def test_demo_plan_on_a_page_is_one_landscape_a4_page(demo_copy, print_date):
    data = plan_on_a_page_pdf(demo_copy, printed_on=print_date)
    pdf = reader(data)
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_plan_on_a_page_shows_four_headings_every_key_issue_and_title_band(demo_copy,
                                                                         print_date):
    printed = text(plan_on_a_page_pdf(demo_copy, printed_on=print_date))
    for heading in ("Evidence", "Key issues", "Our approach", "Our activity"):
        assert heading in printed
    for issue in demo_copy.records.list_kind("key-issue"):
        assert squashed(issue.title) in printed
    for item in demo_copy.records.list_kind("plan-item"):
        assert squashed(item.title) in printed
    assert "Lancashire Community Safety Agreement 2022–2025" in printed
    assert "2022/23 refresh" in printed
    assert "NOTED BY CABINET" in printed and "8 September 2022" in printed  # where it stands
    assert "Printed 5 March 2025" in printed and "Page 1 of 1" in printed


def test_plan_on_a_page_shows_the_boards_approval_at_that_stage(demo_copy, print_date):
    step_back(demo_copy)  # before Cabinet noted it
    assert workflow(demo_copy).status == "approved-by-board"
    printed = text(plan_on_a_page_pdf(demo_copy, printed_on=print_date))
    assert "APPROVED" in printed and "4 July 2022" in printed  # the Board's approval
    assert "NOTED BY CABINET" not in printed and "8 September 2022" not in printed


def test_plan_on_a_page_says_draft_when_the_agreement_is_a_draft(demo_copy, print_date):
    while workflow(demo_copy).status != "draft":  # back through the approvals
        step_back(demo_copy)
    printed = text(plan_on_a_page_pdf(demo_copy, printed_on=print_date))
    assert "DRAFT" in printed
    assert "APPROVED" not in printed and "NOTED BY CABINET" not in printed


def test_longer_text_shrinks_and_still_prints_every_item_on_one_page(demo_copy, print_date):
    agreement = _agreement_uid(demo_copy)
    added = []
    for n in range(6):
        words = f"Longer activity {n}: partners meet monthly to review the delivery plan, " \
                "share analysis and agree the next steps with district partnerships"
        demo_copy.records.create("plan-item", {"agreement_uid": agreement,
                                               "column": "activity", "text": words})
        added.append(words)
    data = plan_on_a_page_pdf(demo_copy, printed_on=print_date)
    assert len(reader(data).pages) == 1
    printed = text(data)
    for words in added:
        assert squashed(words) in printed


def test_too_much_text_is_refused_naming_the_column_and_nothing_is_cut(demo_copy, print_date):
    agreement = _agreement_uid(demo_copy)
    for n in range(40):
        demo_copy.records.create("plan-item", {
            "agreement_uid": agreement, "column": "approach",
            "text": f"Approach statement {n}: " + "a very long explanation " * 30})
    with pytest.raises(PrintFitError) as refused:
        plan_on_a_page_pdf(demo_copy, printed_on=print_date)
    message = str(refused.value)
    assert "“Our approach”" in message
    assert "7 pt" in message
    assert "Our activity" not in message  # only the column that is too long is named
    assert refused.value.exit_code == 3


def test_every_partnership_with_a_local_plan_gets_a_one_page_local_plan_on_a_page(
        demo_copy, print_date):
    choices = [c for c in partnership_choices(demo_copy) if c.has_plan]
    assert choices
    for choice in choices:
        data = plan_on_a_page_pdf(demo_copy, partnership=choice.name, printed_on=print_date)
        pages = page_texts(data)
        assert len(pages) == 1
        assert choice.name in pages[0]
        for heading in ("Our priorities", "Our actions", "At a glance"):
            assert heading in pages[0]
        plan = demo_copy.records.list_kind("local-plan",
                                           where={"partnership_uid": choice.uid})[0]
        for priority in demo_copy.records.list_kind("local-priority",
                                                    where={"plan_uid": plan.uid}):
            assert squashed(priority.title) in pages[0]


def test_local_plan_on_a_page_shows_each_actions_rag_as_a_word(demo_copy, print_date):
    printed = text(plan_on_a_page_pdf(demo_copy, partnership="West Lancashire CSP",
                                      printed_on=print_date))
    assert "RED" in printed and "AMBER" in printed and "GREEN" in printed
    assert "Past due date and not completed" in printed  # printed in 2025, due in 2023


def test_plan_on_a_page_uses_the_shown_print_date_not_the_clock(demo_copy):
    printed = text(plan_on_a_page_pdf(demo_copy, printed_on=dt.date(2024, 1, 31)))
    assert "Printed 31 January 2024" in printed


def test_column_labels_are_the_ones_the_record_kinds_declare():
    assert list(PLAN_COLUMN_LABELS.values()) == ["Evidence", "Key issues", "Our approach",
                                                 "Our activity"]
