"""The record kinds of a copy and their fields: one declaration drives validation, the CLI,
bundles, merging and history.

Every record also carries uid, rev, updated_at, updated_by and deleted; those are not fields
here because no user edits them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from csa_desktop.domain.numbers import normalise_decimal
from csa_desktop.errors import InputError

Value = str | int | bool | dt.date | list[str] | None
"""A field value as services see it: text, whole number, yes/no, date, list of uids, or empty."""


class FieldType(enum.Enum):
    TEXT = "text"  # one line
    LONG_TEXT = "long-text"  # paragraphs; bullet lines start "- "
    INT = "int"
    DECIMAL = "decimal"  # a number as typed, kept as normalised text (see domain.numbers)
    BOOL = "bool"
    DATE = "date"
    CHOICE = "choice"
    REF = "ref"  # the uid of one record of `ref_kind`
    REF_LIST = "ref-list"  # uids of records of `ref_kind`, in order
    POSITION = "position"  # a fractional-index sort key (see domain.ordering)


class Scope(enum.Enum):
    """Which copies may change records of a kind (see roles.may_change)."""

    REFERENCE = "reference"  # areas, organisations, partnerships, the agreement: the lead only
    AGREEMENT_TEXT = "agreement-text"  # the county text: lead and editors
    EVIDENCE = "evidence"  # evidence for an area: lead, editors, districts covering the area
    LOCAL = "local"  # local plans and below: lead, and copies whose scope has the partnership


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    label: str
    required: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()
    ref_kind: str | None = None

    def __post_init__(self) -> None:
        if self.type is FieldType.LONG_TEXT and self.max_length == 200:
            object.__setattr__(self, "max_length", 20_000)


@dataclass(frozen=True)
class KindSpec:
    name: str  # kebab-case, as the CLI and bundles spell it
    label: str
    plural: str
    scope: Scope
    fields: tuple[FieldSpec, ...]
    title_field: str
    parent_field: str | None = None  # the REF field that places a record under its parent
    _by_name: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    @property
    def table(self) -> str:
        stem = self.name.replace("-", "_")
        return stem[:-1] + "ies" if stem.endswith("y") else stem + "s"

    def field(self, name: str) -> FieldSpec:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(f.name for f in self.fields)
            raise InputError(f"{self.label} has no field '{name}' (fields: {known})") from None

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def ordered(self) -> bool:
        return "position" in self._by_name


AREA_KINDS = ("district", "unitary")
ORGANISATION_KINDS = (
    "district-council", "county-council", "unitary-council", "police", "fire", "health",
    "probation", "pcc", "voluntary", "other",
)
PARTNERSHIP_KINDS = ("district-csp", "joint-csp", "unitary-csp", "county-group", "thematic-board")
AGREEMENT_STATUSES = (
    "draft", "editorial-review", "approved-by-board", "noted-by-cabinet",
    "approved-by-council", "sent-to-pcc",
)
APPROVAL_STAGES = ("approved-by-board", "noted-by-cabinet", "approved-by-council")
SECTION_KINDS = (
    "context", "legislation", "governance", "priorities", "partnership-delivery",
    "delivery-framework", "appendix", "other",
    "foreword", "glossary",  # signatories and terms: domain.rich_text.split_signatories/_glossary
)
PLAN_COLUMNS = ("evidence", "key-issues", "approach", "activity")
PLAN_COLUMN_LABELS = {
    "evidence": "Evidence", "key-issues": "Key issues",
    "approach": "Our approach", "activity": "Our activity",
}
RESPONSIBILITIES = ("lead", "strategic")
PLAN_STATUSES = ("draft", "adopted", "archived")
ACTION_STATUSES = ("not-started", "in-progress", "completed", "on-hold", "cancelled")
RAGS = ("red", "amber", "green", "not-rated")
POLARITIES = ("higher-is-better", "lower-is-better", "no-target")
INDICATOR_FREQUENCIES = ("monthly", "quarterly", "annual")  # domain.periods.FREQUENCIES
ATTACHMENT_MEDIA_TYPES = ("image/png", "image/jpeg")  # domain.attachments.MEDIA_TYPES
CONSULTEE_KINDS = ("person", "body", "group")
# Sections, evidence items and attachments may be restricted: the public edition of the
# agreement leaves them out, the full edition marks its pages OFFICIAL-SENSITIVE.
RESTRICTED_LABEL = "Restricted (OFFICIAL-SENSITIVE: not in the public edition)"
RESTRICTED_KINDS = ("section", "evidence-item", "attachment")

F = FieldType


def _f(name: str, type_: FieldType, label: str, **kw: object) -> FieldSpec:
    return FieldSpec(name, type_, label, **kw)  # type: ignore[arg-type]


KINDS: dict[str, KindSpec] = {
    k.name: k
    for k in (
        KindSpec("area", "Area", "Areas", Scope.REFERENCE, (
            _f("name", F.TEXT, "Name", required=True, max_length=120),
            _f("kind", F.CHOICE, "Kind", required=True, choices=AREA_KINDS),
            _f("in_footprint", F.BOOL, "In the agreement's footprint"),
            _f("place_group", F.TEXT, "Place group", max_length=120),
            _f("position", F.POSITION, "Order"),
        ), title_field="name"),
        KindSpec("organisation", "Organisation", "Organisations", Scope.REFERENCE, (
            _f("name", F.TEXT, "Name", required=True, max_length=200),
            _f("kind", F.CHOICE, "Kind", required=True, choices=ORGANISATION_KINDS),
            _f("responsible_authority", F.BOOL, "Responsible authority"),
        ), title_field="name"),
        KindSpec("partnership", "Partnership", "Partnerships", Scope.REFERENCE, (
            _f("name", F.TEXT, "Name", required=True, max_length=200),
            _f("kind", F.CHOICE, "Kind", required=True, choices=PARTNERSHIP_KINDS),
            _f("area_uids", F.REF_LIST, "Areas covered", ref_kind="area"),
            _f("description", F.LONG_TEXT, "Description", max_length=4000),
            _f("position", F.POSITION, "Order"),
        ), title_field="name"),
        KindSpec("agreement", "Agreement", "Agreements", Scope.REFERENCE, (
            _f("title", F.TEXT, "Title", required=True, max_length=300),
            _f("period_start", F.DATE, "Period start", required=True),
            # empty only for a rolling agreement (services.records: one or the other)
            _f("period_end", F.DATE, "Period end"),
            _f("rolling", F.BOOL, "Rolling (no end date, refreshed annually)"),
            _f("refresh_label", F.TEXT, "Refresh", max_length=40),
            _f("footprint", F.TEXT, "Footprint", max_length=300),
            _f("strategy_group", F.TEXT, "Strategy group", max_length=300),
            _f("strategic_assessment", F.TEXT, "Strategic assessment", max_length=300),
            # the step of its approval chain reached (services.approvals): draft,
            # editorial-review, or a step's code (cycle.ChainStep.status)
            _f("status", F.TEXT, "Status", required=True, max_length=40),
            _f("sent_to_pcc_on", F.DATE, "Sent to the PCC on"),
            # the reporting calendar (services.due): empty, a quarter's updates are due by its
            # last day; N, they are due N days after it ends
            _f("update_due_days", F.INT, "Progress updates due (days after a quarter ends)"),
        ), title_field="title"),
        KindSpec("approval", "Approval", "Approvals", Scope.REFERENCE, (
            _f("agreement_uid", F.REF, "Agreement", required=True, ref_kind="agreement"),
            _f("body", F.TEXT, "Body", required=True, max_length=200),
            _f("decision", F.TEXT, "Decision", required=True, max_length=500),
            _f("decided_on", F.DATE, "Date"),
            _f("minute_ref", F.TEXT, "Minute reference", max_length=100),
            _f("stage", F.TEXT, "Workflow stage", max_length=40),  # a chain step's code
            _f("refresh_label", F.TEXT, "Refresh", max_length=40),
            _f("position", F.POSITION, "Order"),
        ), title_field="body", parent_field="agreement_uid"),
        KindSpec("section", "Section", "Sections", Scope.AGREEMENT_TEXT, (
            _f("agreement_uid", F.REF, "Agreement", required=True, ref_kind="agreement"),
            _f("number", F.TEXT, "Number", max_length=20),
            _f("title", F.TEXT, "Title", required=True, max_length=200),
            _f("kind", F.CHOICE, "Kind", required=True, choices=SECTION_KINDS),
            _f("body", F.LONG_TEXT, "Text", max_length=100_000),
            _f("restricted", F.BOOL, RESTRICTED_LABEL),
            _f("position", F.POSITION, "Order"),
        ), title_field="title", parent_field="agreement_uid"),
        # A cross-cutting theme of the county's own (Serious Violence Duty, vulnerability,
        # early intervention…), tagged on key issues, priorities and actions.
        KindSpec("theme", "Theme", "Themes", Scope.AGREEMENT_TEXT, (
            _f("name", F.TEXT, "Name", required=True, max_length=120),
            _f("description", F.LONG_TEXT, "Description", max_length=4000),
            _f("position", F.POSITION, "Order"),
        ), title_field="name"),
        KindSpec("key-issue", "Key issue", "Key issues", Scope.AGREEMENT_TEXT, (
            _f("agreement_uid", F.REF, "Agreement", required=True, ref_kind="agreement"),
            _f("name", F.TEXT, "Name", required=True, max_length=200),
            _f("statement", F.LONG_TEXT, "Public statement", max_length=2000),
            _f("rationale", F.LONG_TEXT, "Rationale", max_length=10_000),
            _f("evidence_uids", F.REF_LIST, "Linked evidence", ref_kind="evidence-item"),
            _f("theme_uids", F.REF_LIST, "Themes", ref_kind="theme"),
            _f("position", F.POSITION, "Order"),
        ), title_field="name", parent_field="agreement_uid"),
        KindSpec("plan-item", "Plan on a page item", "Plan on a page items",
                 Scope.AGREEMENT_TEXT, (
            _f("agreement_uid", F.REF, "Agreement", required=True, ref_kind="agreement"),
            _f("column", F.CHOICE, "Column", required=True, choices=PLAN_COLUMNS),
            _f("text", F.TEXT, "Text", required=True, max_length=1000),
            _f("position", F.POSITION, "Order"),
        ), title_field="text", parent_field="agreement_uid"),
        KindSpec("delivery-framework-row", "Delivery framework row", "Delivery framework",
                 Scope.AGREEMENT_TEXT, (
            _f("key_issue_uid", F.REF, "Key issue", required=True, ref_kind="key-issue"),
            _f("lead_partnership_uid", F.REF, "Lead partnership or board",
               ref_kind="partnership"),
            _f("lead_name", F.TEXT, "Lead (as printed)", max_length=200),
            _f("responsibility", F.CHOICE, "Responsibility", choices=RESPONSIBILITIES),
            _f("delivery_mechanism", F.LONG_TEXT, "Delivery mechanism", max_length=4000),
            _f("reports_to", F.TEXT, "Reports to", max_length=200),
            _f("frequency", F.TEXT, "How often", max_length=100),
        ), title_field="lead_name", parent_field="key_issue_uid"),
        KindSpec("evidence-item", "Evidence item", "Evidence", Scope.EVIDENCE, (
            _f("assessment", F.TEXT, "Assessment", max_length=200),
            _f("area_uid", F.REF, "Area (empty: county-wide)", ref_kind="area"),
            _f("topic", F.TEXT, "Topic", required=True, max_length=200),
            _f("statement", F.LONG_TEXT, "Statement", required=True, max_length=4000),
            _f("figure", F.TEXT, "Figure", max_length=100),
            _f("period", F.TEXT, "Period", max_length=100),
            _f("source", F.TEXT, "Source", max_length=300),
            _f("restricted", F.BOOL, RESTRICTED_LABEL),
        ), title_field="topic"),
        # Who was consulted on the agreement, how and when, what they said and what changed.
        KindSpec("consultation", "Consultation", "Consultations", Scope.AGREEMENT_TEXT, (
            _f("agreement_uid", F.REF, "Agreement", required=True, ref_kind="agreement"),
            _f("consultee", F.TEXT, "Consultee", required=True, max_length=300),
            _f("consultee_kind", F.CHOICE, "Consultee is a", required=True,
               choices=CONSULTEE_KINDS),
            _f("method", F.TEXT, "Method", max_length=300),
            _f("opened", F.DATE, "Opened"),
            _f("closed", F.DATE, "Closed"),
            _f("summary", F.LONG_TEXT, "What they said", max_length=10_000),
            _f("outcome", F.LONG_TEXT, "What changed as a result", max_length=10_000),
            _f("section_uids", F.REF_LIST, "Sections it touched", ref_kind="section"),
            _f("key_issue_uids", F.REF_LIST, "Key issues it touched", ref_kind="key-issue"),
        ), title_field="consultee", parent_field="agreement_uid"),
        # A county indicator belongs to a key issue, a local one to a partnership (its owner:
        # services.records.owner_of); either may be linked from priorities and actions.
        KindSpec("indicator", "Indicator", "Indicators", Scope.LOCAL, (
            _f("name", F.TEXT, "Name", required=True, max_length=200),
            _f("definition", F.LONG_TEXT, "Definition", max_length=4000),
            _f("unit", F.TEXT, "Unit", max_length=80),
            _f("polarity", F.CHOICE, "Polarity", required=True, choices=POLARITIES),
            _f("frequency", F.CHOICE, "Frequency", required=True,
               choices=INDICATOR_FREQUENCIES),
            _f("baseline_value", F.DECIMAL, "Baseline"),
            _f("baseline_period", F.TEXT, "Baseline period", max_length=20),
            _f("target_value", F.DECIMAL, "Target"),
            _f("target_period", F.TEXT, "Target period", max_length=20),
            _f("tolerance_percent", F.DECIMAL, "Tolerance (%)"),
            _f("source", F.TEXT, "Source", max_length=300),
            _f("key_issue_uid", F.REF, "County key issue", ref_kind="key-issue"),
            _f("partnership_uid", F.REF, "Partnership (local indicator)",
               ref_kind="partnership"),
            _f("position", F.POSITION, "Order"),
        ), title_field="name"),
        # One value per indicator and period: its uid derives from both
        # (domain.indicators.value_uid), so two copies entering a period make the same record.
        KindSpec("indicator-value", "Indicator value", "Indicator values", Scope.LOCAL, (
            _f("indicator_uid", F.REF, "Indicator", required=True, ref_kind="indicator"),
            _f("period", F.TEXT, "Period", required=True, max_length=20),
            # required of people (services.records); empty only in a lead's master while two
            # copies' different values for the period wait for its decision (a conflict)
            _f("value", F.DECIMAL, "Value"),
            _f("note", F.TEXT, "Note", max_length=500),
            _f("source_date", F.DATE, "Source date"),
        ), title_field="period", parent_field="indicator_uid"),
        KindSpec("local-plan", "Local plan", "Local plans", Scope.LOCAL, (
            _f("partnership_uid", F.REF, "Partnership", required=True, ref_kind="partnership"),
            _f("title", F.TEXT, "Title", required=True, max_length=300),
            _f("period_start", F.DATE, "Period start"),
            _f("period_end", F.DATE, "Period end"),
            _f("status", F.CHOICE, "Status", choices=PLAN_STATUSES),
        ), title_field="title", parent_field="partnership_uid"),
        # A step of an approval chain: the agreement's (no local plan: the lead's) or a local
        # plan's (its partnership's). Written by services.approvals.set_chain only.
        KindSpec("approval-step", "Approval step", "Approval steps", Scope.LOCAL, (
            _f("plan_uid", F.REF, "Local plan (empty: the agreement)", ref_kind="local-plan"),
            _f("name", F.TEXT, "Short name", required=True, max_length=40),
            _f("label", F.TEXT, "Step", required=True, max_length=200),
            _f("body", F.TEXT, "Deciding body", max_length=200),
            _f("minute_required", F.BOOL, "Minute reference required"),
            _f("sends_to_pcc", F.BOOL, "Sends to the PCC"),
            _f("position", F.POSITION, "Order"),
        ), title_field="label", parent_field="plan_uid"),
        # A decision on a local plan, one per step of its chain (services.approvals).
        KindSpec("plan-approval", "Local plan approval", "Local plan approvals", Scope.LOCAL, (
            _f("plan_uid", F.REF, "Local plan", required=True, ref_kind="local-plan"),
            _f("step", F.TEXT, "Step", required=True, max_length=40),
            _f("body", F.TEXT, "Body", required=True, max_length=200),
            _f("decision", F.TEXT, "Decision", max_length=500),
            _f("decided_on", F.DATE, "Date", required=True),
            _f("minute_ref", F.TEXT, "Minute reference", max_length=100),
            _f("position", F.POSITION, "Order"),
        ), title_field="body", parent_field="plan_uid"),
        # A meeting of a board: a partnership's (its district may record it) or, with no
        # partnership, the county's (the lead's). `csa due` lists the next of each.
        KindSpec("meeting", "Meeting", "Meetings", Scope.LOCAL, (
            _f("body", F.TEXT, "Body", required=True, max_length=200),
            _f("held_on", F.DATE, "Date", required=True),
            _f("partnership_uid", F.REF, "Partnership (empty: the county's)",
               ref_kind="partnership"),
        ), title_field="body"),
        KindSpec("local-priority", "Priority", "Priorities", Scope.LOCAL, (
            _f("plan_uid", F.REF, "Local plan", required=True, ref_kind="local-plan"),
            _f("key_issue_uid", F.REF, "County key issue adopted", ref_kind="key-issue"),
            _f("title", F.TEXT, "Title", required=True, max_length=300),
            _f("description", F.LONG_TEXT, "Description", max_length=4000),
            _f("indicator_uids", F.REF_LIST, "Indicators", ref_kind="indicator"),
            _f("theme_uids", F.REF_LIST, "Themes", ref_kind="theme"),
            _f("position", F.POSITION, "Order"),
        ), title_field="title", parent_field="plan_uid"),
        KindSpec("action", "Action", "Actions", Scope.LOCAL, (
            _f("plan_uid", F.REF, "Local plan", required=True, ref_kind="local-plan"),
            _f("priority_uid", F.REF, "Priority", ref_kind="local-priority"),
            _f("title", F.TEXT, "What we will do", required=True, max_length=500),
            _f("lead_organisation_uid", F.REF, "Lead organisation", ref_kind="organisation"),
            _f("lead_role", F.TEXT, "Lead (post)", max_length=200),
            _f("partners", F.TEXT, "Who else is involved", max_length=500),
            _f("measure", F.TEXT, "How we will know", max_length=500),
            _f("indicator_uids", F.REF_LIST, "Indicators (how we will know, in numbers)",
               ref_kind="indicator"),
            _f("start_on", F.DATE, "Start"),
            _f("due_on", F.DATE, "Due"),
            _f("status", F.CHOICE, "Status", required=True, choices=ACTION_STATUSES),
            _f("rag", F.CHOICE, "RAG", required=True, choices=RAGS),
            _f("theme_uids", F.REF_LIST, "Themes", ref_kind="theme"),
            _f("archived_in", F.TEXT, "Archived in refresh", max_length=40),
            _f("position", F.POSITION, "Order"),
        ), title_field="title", parent_field="plan_uid"),
        KindSpec("progress-update", "Progress update", "Progress updates", Scope.LOCAL, (
            _f("action_uid", F.REF, "Action", required=True, ref_kind="action"),
            _f("period", F.TEXT, "Period", required=True, max_length=60),
            _f("reported_on", F.DATE, "Date", required=True),
            _f("rag", F.CHOICE, "RAG", required=True, choices=RAGS),
            _f("narrative", F.LONG_TEXT, "Narrative", max_length=10_000),
            _f("author", F.TEXT, "Author", max_length=200),
        ), title_field="period", parent_field="action_uid"),
        # An image long text shows (`![alt](attachment:UID)`): its bytes are kept beside the
        # records, keyed by sha256 (storage.attachments), and travel as a bundle member named
        # by it. The uid derives from the sha256 (domain.attachments.attachment_uid), so the
        # same image added twice is one record; sha256, size and media type never change.
        KindSpec("attachment", "Attachment", "Attachments", Scope.AGREEMENT_TEXT, (
            _f("name", F.TEXT, "File name", required=True, max_length=255),
            _f("media_type", F.CHOICE, "Type", required=True,
               choices=ATTACHMENT_MEDIA_TYPES),
            _f("sha256", F.TEXT, "SHA-256", required=True, max_length=64),
            _f("size", F.INT, "Size (bytes)", required=True),
            _f("alt_text", F.TEXT, "Alternative text", required=True, max_length=1000),
            _f("restricted", F.BOOL, RESTRICTED_LABEL),
        ), title_field="name"),
    )
}

DEFAULTS: Mapping[str, Mapping[str, Value]] = {
    "agreement": {"status": "draft", "rolling": False},
    "action": {"status": "not-started", "rag": "not-rated"},
    "local-plan": {"status": "draft"},
    "area": {"in_footprint": False},
    "organisation": {"responsible_authority": False},
    "indicator": {"frequency": "quarterly", "tolerance_percent": "10"},
    "approval-step": {"minute_required": False, "sends_to_pcc": False},
    "consultation": {"consultee_kind": "body"},
    **{name: {"restricted": False} for name in RESTRICTED_KINDS},
}


def kind(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(f"unknown record kind '{name}' (kinds: {', '.join(KINDS)})") from None


# Version 4 (random: every record but one) or 5 (name-based: an indicator value, whose uid
# derives from its indicator and period; domain.indicators.value_uid).
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def new_uid() -> str:
    return str(uuid.uuid4())


def is_uid(text: str) -> bool:
    return bool(_UUID_RE.match(text))


def check_uid(text: str, what: str = "uid") -> str:
    if not isinstance(text, str) or not is_uid(text):
        raise InputError(f"'{text}' is not a valid {what} (expected a UUID such as "
                         "'3f2b8c1e-…', version 4 or 5)")
    return text


CONTROL_PATTERN = "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]"
"""The control characters no text may hold (C0 but line feed and tab, DEL, C1), as a regular
expression in JSON-Schema's escaped form; ONE_LINE_PATTERN also refuses line feed."""
ONE_LINE_PATTERN = "[\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]"
CONTROL_CHARACTERS = re.compile(CONTROL_PATTERN)
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR",
                  0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}


def control_character(text: str) -> str | None:
    """A description of the first control character in `text` that no text may hold
    ("U+001B ESC at character 4"), or None."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    code = ord(found.group())
    name = _CONTROL_NAMES.get(code)
    return f"U+{code:04X}{' ' + name if name else ''} at character {found.start() + 1}"


def _check_text(spec: FieldSpec, text: str) -> str:
    if spec.type is not FieldType.LONG_TEXT and ("\n" in text or "\r" in text):
        raise InputError(f"{spec.label} must be a single line")
    control = control_character(text)
    if control is not None:
        raise InputError(f"{spec.label} contains a control character ({control}); text may "
                         "hold line breaks and tabs, but no other control characters")
    if len(text) > spec.max_length:
        raise InputError(f"{spec.label} is too long ({len(text)} characters; "
                         f"at most {spec.max_length})")
    return text


def parse_value(spec: FieldSpec, text: str) -> Value:
    """Turn text typed by a user (CLI, a form) into a field value, or explain why not."""
    if spec.type is FieldType.LONG_TEXT:  # line breaks as typed or pasted on any system
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = text.strip()
    if text == "":
        return None
    match spec.type:
        case FieldType.INT:
            try:
                return int(text)
            except ValueError:
                raise InputError(f"{spec.label}: '{text}' is not a whole number") from None
        case FieldType.DECIMAL:
            return normalise_decimal(text, spec.label)
        case FieldType.BOOL:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise InputError(f"{spec.label}: '{text}' is not yes or no")
        case FieldType.DATE:
            return parse_date(text, spec.label)
        case FieldType.REF_LIST:
            return [part.strip() for part in text.split(",") if part.strip()]
        case _:
            return text


def parse_date(text: str, label: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{label}: '{text}' is not a date (use YYYY-MM-DD)") from None


def check_value(spec: FieldSpec, value: object) -> Value:
    """Validate a typed value for a field; returns the normalised value."""
    if value is None or value == "" or value == []:
        if spec.required:
            raise InputError(f"{spec.label} is required")
        return [] if spec.type is FieldType.REF_LIST else None
    match spec.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            if not isinstance(value, str):
                raise InputError(f"{spec.label} must be text")
            return _check_text(spec, value)
        case FieldType.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{spec.label} must be a whole number")
            return value
        case FieldType.DECIMAL:
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
            if not isinstance(value, str):
                raise InputError(f"{spec.label} must be a number written as text, such as "
                                 "'12.5'")
            return normalise_decimal(value, spec.label)
        case FieldType.BOOL:
            if not isinstance(value, bool):
                raise InputError(f"{spec.label} must be yes or no")
            return value
        case FieldType.DATE:
            if isinstance(value, str):
                return parse_date(value, spec.label)
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise InputError(f"{spec.label} must be a date")
            return value
        case FieldType.CHOICE:
            if not isinstance(value, str) or value not in spec.choices:
                raise InputError(f"{spec.label}: '{value}' is not one of "
                                 f"{', '.join(spec.choices)}")
            return value
        case FieldType.REF:
            if not isinstance(value, str):
                raise InputError(f"{spec.label} must be a uid")
            return check_uid(value, f"uid for {spec.label}")
        case FieldType.REF_LIST:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{spec.label} must be a list of uids")
            if len(value) > 500:
                raise InputError(f"{spec.label} lists too many records (at most 500)")
            return [check_uid(v, f"uid in {spec.label}") for v in value]
        case FieldType.POSITION:
            from csa_desktop.domain.ordering import check_key

            if not isinstance(value, str):
                raise InputError(f"{spec.label} must be a position key")
            return check_key(value)
    raise AssertionError(spec.type)  # pragma: no cover


def to_json(value: Value) -> object:
    """A field value as JSON-ready data (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_json(spec: FieldSpec, data: object) -> Value:
    """The inverse of to_json, validating on the way."""
    if spec.type is FieldType.DATE and isinstance(data, str):
        return parse_date(data, spec.label)
    return check_value(spec, data)


def format_value(value: object) -> str:
    """A field value as one line of text for people."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


_ACRONYMS = {"pcc": "PCC", "csp": "CSP", "rag": "RAG"}


def choice_label(value: str | None) -> str:
    """A choice as people read it: 'in-progress' → 'In progress', 'sent-to-pcc' → 'Sent to
    PCC'. The one place codes become labels (forms, tables, history, conflicts, previews)."""
    if not value:
        return ""
    words = [_ACRONYMS.get(w, w) for w in value.split("-")]
    first = words[0][:1].upper() + words[0][1:]
    return " ".join([first, *words[1:]])


def value_text(spec: FieldSpec, value: object, titles: Mapping[str, str] | None = None) -> str:
    """A field value (typed or its JSON form) as people read it: a choice by its label, a
    referenced record by its title (from `titles`, uid → title), a date written out, yes/no;
    "" when empty."""
    if value is None or value == "" or value == []:
        return ""
    found = titles or {}
    match spec.type:
        case FieldType.CHOICE:
            return choice_label(str(value))
        case FieldType.REF:
            return found.get(str(value)) or f"(a missing {spec.label.lower()})"
        case FieldType.REF_LIST if isinstance(value, list):
            return "; ".join(found.get(str(v)) or "(a missing record)" for v in value)
        case FieldType.BOOL:
            return "Yes" if value else "No"
        case FieldType.DATE if isinstance(value, (str, dt.date)):
            try:
                day = parse_date(value, spec.label) if isinstance(value, str) else value
            except InputError:
                return str(value)
            return f"{day.day} {day:%b %Y}"
    return format_value(value)


def field_names(spec: KindSpec) -> Iterable[str]:
    return (f.name for f in spec.fields)
