"""Long text is a subset of Markdown, parsed by markdown-it-py into the blocks every output
sets: text written before Markdown reads as it did (paragraphs, "- " bullets)."""

from __future__ import annotations

from csa_desktop.domain.rich_text import (
    Heading,
    ListBlock,
    Para,
    Run,
    TableBlock,
    parse,
    plain,
)


def texts(blocks: list) -> list:
    out = []
    for block in blocks:
        if isinstance(block, Para):
            out.append(("para", plain(block.runs)))
        elif isinstance(block, Heading):
            out.append((f"h{block.level}", plain(block.runs)))
        elif isinstance(block, ListBlock):
            out.append(("ol" if block.ordered else "ul",
                        [texts(list(item)) for item in block.items]))
        else:
            out.append(("table", [plain(c) for c in block.header],
                        [[plain(c) for c in row] for row in block.rows]))
    return out


def test_plain_text_reads_as_before_paragraphs_join_their_lines_and_bullets_stand_alone():
    text = "First line\nsame paragraph.\n\n- one\n- two\n\nAfter the list.\r\n\n\n• three"
    assert texts(parse(text)) == [
        ("para", "First line same paragraph."),
        ("ul", [[("para", "one")], [("para", "two")]]),
        ("para", "After the list."),
        ("ul", [[("para", "three")]]),
    ]


def test_empty_text_gives_no_blocks():
    assert parse("\n \n") == []


def test_headings_numbered_and_nested_lists():
    text = "## Governance\n\n3. Board\n4. Partnerships\n   - districts\n   - unitaries\n\n### Notes"
    assert texts(parse(text)) == [
        ("h2", "Governance"),
        ("ol", [[("para", "Board")],
                [("para", "Partnerships"),
                 ("ul", [[("para", "districts")], [("para", "unitaries")]])]]),
        ("h3", "Notes"),
    ]
    [_, numbered, _] = parse(text)
    assert numbered.start == 3


def test_bold_italic_and_links_keep_their_words_and_addresses():
    [para] = parse("We **will** act *now*: see [the plan](https://example.org/plan).")
    assert para.runs == (Run("We "), Run("will", bold=True), Run(" act "),
                         Run("now", italic=True),
                         Run(": see the plan (https://example.org/plan).", False, False))


def test_a_table_has_its_header_and_rows_padded_to_the_header():
    text = "| Partner | Duty |\n|---|---|\n| Police | Lead |\n| Fire |"
    assert texts(parse(text)) == [("table", ["Partner", "Duty"],
                                   [["Police", "Lead"], ["Fire", ""]])]
    assert isinstance(parse(text)[0], TableBlock)


def test_html_is_text_never_markup():
    hostile = '<a href="javascript:alert(1)">x</a> <b>bold never closed'
    assert texts(parse(hostile)) == [("para", hostile)]
