"""Long text reads the same in every output: paragraphs on blank lines, "- " bullets."""

from __future__ import annotations

from csa_desktop.domain.text import blocks


def test_paragraphs_join_their_lines_and_bullets_stand_alone():
    text = "First line\nsame paragraph.\n\n- one\n- two\nAfter the list.\r\n\n\n• three"
    assert list(blocks(text)) == [
        ("para", "First line same paragraph."), ("bullet", "one"), ("bullet", "two"),
        ("para", "After the list."), ("bullet", "three"),
    ]


def test_empty_text_gives_no_blocks():
    assert list(blocks("\n \n")) == []
