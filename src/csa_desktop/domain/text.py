"""How long text is written: paragraphs split on blank lines, bullet lines starting "- "."""

from __future__ import annotations

from collections.abc import Iterator


def blocks(text: str) -> Iterator[tuple[str, str]]:
    """Split long text into ("para", text) and ("bullet", text) blocks, in order.

    Paragraphs are separated by blank lines; a line starting "- " (or "• ") is a bullet. Every
    output (PDF, Word) uses this one rule, so a section reads the same everywhere.
    """
    para: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line.startswith(("- ", "• ")) or line in ("-", "•"):
            if para:
                yield "para", " ".join(para)
                para = []
            yield "bullet", line[2:].strip()
        elif not line:
            if para:
                yield "para", " ".join(para)
                para = []
        else:
            para.append(line)
    if para:
        yield "para", " ".join(para)
