"""The agreement and the local plan / action tracker, read back from the PDF."""

from __future__ import annotations

import re

import pytest

from csa_desktop.errors import InputError
from csa_desktop.services.printing import agreement_pdf, local_plan_pdf
from tests.printing.pdfcheck import layout_lines, page_texts, squashed, text


def test_agreement_has_cover_contents_with_page_numbers_and_sections_in_order(demo_copy,
                                                                            print_date):
    data = agreement_pdf(demo_copy, printed_on=print_date)
    pages = page_texts(data)
    assert "Community Safety Agreement" in pages[0] and "NOTED BY CABINET" in pages[0]
    assert "Contents" in pages[1]
    contents = {}
    for line in layout_lines(data, 1):
        entry = re.fullmatch(r"(.+?) [. ]*?(\d+)", line)
        if entry and "." in line:
            contents[entry.group(1).strip(" .")] = int(entry.group(2))
    body = " ".join(pages[2:])
    positions = []
    for section in demo_copy.records.list_kind("section"):
        title = squashed(f"{section['number']} {section.title}")
        assert title in contents, f"{title} missing from the contents {contents}"
        page = pages[contents[title] - 1]
        assert squashed(section.title) in page, f"{title} is not on page {contents[title]}"
        positions.append(body.index(squashed(section.title)))
    assert positions == sorted(positions)
    assert contents["Approvals"] == len(pages) or "Approvals" in pages[contents["Approvals"] - 1]


def test_agreement_prints_paragraphs_bullets_delivery_framework_and_approvals(demo_copy,
                                                                           print_date):
    printed = text(agreement_pdf(demo_copy, printed_on=print_date))
    assert "• Crime and Disorder Act 1998" in printed  # a "- " bullet line
    for heading in ("Key issue", "Lead partnership or board", "Delivery mechanism",
                    "Reports to (how often)"):
        assert heading in printed
    assert "Lancashire Violence Reduction Network" in printed
    for approval in demo_copy.records.list_kind("approval"):
        assert squashed(approval["decision"]) in printed
    for issue in demo_copy.records.list_kind("key-issue"):
        assert squashed(issue["statement"]) in printed


def test_every_agreement_page_has_a_page_x_of_y_footer(demo_copy, print_date):
    pages = page_texts(agreement_pdf(demo_copy, printed_on=print_date))
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "2022/23 refresh" in page


def test_local_plan_groups_actions_by_priority_with_lead_due_status_and_rag(demo_copy,
                                                                         print_date):
    printed = text(local_plan_pdf(demo_copy, "West Lancashire CSP", printed_on=print_date))
    plan = demo_copy.records.list_kind("local-plan", partnership="West Lancashire CSP")[0]
    priorities = demo_copy.records.list_kind("local-priority", where={"plan_uid": plan.uid})
    actions = demo_copy.records.list_kind("action", where={"plan_uid": plan.uid})
    words = {"red": "RED", "amber": "AMBER", "green": "GREEN", "not-rated": "NOT RATED"}
    for priority in priorities:
        start = printed.index(squashed(priority.title))
        for action in actions:
            if action["priority_uid"] != priority.uid:
                continue
            title = squashed(action.title)
            at = printed.index(title, start)
            row = printed[at:at + 900]
            assert squashed(str(action["lead_role"])) in row
            assert words[str(action["rag"])] in row
    for heading in ("What we will do", "Lead", "Who else is involved", "Due", "Status", "RAG",
                    "Latest progress update"):
        assert heading in printed
    assert "31 Mar 2023" in printed and "In progress" in printed and "Completed" in printed


def test_local_plan_shows_only_the_latest_progress_update_of_each_action(demo_copy,
                                                                      print_date):
    printed = text(local_plan_pdf(demo_copy, "West Lancashire CSP", printed_on=print_date))
    assert "Materials in 40 surgeries and pharmacies" in printed  # Q3, the latest
    assert "distribution delayed by print supplier" not in printed  # Q2, superseded


def test_local_plan_of_an_unknown_partnership_is_refused_by_name(demo_copy):
    with pytest.raises(InputError, match="unknown partnership 'Atlantis CSP'"):
        local_plan_pdf(demo_copy, "Atlantis CSP")


def test_demo_prints_carry_a_visible_sample_data_marker(demo_copy, print_date):
    for data in (agreement_pdf(demo_copy, printed_on=print_date),
                 local_plan_pdf(demo_copy, "West Lancashire CSP", printed_on=print_date)):
        for page in page_texts(data):
            assert "SAMPLE DATA" in page


def test_actions_archived_in_an_earlier_refresh_are_left_out_of_the_tracker(demo_copy,
                                                                         print_date):
    plan = demo_copy.records.list_kind("local-plan", partnership="Pendle CSP")[0]
    archived, kept = demo_copy.records.list_kind("action", where={"plan_uid": plan.uid})[:2]
    demo_copy.records.update(archived.uid, {"archived_in": "2022/23"})
    printed = text(local_plan_pdf(demo_copy, "Pendle CSP", printed_on=print_date))
    assert squashed(archived.title) not in printed
    assert squashed(kept.title) in printed


def test_a_plan_with_nothing_in_it_yet_still_prints_and_says_so(demo_copy, print_date):
    partnership = demo_copy.records.list_kind("partnership")[-1]
    demo_copy.records.create("local-plan", {"partnership_uid": partnership.uid,
                                            "title": "A new plan", "status": "draft"})
    printed = text(local_plan_pdf(demo_copy, partnership.title, printed_on=print_date))
    assert "A new plan" in printed and "DRAFT" in printed
    assert "no priorities or actions yet" in printed


def test_the_tracker_marks_overdue_actions_as_the_window_does(demo_copy):
    import datetime as dt

    plan = demo_copy.records.list_kind("local-plan", partnership="West Lancashire CSP")[0]
    open_one, done = demo_copy.records.list_kind("action", where={"plan_uid": plan.uid})[:2]
    demo_copy.records.update(open_one.uid, {"start_on": None, "due_on": dt.date(2023, 1, 31),
                                            "status": "in-progress"})
    demo_copy.records.update(done.uid, {"start_on": None, "due_on": dt.date(2023, 1, 31),
                                        "status": "completed"})
    before = text(local_plan_pdf(demo_copy, "West Lancashire CSP",
                                 printed_on=dt.date(2023, 1, 15)))
    after = text(local_plan_pdf(demo_copy, "West Lancashire CSP",
                                printed_on=dt.date(2023, 2, 15)))
    assert "OVERDUE" not in before
    row = after[after.index(squashed(open_one.title)):]
    assert "OVERDUE" in row[:900]
    done_row = after[after.index(squashed(done.title)):][:400]
    assert "OVERDUE" not in done_row.split(squashed(open_one.title))[0]
    assert re.search(r"\d+ overdue", after)


def test_the_agreement_footer_prints_the_whole_title_when_the_page_has_room(demo_copy,
                                                                           print_date):
    from tests.printing.pdfcheck import page_texts as texts

    title = demo_copy.records.list_kind("agreement")[0].title
    pages = texts(agreement_pdf(demo_copy, printed_on=print_date))
    for number, page in enumerate(pages[1:], start=2):
        footer = page[max(0, page.rindex("Page ") - 400):]
        assert squashed(title) in squashed(footer), number
