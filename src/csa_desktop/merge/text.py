"""A line-level three-way merge of long text, offered as the starting point of a resolution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from merge3 import Merge3


@dataclass(frozen=True)
class TextSuggestion:
    text: str
    clean: bool  # False: the text holds <<<<<<< … >>>>>>> blocks to settle by hand


def _lines(text: str | None) -> list[str]:
    return (text or "").splitlines(keepends=True)


def _terminated(lines: list[str]) -> list[str]:
    # merge3 works on whole lines: give the last one its newline, removed again at the end.
    if lines and not lines[-1].endswith(("\n", "\r")):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def merge_text(base: str | None, master: str | None,
               incoming: Sequence[tuple[str, str | None]]) -> TextSuggestion:
    """Merge each incoming text (label, text) into the master's, line by line, against `base`.

    Lines changed on one side only are taken; lines changed differently on two sides are kept
    both, between conflict markers naming the sides (after the first incoming text, the
    master's side is named with the proposals already merged into it).
    """
    result = _terminated(_lines(master))
    base_lines = _terminated(_lines(base))
    clean = True
    side = "master"
    for label, text in incoming:
        merger = Merge3(base_lines, result, _terminated(_lines(text)))
        merged = list(merger.merge_lines(name_a=side, name_b=label,
                                         start_marker="<<<<<<<", mid_marker="=======",
                                         end_marker=">>>>>>>"))
        if any(line.startswith("<<<<<<<") for line in merged):
            clean = False
        result = [line if line.endswith("\n") else line + "\n" for line in merged]
        side = f"{side} + {label}"
    text = "".join(result)
    endings = [t for t in (master, *(t for _, t in incoming)) if t]
    if text.endswith("\n") and not any(t.endswith("\n") for t in endings):
        text = text[:-1]
    return TextSuggestion(text, clean)
