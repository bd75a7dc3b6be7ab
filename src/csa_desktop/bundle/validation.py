"""A bundle member against the shipped schema: an older format brought up to date first
(`upgrade`), then the check (`validate`), and what is wrong worded for a person, naming the
member, the place and the rule."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from csa_desktop.bundle.acceptor import accepts
from csa_desktop.bundle.format import ADDED_FIELDS, DELETED, FORMAT_VERSION, REPLACED_FIELDS
from csa_desktop.bundle.quick import MISS
from csa_desktop.bundle.schema import CHARACTER_RULES, SchemaProblem, first_problem
from csa_desktop.domain.kinds import KINDS, Value, control_character
from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY_UID, serious_violence_duty_fields
from csa_desktop.errors import BundleError


def short(text: str, limit: int = 120) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


_JSON_TYPES = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "an object",
               "null": "empty (null)"}


def _json_type(value: object) -> str:
    """What a parsed JSON value is, in the words of _JSON_TYPES (not Python's type names)."""
    if value is None:
        return _JSON_TYPES["null"]
    if isinstance(value, bool):
        return _JSON_TYPES["boolean"]
    if isinstance(value, int):
        return _JSON_TYPES["integer"]
    if isinstance(value, float):
        return _JSON_TYPES["number"]
    if isinstance(value, str):
        return _JSON_TYPES["string"]
    return _JSON_TYPES["array"] if isinstance(value, list) else _JSON_TYPES["object"]


def _problem_text(problem: SchemaProblem) -> str:
    """What is wrong, in the words of a person (the value, shortened, and the rule)."""
    value, limit = problem.value, problem.limit
    rule = "not" if problem.rule == "format" and limit in CHARACTER_RULES else problem.rule
    shown = short(repr(value), 60)
    match rule:
        case "maxLength":
            return f"is too long (at most {limit} characters)"
        case "not" if isinstance(value, str) and "\n" in value and \
                control_character(value) is None:
            return "must be a single line"
        case "not" if isinstance(value, str) and control_character(value):
            return (f"contains a control character ({control_character(value)}); "
                    "text may hold line breaks and tabs, but no other control characters")
        case "pattern" | "not" | "format":
            return f"has a value of the wrong form ({shown})"
        case "enum" | "const":
            return f"{shown} is not one of the allowed values"
        case "type":
            wanted = " or ".join(_JSON_TYPES.get(str(t), str(t)) for t in (
                limit if isinstance(limit, list) else [limit]))
            return f"should be {wanted}, not {_json_type(value)}"
        case "required":
            missing = [key for key in limit if key not in value]
            return f"{missing[0]!r} is a required property"
        case "additionalProperties":
            allowed = problem.schema.get("properties", {})
            extras = sorted((key for key in value if key not in allowed), key=str)
            verb = "was" if len(extras) == 1 else "were"
            return short(f"Additional properties are not allowed "
                          f"({', '.join(repr(key) for key in extras)} {verb} unexpected)")
        case "minimum":
            return f"{shown} is less than the minimum of {limit!r}"
        case "maximum":
            return f"{shown} is greater than the maximum of {limit!r}"
        case "minLength" | "minItems":
            return f"{shown} should be non-empty" if limit == 1 else f"{shown} is too short"
        case "maxItems":
            return f"{shown} is expected to be empty" if limit == 0 else f"{shown} is too long"
        case "minProperties":
            return f"{shown} should be non-empty" if limit == 1 else \
                f"{shown} does not have enough properties"
        case "maxProperties":
            return f"{shown} is expected to be empty" if limit == 0 else \
                f"{shown} has too many properties"
        case "uniqueItems":
            return f"{shown} has non-unique elements"
        case _:
            return f"{shown} breaks the rule {rule!r} of the bundle format"


def validate(data: Any, definition: str, member: str, name: str,
             read: Sequence[object] | None = None) -> None:
    """Check `data` against $defs/`definition` of the shipped schema. A payload of changes or
    records is checked item by item against the rules of the item's own kind
    ($defs/change-KIND, $defs/record-KIND: the rules of $defs/change and $defs/record for that
    kind), which is quicker and compiles only the kinds the bundle holds. `read`: the items
    as bundle.quick.read_items read them; one it read (not MISS) is valid already."""
    items = data.get(definition) if isinstance(data, dict) else None
    problem: SchemaProblem | None = None
    if isinstance(items, list) and set(data) == {definition}:
        item = definition[:-1]
        quick = read if read is not None and len(read) == len(items) else [MISS] * len(items)
        for index, entry in enumerate(items):
            if quick[index] is not MISS:
                continue  # read by bundle.quick: certainly valid
            kind = entry.get("kind") if isinstance(entry, dict) else None
            known = isinstance(kind, str) and kind in KINDS
            if known and accepts(f"{item}-{kind}", entry):
                continue  # certainly valid (bundle.acceptor): nothing for the validator to say
            problem = first_problem(f"{item}-{kind}" if known else item, entry,
                                    f"{definition}[{index}]")
            if problem is not None:
                break
    else:
        problem = first_problem(definition, data)
    if problem is not None:
        raise BundleError("schema", f"{name}: {member} {problem.where or 'top level'} "
                                    f"{_problem_text(problem)}")


def upgrade(payload: Any, version: int) -> None:
    """Bring a payload of an older format `version` up to this one, in place: a record (of a
    baseline) or a new record (of a contribution) gets each field added since, with the value
    ADDED_FIELDS gives. Anything not shaped as expected is left for the schema to refuse."""
    added: dict[str, dict[str, Value]] = {}
    for later in range(version + 1, FORMAT_VERSION + 1):
        for kind_name, new_fields in ADDED_FIELDS.get(later, {}).items():
            added.setdefault(kind_name, {}).update(new_fields)
    items = payload.get("records", payload.get("changes")) if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return
    _replace_fields(payload, items, version)
    if not added:
        return
    for item in items:
        fields: Any = item.get("fields") if isinstance(item, dict) else None
        kind: Any = item.get("kind") if isinstance(fields, dict) else None
        if not isinstance(kind, str) or kind not in added:
            continue
        for field_name, value in added[kind].items():
            if "changes" in payload and item.get("op") == "create":
                fields.setdefault(field_name, {"base": None, "new": copy.deepcopy(value)})
            elif "records" in payload:
                fields.setdefault(field_name, copy.deepcopy(value))


def _replace_fields(payload: dict[str, Any], items: list[Any], version: int) -> None:
    """Fields a later format took out, renamed and their values converted (REPLACED_FIELDS):
    in a record of a baseline its value, in a change its base and new values. A baseline
    whose key issues carried the Serious Violence Duty flag also gets that theme."""
    replaced: dict[str, dict[str, tuple[str, Callable[[object], object]]]] = {}
    for later in range(version + 1, FORMAT_VERSION + 1):
        for kind_name, taken_out in REPLACED_FIELDS.get(later, {}).items():
            replaced.setdefault(kind_name, {}).update(taken_out)
    if not replaced:
        return  # nothing taken out since `version` (the current format): items untouched
    themed = False
    for item in items:
        fields: Any = item.get("fields") if isinstance(item, dict) else None
        kind: Any = item.get("kind") if isinstance(fields, dict) else None
        if not isinstance(kind, str) or kind not in replaced:
            continue
        for old, (new, convert) in replaced[kind].items():
            if old not in fields or new in fields:
                continue
            taken: Any = fields.pop(old)
            if "changes" in payload and isinstance(taken, dict):
                fields[new] = {side: convert(v) for side, v in taken.items()}
            else:
                fields[new] = convert(taken)
            themed = themed or (new == "theme_uids" and "records" in payload
                                and bool(fields[new]))
    if themed and not any(isinstance(i, dict) and i.get("uid") == SERIOUS_VIOLENCE_DUTY_UID
                          for i in items):
        at = next((i.get("updated_at") for i in items if isinstance(i, dict)
                   and isinstance(i.get("updated_at"), str)), "2000-01-01T00:00:00")
        items.append({"kind": "theme", "uid": SERIOUS_VIOLENCE_DUTY_UID, "rev": 1,
                      "updated_at": at, "updated_by": "CSA Desktop (upgrade to themes)",
                      DELETED: False, "fields": serious_violence_duty_fields()})
