"""One pass per item: the quick yes of bundle.acceptor and the typing of bundle.typed together,
for the plain valid changes and records nearly every bundle is made of.

`item_reader("change-action")` is a function that reads one change (a record: "record-KIND")
and returns what bundle.typed makes of it (a change's typed fields; a record's RecordState),
or MISS when it is not certain: then the item goes the reference way, the compiled validator
(which decides and words every refusal, so messages and their order cannot change) and then
bundle.typed. Each value's reader tests exactly the value's rule in the shipped schema and what
domain.kinds.from_json tests, and gives what it would give. A reader is used only for a kind
whose shipped definition is, key for key, the one written out here (`_change_definition`,
`_record_definition`); any other schema gets no reader. tests/bundle/test_quick.py checks,
over every place of every kind with hostile values, that a reader never reads what the
reference refuses and reads what it accepts as the reference does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

from csa_desktop.bundle.acceptor import UnsupportedError, _compile
from csa_desktop.bundle.format import DELETED, FieldChange, RecordState
from csa_desktop.bundle.schema import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    UUID,
    UUID_PATTERN,
    shipped_schema,
)
from csa_desktop.domain.kinds import (
    CONTROL_PATTERN,
    KINDS,
    ONE_LINE_PATTERN,
    FieldSpec,
    FieldType,
    Value,
    from_json,
)
from csa_desktop.domain.ordering import MAX_KEY_LENGTH
from csa_desktop.errors import InputError


class _Miss:
    """Not read the quick way: the item goes the reference way."""

    def __repr__(self) -> str:
        return "MISS"


MISS: Final = _Miss()
QUICK_DEPTH = 6
"""How deeply an item a reader reads can nest, with its payload around it (payload, list,
item, fields, a field's base and new, a list of uids): a payload whose every item was read the
quick way needs no depth walk when the limit is at least this."""

ValueReader = Callable[[object], object]
ItemReader = Callable[[Any], object]

_UID = re.compile(UUID_PATTERN.removeprefix("^").removesuffix("$")).fullmatch
_DATE = re.compile(DATE_PATTERN.removeprefix("^").removesuffix("$")).fullmatch
_DATETIME = re.compile(DATETIME_PATTERN.removeprefix("^").removesuffix("$")).fullmatch
_ONE_LINE = re.compile(ONE_LINE_PATTERN).search
_CONTROL = re.compile(CONTROL_PATTERN).search
_MAX_REV = 2**53
_NOT_ONE_LINE = {"not": {"type": "string", "pattern": ONE_LINE_PATTERN}}
_NOT_CONTROL = {"not": {"type": "string", "pattern": CONTROL_PATTERN}}


def _typed(name: str, nullable: bool) -> str | list[str]:
    return [name, "null"] if nullable else name


def _value_node(spec: FieldSpec, nullable: bool) -> dict[str, Any] | None:
    """The schema node of a value the readers below were written for (None: no quick reader
    for this field type, the generic one serves)."""
    match spec.type:
        case FieldType.TEXT:
            return {"type": _typed("string", nullable), "maxLength": spec.max_length,
                    **_NOT_ONE_LINE}
        case FieldType.LONG_TEXT:
            return {"type": _typed("string", nullable), "maxLength": spec.max_length,
                    **_NOT_CONTROL}
        case FieldType.INT:
            return {"type": _typed("integer", nullable)}
        case FieldType.BOOL:
            return {"type": _typed("boolean", nullable)}
        case FieldType.DATE:
            return {"type": _typed("string", nullable), "maxLength": 10,
                    "pattern": DATE_PATTERN, "format": "date"}
        case FieldType.CHOICE:
            return {"type": _typed("string", nullable),
                    "enum": [*spec.choices, *([None] if nullable else [])]}
        case FieldType.REF:
            return {"type": _typed("string", nullable), "maxLength": 36,
                    "pattern": UUID_PATTERN}
        case FieldType.REF_LIST:
            return {"type": _typed("array", nullable), "maxItems": 500,
                    "items": {"$ref": "#/$defs/uuid"}}
        case FieldType.POSITION:
            return {"type": _typed("string", nullable), "minLength": 1,
                    "maxLength": MAX_KEY_LENGTH, "pattern": "[1-9A-Za-z]$",
                    "not": {"type": "string", "pattern": "[^0-9A-Za-z]"}}
    return None


def _is_key(text: str) -> bool:
    """A position key as the schema and domain.ordering.check_key read it: 1 to 64 ASCII
    letters and digits, not ending in 0."""
    return 0 < len(text) <= MAX_KEY_LENGTH and text.isascii() and text.isalnum() and \
        text[-1] != "0"


def _value_reader(spec: FieldSpec, node: Any, nullable: bool, required: bool,
                  defs: dict[str, Any]) -> ValueReader:
    """Raw JSON value -> the typed value from_json gives, or MISS. `nullable`: the schema
    allows null; `required`: the conversion refuses an empty value."""
    empty: object = [] if spec.type is FieldType.REF_LIST else None
    none: object = empty if nullable and not required else MISS  # what null reads as
    blank: object = MISS if spec.required else empty  # "" or []: check_value's own rule
    if node != _value_node(spec, nullable) or defs.get("uuid") != UUID:
        return _generic(spec, node, required, defs)
    limit = spec.max_length
    match spec.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            bad = _ONE_LINE if spec.type is FieldType.TEXT else _CONTROL

            def text(raw: object) -> object:
                if type(raw) is str:
                    if not raw:
                        return blank
                    return raw if len(raw) <= limit and bad(raw) is None else MISS
                return none if raw is None else MISS
            return text
        case FieldType.INT:
            return lambda raw: raw if type(raw) is int else none if raw is None else MISS
        case FieldType.BOOL:
            return lambda raw: raw if type(raw) is bool else none if raw is None else MISS
        case FieldType.DATE:
            def date(raw: object) -> object:
                if type(raw) is str and _DATE(raw) is not None:
                    try:
                        return dt.date.fromisoformat(raw)
                    except ValueError:
                        return MISS
                return none if raw is None else MISS
            return date
        case FieldType.CHOICE:
            choices = frozenset(spec.choices) - {""}
            return lambda raw: raw if type(raw) is str and raw in choices else (
                none if raw is None else MISS)
        case FieldType.REF:
            return lambda raw: raw if type(raw) is str and _UID(raw) is not None else (
                none if raw is None else MISS)
        case FieldType.POSITION:
            return lambda raw: raw if type(raw) is str and _is_key(raw) else (
                none if raw is None else MISS)
        case FieldType.REF_LIST:
            def ref_list(raw: object) -> object:
                if type(raw) is list:
                    if not raw:
                        return blank
                    if len(raw) <= 500 and all(type(v) is str and _UID(v) is not None
                                               for v in raw):
                        return list(raw)
                    return MISS
                return none if raw is None else MISS
            return ref_list
    raise AssertionError(spec.type)  # pragma: no cover - _value_node has no node for it


def _generic(spec: FieldSpec, node: Any, required: bool, defs: dict[str, Any]) -> ValueReader:
    """The acceptor's test of the node, then from_json as bundle.typed calls it."""
    try:
        test = _compile(node, defs)
    except (UnsupportedError, KeyError):
        return lambda raw: MISS
    empty: Value = [] if spec.type is FieldType.REF_LIST else None

    def read(raw: object) -> object:
        if not test(raw):
            return MISS
        if raw is None and not required:
            return empty
        try:
            return from_json(spec, raw)
        except InputError:
            return MISS
    return read


def _value_code(spec: FieldSpec, node: Any, nullable: bool, required: bool,
                defs: dict[str, Any], var: str, names: dict[str, Any]) -> list[str]:
    """Python lines that do what _value_reader's reader does to the value in `var`: leave
    the typed value in it, or return MISS. Constants they need go into `names`."""
    empty = "[]" if spec.type is FieldType.REF_LIST else "None"
    if nullable and not required:
        none = f"{var} = []" if empty == "[]" else "pass"
    else:
        none = "return MISS"
    blank = "return MISS" if spec.required else f"{var} = {empty}"
    tail = [f"elif {var} is None:", f"    {none}", "else:", "    return MISS"]
    if node != _value_node(spec, nullable) or defs.get("uuid") != UUID:
        key = f"_r{len(names)}"
        names[key] = _generic(spec, node, required, defs)
        return [f"{var} = {key}({var})", f"if {var} is MISS:", "    return MISS"]
    match spec.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            bad = "_ONE_LINE" if spec.type is FieldType.TEXT else "_CONTROL"
            return [f"if type({var}) is str:", f"    if not {var}:", f"        {blank}",
                    f"    elif len({var}) > {spec.max_length} or {bad}({var}) is not None:",
                    "        return MISS", *tail]
        case FieldType.INT | FieldType.BOOL:
            wanted = "int" if spec.type is FieldType.INT else "bool"
            return [f"if type({var}) is {wanted}:", "    pass", *tail]
        case FieldType.DATE:
            return [f"if type({var}) is str and _DATE({var}) is not None:", "    try:",
                    f"        {var} = _date({var})", "    except ValueError:",
                    "        return MISS", *tail]
        case FieldType.CHOICE:
            key = f"_c{len(names)}"
            names[key] = frozenset(spec.choices) - {""}
            return [f"if type({var}) is str and {var} in {key}:", "    pass", *tail]
        case FieldType.REF:
            return [f"if type({var}) is str and _UID({var}) is not None:", "    pass", *tail]
        case FieldType.POSITION:
            return [f"if type({var}) is str and _is_key({var}):", "    pass", *tail]
        case FieldType.REF_LIST:
            return [f"if type({var}) is list:", f"    if not {var}:", f"        {blank}",
                    f"    elif len({var}) <= 500 and all(type(x) is str and _UID(x) is not "
                    f"None for x in {var}):", f"        {var} = list({var})", "    else:",
                    "        return MISS", *tail]
    raise AssertionError(spec.type)  # pragma: no cover - _value_node has no node for it


def _function(signature: str, body: list[str], names: dict[str, Any]) -> Callable[..., object]:
    """A function compiled from generated lines (bundle.quick's own, from the schema's
    numbers and the field names of domain.kinds: no text from any bundle)."""
    namespace = {"MISS": MISS, "_UID": _UID, "_DATE": _DATE, "_ONE_LINE": _ONE_LINE,
                 "_CONTROL": _CONTROL, "_date": dt.date.fromisoformat, "_is_key": _is_key,
                 "FieldChange": FieldChange, "_PAIR": _PAIR, **names}
    source = f"def read({signature}):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, "<bundle.quick>", "exec"), namespace)
    function: Callable[..., object] = namespace["read"]
    return function


_PAIR = frozenset({"base", "new"})


def _pair_function(spec: FieldSpec, node: Any, defs: dict[str, Any]) -> Callable[[Any], object]:
    """A changed field's {"base", "new"} -> its FieldChange (base and new typed as
    changes_from_json types them), or MISS."""
    names: dict[str, Any] = {}
    body = ["if type(pair) is not dict or pair.keys() != _PAIR:", "    return MISS",
            "b = pair['base']", *_value_code(spec, node, True, False, defs, "b", names),
            "n = pair['new']", *_value_code(spec, node, True, spec.required, defs, "n", names),
            "return FieldChange(b, n)"]
    return _function("pair", body, names)


def _fields_function(kind_name: str, nodes: dict[str, Any],
                     defs: dict[str, Any]) -> Callable[[Any], object]:
    """A record's fields, their names in the order of `_sorted_names` (as the canonical JSON
    writes them) -> the typed values in that order, or MISS."""
    names: dict[str, Any] = {}
    body: list[str] = []
    specs = sorted(KINDS[kind_name].fields, key=lambda f: f.name)
    for index, spec in enumerate(specs):
        nullable = not (spec.type is FieldType.REF_LIST or spec.required)
        body.append(f"v{index} = raw[{spec.name!r}]")
        body += _value_code(spec, nodes[spec.name], nullable, spec.required, defs,
                            f"v{index}", names)
    body.append("return {" + ", ".join(f"{spec.name!r}: v{index}"
                                       for index, spec in enumerate(specs)) + "}")
    return _function("raw", body, names)


def _pair_node(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": ["base", "new"],
            "properties": {"base": value, "new": value}}


_DELETED_PAIR = {"type": "object", "additionalProperties": False, "required": ["base", "new"],
                 "properties": {"base": {"type": ["boolean", "null"]},
                                "new": {"type": "boolean"}}}


def _item_node(kind_name: str, item: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": {**properties, "kind": {"const": kind_name},
                           "uid": {"$ref": "#/$defs/uuid"},
                           "fields": {"$ref": f"#/$defs/{item}-fields-{kind_name}"}}}


def _change_definition(kind_name: str, defs: dict[str, Any]) -> bool:
    """Whether $defs/change-KIND and its fields are exactly what read_change implements
    (the values' own nodes are compared by _value_reader)."""
    fields = defs.get(f"change-fields-{kind_name}")
    spec = KINDS[kind_name]
    properties = {"kind": None, "uid": None, "op": {"enum": ["create", "update", "delete"]},
                  "base_rev": {"type": ["integer", "null"], "minimum": 1, "maximum": _MAX_REV},
                  "fields": None}
    return (defs.get(f"change-{kind_name}") == _item_node(kind_name, "change", properties)
            and isinstance(fields, dict) and set(fields) == {
                "type", "additionalProperties", "minProperties", "maxProperties", "properties"}
            and fields["type"] == "object" and fields["additionalProperties"] is False
            and fields["minProperties"] == 1
            and fields["maxProperties"] == len(spec.fields) + 1
            and list(fields["properties"]) == [*(f.name for f in spec.fields), DELETED]
            and fields["properties"][DELETED] == _DELETED_PAIR
            and all(fields["properties"][f.name] == _pair_node(
                fields["properties"][f.name]["properties"]["base"]) for f in spec.fields))


def _record_definition(kind_name: str, defs: dict[str, Any]) -> bool:
    fields = defs.get(f"record-fields-{kind_name}")
    names = [f.name for f in KINDS[kind_name].fields]
    properties = {"kind": None, "uid": None,
                  "rev": {"type": "integer", "minimum": 1, "maximum": _MAX_REV},
                  "updated_at": {"type": "string", "maxLength": 26,
                                 "pattern": DATETIME_PATTERN},
                  "updated_by": {"type": "string", "maxLength": 200, **_NOT_ONE_LINE},
                  "deleted": {"type": "boolean"}, "fields": None}
    return (defs.get(f"record-{kind_name}") == _item_node(kind_name, "record", properties)
            and isinstance(fields, dict) and set(fields) == {
                "type", "additionalProperties", "required", "properties"}
            and fields["type"] == "object" and fields["additionalProperties"] is False
            and fields["required"] == names and list(fields["properties"]) == names)


_CHANGE_KEYS = frozenset({"kind", "uid", "op", "base_rev", "fields"})
_RECORD_KEYS = frozenset({"kind", "uid", "rev", "updated_at", "updated_by", "deleted",
                          "fields"})
_OPS = frozenset({"create", "update", "delete"})


def _change_reader(kind_name: str, defs: dict[str, Any]) -> ItemReader | None:
    if not _change_definition(kind_name, defs):
        return None
    nodes = defs[f"change-fields-{kind_name}"]["properties"]
    pairs = {spec.name: _pair_function(spec, nodes[spec.name]["properties"]["base"], defs)
             for spec in KINDS[kind_name].fields}
    most = len(pairs) + 1

    def read_change(item: Any) -> object:
        """A change -> its typed fields (name -> FieldChange), as changes_from_json types
        them, or MISS."""
        if type(item) is not dict or item.keys() != _CHANGE_KEYS:
            return MISS
        uid, op, base_rev, raw = item["uid"], item["op"], item["base_rev"], item["fields"]
        if (item["kind"] != kind_name or type(item["kind"]) is not str or type(uid) is not str
                or _UID(uid) is None or type(op) is not str or op not in _OPS):
            return MISS
        if base_rev is not None and (type(base_rev) is not int or not 1 <= base_rev <= _MAX_REV):
            return MISS
        if type(raw) is not dict or not 1 <= len(raw) <= most:
            return MISS
        fields: dict[str, object] = {}
        for name, pair in raw.items():
            read = pairs.get(name)
            if read is None:
                if name != DELETED or type(pair) is not dict or pair.keys() != _PAIR:
                    return MISS
                base, new = pair["base"], pair["new"]
                if not (base is None or type(base) is bool) or type(new) is not bool:
                    return MISS
                fields[name] = FieldChange(base, new)
                continue
            change = read(pair)
            if change is MISS:
                return MISS
            fields[name] = change
        return fields

    return read_change


def _record_reader(kind_name: str, defs: dict[str, Any]) -> ItemReader | None:
    if not _record_definition(kind_name, defs):
        return None
    nodes = defs[f"record-fields-{kind_name}"]["properties"]
    readers: dict[str, ValueReader] = {}
    for spec in KINDS[kind_name].fields:
        nullable = not (spec.type is FieldType.REF_LIST or spec.required)
        readers[spec.name] = _value_reader(spec, nodes[spec.name], nullable, spec.required,
                                           defs)
    count = len(readers)
    canonical = tuple(sorted(readers))
    fast = _fields_function(kind_name, nodes, defs)

    def read_record(item: Any) -> object:
        """A record -> its RecordState, as records_from_json makes it, or MISS."""
        if type(item) is not dict or item.keys() != _RECORD_KEYS:
            return MISS
        uid, rev, at, by, deleted, raw = (item["uid"], item["rev"], item["updated_at"],
                                          item["updated_by"], item["deleted"], item["fields"])
        if (item["kind"] != kind_name or type(item["kind"]) is not str or type(uid) is not str
                or _UID(uid) is None or type(rev) is not int or not 1 <= rev <= _MAX_REV
                or type(at) is not str or _DATETIME(at) is None or type(by) is not str
                or len(by) > 200 or _ONE_LINE(by) is not None or type(deleted) is not bool
                or type(raw) is not dict or len(raw) != count):
            return MISS
        try:
            updated_at = dt.datetime.fromisoformat(at)
        except ValueError:
            return MISS
        if tuple(raw) == canonical:  # the order canonical JSON writes: the generated reader
            typed = fast(raw)
            if typed is MISS:
                return MISS
            return RecordState(kind_name, uid, rev, updated_at, by, deleted,
                               typed)  # type: ignore[arg-type]
        values: dict[str, Value] = {}
        for name, held in raw.items():  # in the item's order, as records_from_json
            read = readers.get(name)
            if read is None:
                return MISS
            value = read(held)
            if value is MISS:
                return MISS
            values[name] = value  # type: ignore[assignment]
        return RecordState(kind_name, uid, rev, updated_at, by, deleted, values)

    return read_record


@cache
def item_reader(definition: str) -> ItemReader | None:
    """The one-pass reader of $defs/`definition` ("change-KIND" or "record-KIND"), or None
    when the shipped schema is not the one it was written for."""
    defs = shipped_schema()["$defs"]
    item, _, kind_name = definition.partition("-")
    if kind_name not in KINDS:
        return None
    if item == "change":
        return _change_reader(kind_name, defs)
    if item == "record":
        return _record_reader(kind_name, defs)
    return None


def read_items(definition: str, data: Any) -> list[object] | None:
    """Each item of a payload ({"changes": [...]} or {"records": [...]}) read the quick way,
    MISS where it could not be; None when the payload is not shaped so."""
    items = data.get(definition) if type(data) is dict else None
    if type(items) is not list or data.keys() != {definition}:
        return None
    prefix = definition[:-1]
    readers: dict[object, ItemReader | None] = {}
    read: list[object] = []
    for entry in items:
        kind = entry.get("kind") if type(entry) is dict else None
        reader = readers.get(kind, MISS)
        if reader is MISS:
            reader = readers[kind] = item_reader(f"{prefix}-{kind}") if type(
                kind) is str else None
        read.append(MISS if reader is None else reader(entry))  # type: ignore[operator]
    return read
