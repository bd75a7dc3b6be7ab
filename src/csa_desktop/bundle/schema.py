"""The JSON Schema of bundle members, built from the record kinds and shipped as
bundle.schema.json (`python -m csa_desktop.bundle.schema` rewrites it; a test keeps the two
equal). The import gate validates against the shipped file."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from csa_desktop.bundle.format import (
    ATTACHMENT_MEMBER,
    BASELINE,
    CHANGES,
    CONTRIBUTION,
    DELETED,
    FORMAT_NAME,
    FORMAT_VERSION,
    LIMITS,
    RECORDS,
)
from csa_desktop.domain.kinds import (
    CONTROL_PATTERN,
    KINDS,
    ONE_LINE_PATTERN,
    FieldSpec,
    FieldType,
)
from csa_desktop.domain.numbers import MAX_DECIMAL_LENGTH
from csa_desktop.domain.numbers import STORED_PATTERN as DECIMAL_PATTERN
from csa_desktop.domain.ordering import MAX_KEY_LENGTH

SCHEMA_FILE = "bundle.schema.json"
SCHEMA_ID = f"urn:csa-desktop:bundle:v{FORMAT_VERSION}"

UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?$"
# "not" wraps a string schema, so that it also holds for null (an empty value).
NO_CONTROLS = {"not": {"type": "string", "pattern": CONTROL_PATTERN}}
ONE_LINE = {"not": {"type": "string", "pattern": ONE_LINE_PATTERN}}
# Patterns are searched: anchored ones also get maxLength so "$" cannot accept a trailing newline.
UUID = {"type": "string", "maxLength": 36, "pattern": UUID_PATTERN}
SHA256 = {"type": "string", "maxLength": 64, "pattern": "^[0-9a-f]{64}$"}
MEMBER_ENTRY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["size", "sha256"],
    "properties": {"size": {"type": "integer", "minimum": 0}, "sha256": SHA256},
}


def _types(name: str, nullable: bool) -> str | list[str]:
    return [name, "null"] if nullable else name


def value_schema(spec: FieldSpec, *, nullable: bool = False) -> dict[str, Any]:
    """The schema of one value of a field; `nullable`: or null (empty). Written with type
    lists rather than anyOf, so that checking a value needs no failed alternatives."""
    match spec.type:
        case FieldType.TEXT:
            return {"type": _types("string", nullable), "maxLength": spec.max_length,
                    **ONE_LINE}
        case FieldType.LONG_TEXT:
            return {"type": _types("string", nullable), "maxLength": spec.max_length,
                    **NO_CONTROLS}
        case FieldType.INT:
            return {"type": _types("integer", nullable)}
        case FieldType.DECIMAL:
            return {"type": _types("string", nullable), "maxLength": MAX_DECIMAL_LENGTH,
                    "pattern": DECIMAL_PATTERN}
        case FieldType.BOOL:
            return {"type": _types("boolean", nullable)}
        case FieldType.DATE:
            return {"type": _types("string", nullable), "maxLength": 10,
                    "pattern": DATE_PATTERN, "format": "date"}
        case FieldType.CHOICE:
            return {"type": _types("string", nullable),
                    "enum": [*spec.choices, *([None] if nullable else [])]}
        case FieldType.REF:
            return {**UUID, "type": _types("string", nullable)}
        case FieldType.REF_LIST:
            return {"type": _types("array", nullable), "maxItems": 500,
                    "items": {"$ref": "#/$defs/uuid"}}
        case FieldType.POSITION:
            return {"type": _types("string", nullable), "minLength": 1,
                    "maxLength": MAX_KEY_LENGTH, "pattern": "[1-9A-Za-z]$",
                    "not": {"type": "string", "pattern": "[^0-9A-Za-z]"}}
    raise AssertionError(spec.type)  # pragma: no cover


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """A whole value: empty is null (or [] for a list) unless the field is required."""
    return value_schema(spec, nullable=not (spec.type is FieldType.REF_LIST or spec.required))


def _change_fields(kind_name: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for spec in KINDS[kind_name].fields:
        value = value_schema(spec, nullable=True)
        properties[spec.name] = {
            "type": "object", "additionalProperties": False, "required": ["base", "new"],
            "properties": {"base": value, "new": value},
        }
    properties[DELETED] = {
        "type": "object", "additionalProperties": False, "required": ["base", "new"],
        "properties": {"base": {"type": ["boolean", "null"]}, "new": {"type": "boolean"}},
    }
    return {"type": "object", "additionalProperties": False, "minProperties": 1,
            "maxProperties": len(properties), "properties": properties}


def _record_fields(kind_name: str) -> dict[str, Any]:
    fields = KINDS[kind_name].fields
    return {"type": "object", "additionalProperties": False,
            "required": [f.name for f in fields],
            "properties": {f.name: field_schema(f) for f in fields}}


def _by_kind(prefix: str) -> list[dict[str, Any]]:
    """The fields' rules of each kind, for a change or record of that kind ("required" in
    the "if", so that an item without a kind is told so, not judged by every kind's rules)."""
    return [{"if": {"required": ["kind"], "properties": {"kind": {"const": name}}},
             "then": {"properties": {"fields": {"$ref": f"#/$defs/{prefix}-{name}"}}}}
            for name in KINDS]


def build_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "uuid": UUID,
        "manifest": {
            "type": "object", "additionalProperties": False,
            "required": ["format", "format_version", "bundle_id", "kind", "replica_id",
                         "author", "role", "scope", "baseline_id", "seq", "created_at",
                         "app_version", "signer_key", "files"],
            "properties": {
                "format": {"const": FORMAT_NAME},
                "format_version": {"type": "integer"},
                "bundle_id": {"$ref": "#/$defs/uuid"},
                "kind": {"enum": [CONTRIBUTION, BASELINE]},
                "replica_id": {"$ref": "#/$defs/uuid"},
                "author": {"type": "string", "minLength": 1, "maxLength": 200, **ONE_LINE},
                "role": {"enum": ["lead", "editor", "district"]},
                "scope": {"type": "array", "maxItems": 100, "uniqueItems": True,
                          "items": {"$ref": "#/$defs/uuid"}},
                "baseline_id": {**UUID, "type": ["string", "null"]},
                "seq": {"type": "integer", "minimum": 1, "maximum": 2**53},
                "created_at": {"type": "string", "maxLength": 40, **ONE_LINE},
                "app_version": {"type": "string", "maxLength": 40, **ONE_LINE},
                "signer_key": {"type": "string", "maxLength": 44,
                               "pattern": "^[A-Za-z0-9+/]{43}=$"},
                "files": {  # the payload, and one member per attachment (format 3)
                    "type": "object", "minProperties": 1,
                    "maxProperties": 1 + LIMITS.attachments,
                    "additionalProperties": False,
                    "properties": {name: MEMBER_ENTRY for name in (CHANGES, RECORDS)},
                    "patternProperties": {ATTACHMENT_MEMBER.pattern: MEMBER_ENTRY},
                },
            },
        },
        "changes": {
            "type": "object", "additionalProperties": False, "required": ["changes"],
            "properties": {"changes": {"type": "array", "items": {"$ref": "#/$defs/change"}}},
        },
        "change": {
            "type": "object", "additionalProperties": False,
            "required": ["kind", "uid", "op", "base_rev", "fields"],
            "properties": {
                "kind": {"enum": list(KINDS)},
                "uid": {"$ref": "#/$defs/uuid"},
                "op": {"enum": ["create", "update", "delete"]},
                "base_rev": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**53},
                "fields": {"type": "object"},
            },
            "allOf": _by_kind("change-fields"),
        },
        "records": {
            "type": "object", "additionalProperties": False, "required": ["records"],
            "properties": {"records": {"type": "array", "items": {"$ref": "#/$defs/record"}}},
        },
        "record": {
            "type": "object", "additionalProperties": False,
            "required": ["kind", "uid", "rev", "updated_at", "updated_by", "deleted", "fields"],
            "properties": {
                "kind": {"enum": list(KINDS)},
                "uid": {"$ref": "#/$defs/uuid"},
                "rev": {"type": "integer", "minimum": 1, "maximum": 2**53},
                "updated_at": {"type": "string", "maxLength": 26, "pattern": DATETIME_PATTERN},
                "updated_by": {"type": "string", "maxLength": 200, **ONE_LINE},
                "deleted": {"type": "boolean"},
                "fields": {"type": "object"},
            },
            "allOf": _by_kind("record-fields"),
        },
    }
    for name in KINDS:
        defs[f"change-fields-{name}"] = _change_fields(name)
        defs[f"record-fields-{name}"] = _record_fields(name)
        for item in ("change", "record"):  # one item of a known kind (what "item" checks)
            generic = {k: v for k, v in defs[item].items() if k != "allOf"}
            defs[f"{item}-{name}"] = {**generic, "properties": {
                **generic["properties"], "kind": {"const": name},
                "fields": {"$ref": f"#/$defs/{item}-fields-{name}"}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"CSA Desktop bundle members, format version {FORMAT_VERSION}",
        "description": "manifest.json is $defs/manifest; changes.json (a contribution) is "
                       "$defs/changes; records.json (a baseline) is $defs/records. "
                       "See docs/bundle-format.md.",
        "$defs": defs,
    }


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=1, ensure_ascii=False) + "\n"


@cache
def shipped_schema() -> dict[str, Any]:
    text = resources.files("csa_desktop.bundle").joinpath(SCHEMA_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _is_date(value: object) -> bool:
    """The "date" format: a real calendar date (2023-02-30 is not), as JSON Schema's
    format checkers read it; anything that is not a string passes (the type says the rest)."""
    import datetime as dt

    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_CONTROL = re.compile(CONTROL_PATTERN)
_ONE_LINE = re.compile(ONE_LINE_PATTERN)
_CHARACTER_FORMATS: dict[str, Callable[[str], bool]] = {
    "csa-no-control": lambda text: _CONTROL.search(text) is None,
    "csa-one-line": lambda text: _ONE_LINE.search(text) is None,
    "csa-ascii-alphanumeric": lambda text: not text or (text.isascii() and text.isalnum()),
}
"""Checks of a string's characters: each is true exactly when the regular expression of a
`{"not": {"type": "string", "pattern": ...}}` is not found in the string (_STRING_NOTS), as
the schema wants, and like it they pass anything that is not a string. fastjsonschema checks a
"not" by raising an exception when its inner schema fails, that is for every valid value: a
third of the time of checking a contribution."""

CHARACTER_RULES = frozenset(_CHARACTER_FORMATS)

_STRING_NOTS = {CONTROL_PATTERN: "csa-no-control", ONE_LINE_PATTERN: "csa-one-line",
                "[^0-9A-Za-z]": "csa-ascii-alphanumeric"}


def _without_string_nots(node: Any) -> Any:
    """A copy of a schema in which every `{"not": {"type": "string", "pattern": P}}` with a P
    of _STRING_NOTS becomes the same check as a format, when the object has no format yet."""
    if isinstance(node, list):
        return [_without_string_nots(item) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _without_string_nots(value) for key, value in node.items()}
    negated = node.get("not")
    if (isinstance(negated, dict) and set(negated) == {"type", "pattern"}
            and negated["type"] == "string" and negated["pattern"] in _STRING_NOTS
            and "format" not in node):
        del copied["not"]
        copied["format"] = _STRING_NOTS[negated["pattern"]]
    return copied


@dataclass(frozen=True)
class SchemaProblem:
    """The first rule of the schema a value breaks: the keyword (`rule`: "type", "maxLength",
    "required", …, or for the character checks "format" with a `limit` of CHARACTER_RULES),
    that keyword's value in the schema (`limit`), the value that breaks it, where it is
    ("changes[3].fields.title.new"; "" for the top level) and the (sub)schema it broke."""

    rule: str
    limit: Any
    value: Any
    where: str
    schema: Any


@cache
def _compiled(definition: str) -> Callable[[Any], Any]:
    """One $defs entry of the shipped schema compiled to Python code by fastjsonschema
    (a few tens of milliseconds per record kind, once per run)."""
    import fastjsonschema

    schema = shipped_schema()
    root = {"$schema": schema["$schema"], "$defs": _without_string_nots(schema["$defs"]),
            "$ref": f"#/$defs/{definition}"}
    check: Callable[[Any], Any] = fastjsonschema.compile(
        root, formats={"date": _is_date, **_CHARACTER_FORMATS}, use_default=False)
    return check


def first_problem(definition: str, data: Any, where: str = "") -> SchemaProblem | None:
    """What `data` first breaks in $defs/`definition`, or None when it is valid; `where` is
    the place of `data` in its member, put in front of the problem's place."""
    import fastjsonschema

    try:
        _compiled(definition)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        inner = (exc.name or "data").removeprefix("data")
        if not where:
            inner = inner.removeprefix(".")
        rule, limit, value, broken = exc.rule or "", exc.rule_definition, exc.value, exc.definition
        if (rule in _COUNTING_RULES and isinstance(value, dict) and isinstance(broken, dict)
                and broken.get("additionalProperties") is False
                and any(key not in broken.get("properties", {}) for key in value)):
            # fastjsonschema counts and lists keys before it looks at them: an unexpected key
            # says more (and is what the schema's order puts first)
            rule, limit = "additionalProperties", False
        return SchemaProblem(rule, limit, value, where + inner, broken)
    return None


_COUNTING_RULES = frozenset({"required", "minProperties", "maxProperties"})


def main(argv: list[str] | None = None) -> int:
    """Rewrite the shipped schema file from the record kinds."""
    target = Path(__file__).with_name(SCHEMA_FILE)
    target.write_text(schema_text(build_schema()), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
