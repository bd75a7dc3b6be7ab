"""The yearly cycle as plain values: refresh labels, refreshes, and the approval stages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from csa_desktop.domain.kinds import AGREEMENT_STATUSES, Value
from csa_desktop.errors import InputError

_LABEL_RE = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")


def normalise_label(text: str) -> str:
    """'2023/24', '2023-24', '2023–2024' all become '2023/24' (a financial year, April–March)."""
    match = _LABEL_RE.match(text.strip())
    if not match:
        raise InputError(f"'{text.strip()}' is not a refresh year; write it as 2023/24")
    first = int(match.group(1))
    second = int(match.group(2))
    if second != (first + 1 if second >= 100 else (first + 1) % 100):
        raise InputError(f"'{text.strip()}' is not one year: after {first} comes "
                         f"{(first + 1) % 100:02d} (write {first}/{(first + 1) % 100:02d})")
    return label_for_year(first)


def label_for_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def label_year(label: str | None) -> int | None:
    """The first calendar year of a refresh label, or None when the label is not a year."""
    if not label:
        return None
    try:
        return int(normalise_label(label)[:4])
    except InputError:
        return None


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The financial year that starts in April of `year`."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def next_label(label: str | None, today: dt.date) -> str:
    """The label a new refresh would most likely have: the year after `label`, else this year."""
    year = label_year(label)
    if year is None:
        year = today.year if today.month >= 4 else today.year - 1
        return label_for_year(year)
    return label_for_year(year + 1)


@dataclass(frozen=True)
class Refresh:
    """One annual version of the agreement.

    The open (current) refresh lives in the ordinary record tables; a closed one is a snapshot
    of every record taken when the next refresh started. `uid` is None for the first refresh of
    a copy in which no refresh has been started yet: it exists only as the agreement's label.
    """

    uid: str | None
    agreement_uid: str
    label: str
    based_on_uid: str | None
    based_on_label: str | None
    started_at: dt.datetime | None
    started_by: str
    closed_at: dt.datetime | None

    @property
    def current(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Stage:
    status: str  # the code the agreement's status and a decision's `stage` hold
    label: str  # as people say it
    body: str  # who decides; "" when no decision body is recorded
    needs_date: bool
    takes_minute: bool
    verb: str  # the decision, e.g. "Approved"
    name: str = ""  # the short name people type (board, cabinet, …); "" for draft and review
    minute_required: bool = False  # a decision is recorded only with its minute reference
    sends_to_pcc: bool = False  # the step that sends the agreement to the PCC


@dataclass(frozen=True)
class ChainStep:
    """One step of an approval chain as a county defines it (an `approval-step` record)."""

    name: str  # short, kebab-case: board, cabinet, council, pcc, or the county's own
    label: str  # as prints say it: "Approved by the Board"
    body: str = ""  # the deciding body; "" on the board step: the strategy group's name
    minute_required: bool = False
    sends_to_pcc: bool = False

    @property
    def status(self) -> str:
        """The code the agreement's status holds at this step: today's codes for the four
        steps every copy had (so older copies and bundles read as they did), else the name."""
        return STEP_CODES.get(self.name, self.name)

    @property
    def verb(self) -> str:
        if self.sends_to_pcc:
            return "Sent"
        return "Noted" if self.name == "cabinet" else "Approved"

    def as_stage(self) -> Stage:
        return Stage(self.status, self.label, self.body, True, not self.sends_to_pcc,
                     self.verb, self.name, self.minute_required, self.sends_to_pcc)


STEP_CODES = {"board": "approved-by-board", "cabinet": "noted-by-cabinet",
              "council": "approved-by-council", "pcc": "sent-to-pcc"}
"""The status codes of the steps every copy had before chains were data (AGREEMENT_STATUSES)."""

BOARD_STEP = ChainStep("board", "Approved by the Board")
CABINET_STEP = ChainStep("cabinet", "Noted by Cabinet", "Cabinet")
COUNCIL_STEP = ChainStep("council", "Approved by Full Council", "Full Council")
PCC_STEP = ChainStep("pcc", "Sent to the PCC", "Police and Crime Commissioner",
                     sends_to_pcc=True)
PRESETS: dict[str, tuple[ChainStep, ...]] = {
    "two-tier": (BOARD_STEP, CABINET_STEP, COUNCIL_STEP, PCC_STEP),
    "unitary": (BOARD_STEP, CABINET_STEP, PCC_STEP),
    "board-only": (BOARD_STEP, PCC_STEP),
}
DEFAULT_PRESET = "two-tier"
"""The chain of a copy that records none (every copy before chains were data, and a district
until its first baseline carrying the lead's chain): the Lancashire seed's."""
PLAN_CHAIN = (ChainStep("board", "Approved by the partnership"), PCC_STEP)
"""A local plan's chain unless its partnership sets its own: its board, then sent to the PCC."""

LEAD_IN: tuple[Stage, ...] = (
    Stage("draft", "Draft", "", False, False, ""),
    Stage("editorial-review", "Editorial review", "Editorial group", False, False,
          "Sent for editorial review"),
)
FIRST_STEP = len(LEAD_IN)  # the index of a chain's first step among the stages


def stages_of(chain: Sequence[ChainStep]) -> tuple[Stage, ...]:
    """Draft, editorial review, then the chain's steps in order."""
    return LEAD_IN + tuple(step.as_stage() for step in chain)


STAGES: tuple[Stage, ...] = stages_of(PRESETS[DEFAULT_PRESET])
"""The stages of the default chain (two-tier)."""
assert tuple(s.status for s in STAGES) == AGREEMENT_STATUSES

STAGE_ALIASES = {
    "draft": "draft", "editorial": "editorial-review", "review": "editorial-review",
    "board": "approved-by-board", "cabinet": "noted-by-cabinet",
    "council": "approved-by-council", "full-council": "approved-by-council",
    "pcc": "sent-to-pcc",
}
RESERVED_NAMES = frozenset({"draft", "editorial", "review", "editorial-review", "undo",
                            "chain", "full-council", *STEP_CODES.values()})
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def stage(status: str, stages: Sequence[Stage] = STAGES) -> Stage:
    for s in stages:
        if s.status == status:
            return s
    for s in STAGES:
        if s.status == status:
            return s
    raise InputError(f"'{status}' is not an approval step "
                     f"(steps: {', '.join(s.name or s.status for s in stages)})")


def stage_label(status: str, stages: Sequence[Stage] = STAGES) -> str:
    """A stage's label, also for a step no longer in the chain (its code, readable)."""
    try:
        return stage(status, stages).label
    except InputError:
        return status.replace("-", " ").capitalize()


def stage_index(status: str, stages: Sequence[Stage] = STAGES) -> int:
    codes = [s.status for s in stages]
    return codes.index(stage(status, stages).status)


def parse_stage(text: str, stages: Sequence[Stage] = STAGES) -> Stage:
    """A stage from its code, its short name ('board', 'cabinet', 'council', 'pcc', or a
    county's own) or an alias ('full-council', 'editorial')."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    for s in stages:
        if key in (s.status, s.name):
            return s
    aliased = STAGE_ALIASES.get(key, key)
    for s in stages:
        if s.status == aliased:
            return s
    raise InputError(f"'{text.strip()}' is not an approval stage of this chain "
                     f"(steps: {', '.join(s.name or s.status for s in stages)})")


def check_chain(chain: Sequence[ChainStep]) -> tuple[ChainStep, ...]:
    """The chain as given, or InputError naming the step that is wrong: at least one step;
    short names kebab-case and unique; a label to each; at most one 'sent to the PCC' step,
    the last, which takes no minute reference."""
    if not chain:
        raise InputError("an approval chain needs at least one step")
    seen: set[str] = set()
    for number, step in enumerate(chain, 1):
        where = f"step {number} ('{step.name}')"
        if not _NAME_RE.match(step.name) or len(step.name) > 40:
            raise InputError(f"{where}: a short name is lower-case letters, digits and "
                             "hyphens, such as 'board' or 'scrutiny-panel' (at most 40)")
        if step.name in RESERVED_NAMES:
            raise InputError(f"{where}: '{step.name}' is a name the workflow keeps for itself; "
                             "choose another")
        if step.name in seen:
            raise InputError(f"{where}: the chain already has a step '{step.name}'")
        seen.add(step.name)
        if not step.label.strip():
            raise InputError(f"{where}: give the step a label, such as 'Approved by the Board'")
        for text, what in ((step.label, "label"), (step.body, "deciding body")):
            if "\n" in text or len(text) > 200:
                raise InputError(f"{where}: the {what} is one line of at most 200 characters")
        if step.sends_to_pcc and number != len(chain):
            raise InputError(f"{where}: sending to the PCC is the last step of a chain")
        if step.sends_to_pcc and step.minute_required:
            raise InputError(f"{where}: sending to the PCC takes no minute reference")
    return tuple(chain)


def parse_step(text: str) -> ChainStep:
    """A step as typed after `--set`: NAME alone for board, cabinet, council or pcc (as the
    presets have them), or NAME:LABEL[:BODY[:FLAGS]] with FLAGS 'minute' and/or 'pcc'
    (comma-separated): 'panel:Reviewed by the Police and Crime Panel:Police and Crime
    Panel:minute'."""
    parts = [p.strip() for p in text.split(":")]
    name = parts[0].lower()
    known = {s.name: s for s in PRESETS[DEFAULT_PRESET]}
    if len(parts) == 1:
        if name in known:
            return known[name]
        raise InputError(f"'{text}': give a new step its label, as NAME:LABEL[:BODY[:FLAGS]] "
                         "(board, cabinet, council and pcc need none)")
    if len(parts) > 4:
        raise InputError(f"'{text}': a step is NAME:LABEL[:BODY[:FLAGS]]; a label or body "
                         "holds no ':'")
    flags = {f.strip().lower() for f in (parts[3] if len(parts) > 3 else "").split(",")
             if f.strip()}
    unknown = flags - {"minute", "pcc"}
    if unknown:
        raise InputError(f"'{text}': '{sorted(unknown)[0]}' is not a step flag (flags: "
                         "minute, pcc)")
    return ChainStep(name, parts[1], parts[2] if len(parts) > 2 else "",
                     "minute" in flags, "pcc" in flags)


def _legacy_stage(fields: Mapping[str, Value]) -> str | None:
    """The stage of an approval record written without one, from its body."""
    body = str(fields.get("body") or "").casefold()
    decision = str(fields.get("decision") or "").casefold()
    if "board" in body and "approv" in decision:
        return "approved-by-board"
    if body.startswith("cabinet"):
        return "noted-by-cabinet"
    if "full council" in body or (body.endswith("council") and "approv" in decision
                                  and "county council" not in body):
        return "approved-by-council"
    return None


def decision_stage(fields: Mapping[str, Value]) -> str | None:
    """The workflow stage an approval record with these fields is the decision of (None: it
    is another decision, a scrutiny committee's say). What services.approvals.workflow reads
    as a stage's decision is exactly what only the workflow may write (see services.records)."""
    value = fields.get("stage")
    return value if isinstance(value, str) else _legacy_stage(fields)
