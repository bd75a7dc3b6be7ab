"""Values as councils write them in their action-plan spreadsheets, read into field values:
column headings guessed as fields, RAG and status words, UK dates (and Excel's serial days).

Each reader raises InputError with a reason a person understands; the caller names the sheet,
row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from csa_desktop.domain.reporting import quarter_of, quarter_span
from csa_desktop.errors import InputError

TARGETS: dict[str, str] = {
    "title": "What we will do",
    "priority": "Priority",
    "lead": "Lead (organisation or post)",
    "lead_role": "Lead (post)",
    "partners": "Who else is involved",
    "measure": "How we will know",
    "start_on": "Start",
    "due_on": "Due",
    "status": "Status",
    "rag": "RAG",
    "progress": "Progress update",
    "uid": "uid (to update records)",
    "ignore": "(not imported)",
}
"""What a column can become, with the label the mapping dialog shows."""

MULTI_TARGETS = frozenset({"progress", "ignore"})
"""Targets several columns may share; every other target takes at most one column."""

_HEADINGS: dict[str, tuple[str, ...]] = {
    "title": ("action", "actions", "what we will do", "action title", "activity", "activities",
              "task", "description", "action description", "what"),
    "priority": ("priority", "priorities", "local priority", "theme", "objective", "key issue",
                 "strategic priority", "priority area", "outcome area"),
    "lead": ("lead", "owner", "lead officer", "responsible", "responsible officer",
             "lead organisation", "lead agency", "lead partner", "who", "action owner"),
    "lead_role": ("lead post", "lead role", "lead officer post"),
    "partners": ("partners", "who else is involved", "supporting partners", "partners involved",
                 "other partners", "support"),
    "measure": ("measure", "measures", "how we will know", "success measure", "kpi",
                "outcome", "outcomes", "measure of success", "success criteria"),
    "start_on": ("start", "start date", "starts", "from"),
    "due_on": ("target date", "due", "due date", "deadline", "by when", "completion date",
               "timescale", "target", "end date", "when"),
    "status": ("status", "action status", "progress status"),
    "rag": ("rag", "rag status", "rag rating", "rating", "brag"),
    "progress": ("progress", "update", "progress update", "comments", "latest update",
                 "commentary", "notes"),
    "uid": ("uid",),
}
_GUESS = {heading: target for target, headings in _HEADINGS.items() for heading in headings}
_QUARTER_HEADING = re.compile(r"\bq([1-4])\b", re.IGNORECASE)
_YEAR_HEADING = re.compile(r"\b(20\d\d)\s*[/-]\s*(\d\d)\b")


def heading_key(heading: str) -> str:
    """A heading as compared: lower case, words only ("Target date:" → "target date")."""
    return " ".join(re.sub(r"[^\w]+", " ", heading.casefold()).split())


def guess_target(heading: str) -> str:
    """The field a column heading most likely means ("ignore" when none fits)."""
    key = heading_key(heading)
    if key in _GUESS:
        return _GUESS[key]
    if _QUARTER_HEADING.search(key) and any(w in key for w in ("update", "progress", "comment")):
        return "progress"
    for word in key.split():
        if word in ("rag",):
            return "rag"
    return "ignore"


def progress_period(heading: str, fallback_year_start: int, today: dt.date) -> str:
    """The reporting quarter a progress column's heading names: "Update Q1" in a plan whose
    year starts in 2025 is '2025/26 Q1'; "Q3 2024/25 update" is '2024/25 Q3'; a heading with
    no quarter ("Progress") means the quarter of `today`."""
    key = heading.casefold()
    quarter = _QUARTER_HEADING.search(key)
    if quarter is None:
        return quarter_of(today)
    year = _YEAR_HEADING.search(key)
    start = int(year.group(1)) if year else fallback_year_start
    return f"{start}/{(start + 1) % 100:02d} Q{quarter.group(1)}"


def progress_date(period: str, today: dt.date) -> dt.date:
    """The date an update read from a sheet is given: the end of its quarter, or `today` when
    that is still to come."""
    return min(quarter_span(period)[1], today)


_RAG = {
    "g": "green", "green": "green", "on track": "green", "on target": "green", "good": "green",
    "b": "green", "blue": "green", "complete": "green", "completed": "green",
    "a": "amber", "amber": "amber", "at risk": "amber", "some slippage": "amber",
    "slippage": "amber", "minor slippage": "amber", "ag": "amber", "amber green": "amber",
    "ar": "amber", "amber red": "amber", "y": "amber", "yellow": "amber",
    "r": "red", "red": "red", "off track": "red", "behind": "red", "delayed": "red",
    "significant slippage": "red", "not on track": "red",
    "not rated": "not-rated", "not-rated": "not-rated", "n a": "not-rated", "na": "not-rated",
    "tbc": "not-rated", "none": "not-rated", "not yet rated": "not-rated",
}
_STATUS = {
    "complete": "completed", "completed": "completed", "done": "completed",
    "closed": "completed", "achieved": "completed", "finished": "completed",
    "ongoing": "in-progress", "on going": "in-progress", "in progress": "in-progress",
    "started": "in-progress", "underway": "in-progress", "under way": "in-progress",
    "on track": "in-progress", "live": "in-progress", "open": "in-progress",
    "in hand": "in-progress", "active": "in-progress",
    "not started": "not-started", "not yet started": "not-started", "planned": "not-started",
    "to start": "not-started", "not due": "not-started", "pending": "not-started",
    "on hold": "on-hold", "paused": "on-hold", "deferred": "on-hold", "held": "on-hold",
    "cancelled": "cancelled", "canceled": "cancelled", "withdrawn": "cancelled",
    "stopped": "cancelled", "closed not completed": "cancelled",
}


def _read_word(value: object, words: dict[str, str], empty: str, refusal: str) -> str:
    """A cell's word looked up in `words` (by its heading key); `empty` for an empty cell; an
    InputError naming the cell's text and `refusal` for a word not in the table."""
    text = _cell_text(value)
    if not text:
        return empty
    found = words.get(heading_key(text))
    if found is None:
        raise InputError(f"'{text[:40]}' is not {refusal}")
    return found


def read_rag(value: object) -> str:
    """'G', 'Green', 'On track' → green; 'A', 'Amber' → amber; 'R', 'Red' → red; empty →
    not-rated."""
    return _read_word(value, _RAG, "not-rated", "a RAG rating (use Red, Amber, Green or "
                      "their first letters, or leave it empty)")


def read_status(value: object) -> str:
    """'Complete', 'Done' → completed; 'Ongoing' → in-progress; 'Not started'; empty →
    not-started."""
    return _read_word(value, _STATUS, "not-started", "a status (use Not started, Ongoing, "
                      "Complete, On hold or Cancelled)")


EXCEL_EPOCH = dt.date(1899, 12, 30)
_NO_DATE = frozenset({"ongoing", "on going", "tbc", "tbd", "n a", "na", "various", "none",
                      "continuous", "throughout", "as required", "annual", "annually"})
_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_MONTHS["sept"] = 9
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?[\s\-,]+(\d{2}|\d{4})$")


def _year(text: str) -> int:
    number = int(text)
    return 2000 + number if len(text) == 2 else number


def read_date(value: object, *, end_of_month: bool = True) -> dt.date | None:
    """A UK date as written in a sheet: a date cell, an Excel serial day number (45747),
    31/03/2025, 31.3.25, 31-03-2025, 2025-03-31, 31 March 2025, "March 2025" or "Mar-25" (the
    month's last day, or its first when not `end_of_month`). "Ongoing", "TBC" and empty mean no
    date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise InputError(f"'{value}' is not a date")
    if isinstance(value, int | float):
        return _serial(value)
    text = _cell_text(value)
    if not text or heading_key(text) in _NO_DATE:
        return None
    lowered = text.casefold()
    try:
        if match := _NUMERIC.match(lowered):
            day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
            return dt.date(year, month, day)
        if match := _ISO.match(lowered):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _WORDS.match(lowered):
            named = _MONTHS.get(match.group(2))
            if named is not None:
                year = _year(match.group(3))
                if match.group(1):
                    return dt.date(year, named, int(match.group(1)))
                day = calendar.monthrange(year, named)[1] if end_of_month else 1
                return dt.date(year, named, day)
        if re.fullmatch(r"\d{4,5}(\.\d+)?", lowered):
            return _serial(float(lowered))
    except ValueError:
        pass
    raise InputError(f"'{text[:40]}' is not a date (write it day first, as 31/03/2025, "
                     "or as March 2025)")


def _serial(number: float) -> dt.date:
    if not 1 <= number < 2_958_466:  # Excel's own range: 1900-01-01 to 9999-12-31
        raise InputError(f"{number:g} is not a date")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing '.0', dates as 31/03/2025."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return _cell_text(value)


def one_line(text: str) -> str:
    """A cell's text for a one-line field: line breaks typed in the cell (Alt+Enter) become
    spaces, runs of spaces one."""
    return re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text).strip()


def long_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
