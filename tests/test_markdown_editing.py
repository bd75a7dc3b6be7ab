"""The formatting commands of a long text field, as edits of its Markdown: each result is read
back with the same parser the prints use."""

from __future__ import annotations

import pytest

from csa_desktop.domain import rich_text
from csa_desktop.domain.markdown_editing import (
    insert_block,
    insert_table,
    make_link,
    set_heading,
    table_column,
    table_row,
    toggle_emphasis,
    toggle_list,
)


def _runs(text: str) -> list[tuple[str, bool, bool]]:
    (block,) = rich_text.parse(text)
    assert isinstance(block, rich_text.Para)
    return [(r.text, r.bold, r.italic) for r in block.runs]


def test_bold_wraps_the_selection_and_a_second_time_unwraps_it() -> None:
    text = "Reduce reoffending by young people"
    edit = toggle_emphasis(text, 7, 18, "**")
    assert edit.text == "Reduce **reoffending** by young people"
    assert edit.text[edit.start:edit.end] == "reoffending"
    assert _runs(edit.text)[1] == ("reoffending", True, False)
    again = toggle_emphasis(edit.text, edit.start, edit.end, "**")
    assert again.text == text and again.text[again.start:again.end] == "reoffending"


def test_spaces_at_the_ends_of_a_selection_stay_outside_the_markers() -> None:
    edit = toggle_emphasis("a few words here", 1, 11, "*")
    assert edit.text == "a *few words* here"
    assert _runs(edit.text)[1] == ("few words", False, True)


def test_with_nothing_selected_the_word_at_the_cursor_is_taken() -> None:
    edit = toggle_emphasis("protect victims' rights", 10, 10, "**")
    assert edit.text == "protect **victims'** rights"
    empty = toggle_emphasis("a  b", 2, 2, "*")
    assert empty.text == "a ** b" and (empty.start, empty.end) == (3, 3)


def test_italic_inside_bold_is_told_apart_from_bold() -> None:
    bold = "**strong**"
    assert toggle_emphasis(bold, 0, len(bold), "*").text == "***strong***"
    both = "***strong***"
    assert toggle_emphasis(both, 0, len(both), "*").text == "**strong**"


def test_headings_set_change_and_clear_the_lines_the_selection_touches() -> None:
    text = "Our approach\nWe prevent harm."
    two = set_heading(text, 3, 3, 2)
    assert two.text == "## Our approach\nWe prevent harm."
    three = set_heading(two.text, 0, 0, 3)
    assert three.text == "### Our approach\nWe prevent harm."
    assert set_heading(three.text, 0, 0, 3).text == text  # the same level again: plain
    assert set_heading(three.text, 0, 0, 0).text == text
    blocks = rich_text.parse(two.text)
    assert isinstance(blocks[0], rich_text.Heading) and blocks[0].level == 2


def test_lists_number_each_level_and_switch_between_bullets_and_numbers() -> None:
    text = "Prevent\n  in every ward\nSupport\nReduce"
    bullets = toggle_list(text, 0, len(text), ordered=False)
    assert bullets.text == "- Prevent\n  - in every ward\n- Support\n- Reduce"
    numbered = toggle_list(bullets.text, 0, len(bullets.text), ordered=True)
    assert numbered.text == "1. Prevent\n   1. in every ward\n2. Support\n3. Reduce"
    (block,) = rich_text.parse(numbered.text)
    assert isinstance(block, rich_text.ListBlock) and block.ordered and len(block.items) == 3
    assert isinstance(block.items[0][1], rich_text.ListBlock)  # still nested under "Prevent"
    plain = toggle_list(numbered.text, 0, len(numbered.text), ordered=True)
    assert plain.text == "Prevent\n   in every ward\nSupport\nReduce"


def test_a_selection_ending_at_a_line_start_leaves_that_line_alone() -> None:
    text = "one\ntwo\nthree"
    assert toggle_list(text, 0, 4, ordered=False).text == "- one\ntwo\nthree"


def test_a_link_wraps_the_selection_and_an_odd_address_is_kept_whole() -> None:
    edit = make_link("See the Act today", 4, 11, "https://www.legislation.gov.uk/ukpga/1998/37")
    assert edit.text == "See [the Act](https://www.legislation.gov.uk/ukpga/1998/37) today"
    assert edit.text[edit.start:edit.end] == "the Act"
    odd = make_link("x", 1, 1, "https://example.org/a (b)")
    (block,) = rich_text.parse(odd.text)
    assert rich_text.plain(block.runs).endswith(  # type: ignore[union-attr]
        " (https://example.org/a%20(b))")  # the parser writes the space as %20
    assert make_link("x", 0, 1, "  ").text == "x"


def test_a_new_table_is_a_paragraph_of_its_own_that_parses_as_a_table() -> None:
    text = "Partners and duties:\nMore text."
    edit = insert_table(text, 3, rows=2, columns=3)
    assert edit.text.startswith("Partners and duties:\n\n| Heading 1 | Heading 2 | Heading 3 |")
    assert edit.text.endswith("|\n\nMore text.")
    assert edit.text[edit.start:edit.end] == "Heading 1"
    blocks = rich_text.parse(edit.text)
    table = blocks[1]
    assert isinstance(table, rich_text.TableBlock)
    assert len(table.header) == 3 and len(table.rows) == 2


TABLE = "| Partner | Duty |\n| --- | --- |\n| Police | Crime |\n| Council | Housing |"


def _table(text: str) -> list[list[str]]:
    (table,) = rich_text.parse(text)
    assert isinstance(table, rich_text.TableBlock)
    return [[rich_text.plain(c) for c in table.header]] + [
        [rich_text.plain(c) for c in row] for row in table.rows]


def test_rows_are_added_below_the_cursor_and_removed_but_never_the_heading_row() -> None:
    at_police = TABLE.index("Police")
    added = table_row(TABLE, at_police, add=True)
    assert _table(added.text) == [["Partner", "Duty"], ["Police", "Crime"], ["", ""],
                                  ["Council", "Housing"]]
    removed = table_row(TABLE, at_police, add=False)
    assert _table(removed.text) == [["Partner", "Duty"], ["Council", "Housing"]]
    assert table_row(TABLE, 2, add=False).text == TABLE  # the heading row stays


def test_columns_are_added_right_of_the_cursor_and_removed() -> None:
    at_duty = TABLE.index("Duty")
    added = table_column(TABLE, at_duty, add=True)
    assert _table(added.text)[0] == ["Partner", "Duty", "Heading 3"]
    assert added.text[added.start:added.end] == "Heading 3"
    removed = table_column(TABLE, TABLE.index("Police"), add=False)
    assert _table(removed.text) == [["Duty"], ["Crime"], ["Housing"]]


def test_a_pipe_written_in_a_cell_stays_in_its_cell() -> None:
    text = "| A | B |\n| --- | --- |\n| x \\| y | z |"
    added = table_column(text, text.index("z"), add=True)
    assert _table(added.text)[1] == ["x | y", "z", ""]


@pytest.mark.parametrize("position", [0, 5])
def test_table_commands_outside_a_table_change_nothing(position: int) -> None:
    text = "Just a paragraph."
    assert table_row(text, position, add=True).text == text
    assert table_column(text, position, add=False).text == text


@pytest.mark.parametrize(("text", "position", "expected"), [
    ("", 0, "![A map](attachment:u1)"),
    ("First line.", 3, "First line.\n\n![A map](attachment:u1)"),
    ("First line.\nSecond.", 2, "First line.\n\n![A map](attachment:u1)\n\nSecond."),
    ("One.\n\nTwo.", 0, "One.\n\n![A map](attachment:u1)\n\nTwo."),
])
def test_an_image_is_inserted_as_a_paragraph_of_its_own_after_the_cursors_line(
        text: str, position: int, expected: str) -> None:
    edit = insert_block(text, position, "![A map](attachment:u1)")
    assert edit.text == expected
    assert edit.text[edit.start:edit.end] == "![A map](attachment:u1)"
