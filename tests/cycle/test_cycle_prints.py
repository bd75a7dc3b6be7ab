"""Every print says where the refresh stands: DRAFT until the Board approves; the agreement
carries the version-control appendix and only this refresh's approvals."""

from __future__ import annotations

import datetime as dt

from csa_desktop.services.approvals import advance
from csa_desktop.services.printing import agreement_pdf, local_plan_pdf, plan_on_a_page_pdf
from csa_desktop.services.refresh import find_refresh, set_change_summary, start_refresh
from csa_desktop.storage import records
from tests.printing.pdfcheck import page_texts, text

TODAY = dt.date(2024, 12, 1)
PRINTED = dt.date(2024, 12, 2)


def test_a_draft_refresh_prints_draft_on_every_page(demo_copy):
    start_refresh(demo_copy, "2023/24")
    pages = page_texts(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))
    assert all("DRAFT" in page for page in pages)
    assert "DRAFT" in text(plan_on_a_page_pdf(demo_copy, printed_on=PRINTED, invariant=True))


def test_after_board_approval_no_page_says_draft(demo_copy):
    start_refresh(demo_copy, "2023/24")
    advance(demo_copy, "editorial-review", today=TODAY)
    advance(demo_copy, "board", on=dt.date(2024, 7, 1), minute_ref="CSPB 9", today=TODAY)
    pages = page_texts(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))
    assert not any("DRAFT" in page for page in pages)
    assert "APPROVED" in pages[0] and "1 July 2024" in pages[0]
    assert all("APPROVED" in page for page in pages)  # the status in every footer


def test_the_agreement_prints_only_this_refreshs_approvals(demo_copy):
    start_refresh(demo_copy, "2023/24")
    advance(demo_copy, "editorial-review", today=TODAY)
    advance(demo_copy, "board", on=dt.date(2024, 7, 1), today=TODAY)
    printed = text(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))
    assert "Approved the 2023/24 refresh of the agreement." in printed
    assert "Agreed the key themes" not in printed  # a 2022/23 decision


def test_the_version_control_appendix_lists_changes_with_the_leads_summary(demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    issue = demo_copy.records.list_kind("key-issue")[1]
    demo_copy.records.update(section.uid, {"body": "A new introduction."})
    demo_copy.records.update(issue.uid, {"statement": "A new statement."})
    set_change_summary(demo_copy, find_refresh(demo_copy, "current"), section.uid,
                       "Introduction rewritten after the 2023 assessment.")
    pages = page_texts(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))
    last = pages[-1]
    assert "Appendix: version control" in last
    assert "Introduction rewritten after the 2023 assessment." in last
    assert "Public statement revised." in last
    assert "Appendix: version control" in pages[1]  # in the contents


def test_the_first_version_says_there_is_nothing_to_compare_with(demo_copy):
    last = page_texts(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))[-1]
    assert "No refresh of the agreement before 2022/23 is recorded" in last


def test_local_plans_print_without_archived_actions_after_a_refresh(demo_copy):
    closed = [a for a in demo_copy.records.list_kind("action", partnership="Pendle CSP")
              if a["status"] == "completed"]
    start_refresh(demo_copy, "2023/24")
    printed = text(local_plan_pdf(demo_copy, "Pendle CSP", printed_on=PRINTED, invariant=True))
    assert closed and all(" ".join(a.title.split()) not in printed for a in closed)


def test_the_status_never_rests_on_last_years_decision(demo_copy):
    start_refresh(demo_copy, "2023/24")
    (agreement,) = demo_copy.records.list_kind("agreement")
    with demo_copy.store.transaction() as session:  # as a baseline or a conflict decision
        records.update(session, "agreement", agreement.uid, {"status": "approved-by-board"},
                       who="test")
    first = page_texts(agreement_pdf(demo_copy, printed_on=PRINTED, invariant=True))[0]
    assert "APPROVED" in first
    assert "4 July 2022" not in first  # the Board approved 2022/23, not this refresh
