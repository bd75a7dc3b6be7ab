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


def _fresh_agreement(folder) -> tuple[object, str]:
    from csa_desktop.services.copy import init_copy

    copy = init_copy(folder, empty=True, name="Test lead")
    created = copy.records.create("agreement", {
        "title": "Test Community Safety Agreement 2025–2028",
        "period_start": dt.date(2025, 4, 1), "period_end": dt.date(2028, 3, 31)})
    agreement = created.created[0][1]
    copy.records.create("plan-item", {"agreement_uid": agreement, "column": "evidence",
                                      "text": "Strategic assessment 2024"})
    return copy, agreement


@pytest.mark.parametrize("kind", ["agreement", "plan-item", "approval", "section", "key-issue",
                                  "delivery-framework-row"])
def test_plan_on_a_page_says_sample_data_when_any_record_under_the_agreement_is_marked(
        tmp_path, print_date, kind):
    copy, agreement = _fresh_agreement(tmp_path)
    with copy:
        issue = copy.records.create("key-issue", {"agreement_uid": agreement,
                                                  "name": "Domestic abuse"}).created[0][1]
        values = {
            "agreement": {"footprint": "Twelve districts"},
            "plan-item": {"agreement_uid": agreement, "column": "activity",
                          "text": "Annual refresh"},
            "approval": {"agreement_uid": agreement, "body": "Health and Wellbeing Board",
                         "decision": "Noted the agreement."},
            "section": {"agreement_uid": agreement, "title": "Context", "kind": "context",
                        "body": "Why we work together."},
            "key-issue": {"agreement_uid": agreement, "name": "Road safety"},
            "delivery-framework-row": {"key_issue_uid": issue, "lead_name": "County board"},
        }[kind]
        uid = agreement if kind == "agreement" else copy.records.create(kind, values).created[0][1]
        assert "SAMPLE DATA" not in text(plan_on_a_page_pdf(copy, printed_on=print_date))

        field = next(name for name in values if name not in ("agreement_uid", "key_issue_uid",
                                                             "column", "kind"))
        copy.records.update(uid, {field: f"{values[field]} [sample]"})
        assert "SAMPLE DATA" in text(plan_on_a_page_pdf(copy, printed_on=print_date))


def test_plan_on_a_page_text_reads_in_the_order_of_the_page(demo_copy, print_date):
    """Title band first, then each column's heading followed by its items (text copied out of
    the PDF, or read aloud, comes in this order; the bullets come last)."""
    printed = text(plan_on_a_page_pdf(demo_copy, printed_on=print_date))
    plan = [printed.index("Lancashire Community Safety Agreement 2022–2025"),
            printed.index("Plan on a page"), printed.index("NOTED BY CABINET")]
    for heading in PLAN_COLUMN_LABELS.values():
        plan.append(printed.index(heading))
    agreement = _agreement_uid(demo_copy)
    for column in PLAN_COLUMN_LABELS:
        items = demo_copy.records.list_kind("plan-item", where={"agreement_uid": agreement,
                                                                "column": column})
        positions = [printed.index(squashed(item.title)) for item in items]
        assert positions == sorted(positions)
        assert positions[0] > printed.index(PLAN_COLUMN_LABELS[column])
    assert plan == sorted(plan)


def _glyph_runs(data: bytes) -> list[tuple[str, float, float]]:
    """Every piece of text drawn, with where it starts on the page (rounded to 0.01 pt)."""
    found: list[tuple[str, float, float]] = []

    def visit(piece: str, cm: list[float], tm: list[float], _font: object,
              _size: float) -> None:
        if piece.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((piece.strip(), round(x, 2), round(y, 2)))

    reader(data).pages[0].extract_text(visitor_text=visit)
    return sorted(found)


@pytest.mark.parametrize("extra", [0, 6])
def test_plan_on_a_page_text_sits_where_reportlab_paragraphs_put_it(
        demo_copy, print_date, monkeypatch, extra):
    """The page makes plain paragraphs without ReportLab's markup parser, draws them and
    one-line labels itself (much faster than Paragraph.drawOn); every piece of text must land
    where ReportLab's own parsing and drawing put it, at full size and shrunk (where a bullet
    pushes a first line in)."""
    from reportlab.platypus import Paragraph

    from csa_desktop.printing import plan_on_a_page

    agreement = _agreement_uid(demo_copy)
    for n in range(extra):
        demo_copy.records.create("plan-item", {
            "agreement_uid": agreement, "column": "activity",
            "text": f"Longer activity {n}: partners meet monthly to review the delivery plan "
                    "and agree the next steps with district partnerships"})
    for partnership in (None, "West Lancashire CSP"):  # RAG badges draw themselves
        fast = plan_on_a_page_pdf(demo_copy, partnership=partnership, printed_on=print_date)
        with monkeypatch.context() as patch:
            patch.setattr(plan_on_a_page, "_one_line", lambda *_args: None)
            patch.setattr(plan_on_a_page, "_paragraph", lambda markup, style, bullet=None:
                          Paragraph(markup, style, bulletText=bullet))
            patch.setattr(plan_on_a_page._PlainText, "_plain", staticmethod(lambda _p: False))
            reference = plan_on_a_page_pdf(demo_copy, partnership=partnership,
                                           printed_on=print_date)
        assert fast != reference
        assert _glyph_runs(fast) == _glyph_runs(reference)
