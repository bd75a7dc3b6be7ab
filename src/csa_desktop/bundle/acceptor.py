"""A quick yes for the items a bundle's payload is made of: each $defs entry of the shipped
schema turned into one Python test that is true only when the value certainly satisfies it.

The gate checks a payload item by item against its kind's definition (bundle.validation). For
the plain valid items nearly every bundle holds, this test says so in a fraction of the time
of the general validator: an object's present keys are looked up in a table of their
property tests (instead of every property of the schema asked for in turn), a field's value
is one closure with its type, length and pattern tests inline. When it says no, or meets a
keyword it does not know (then it says no to every item of that definition), the general
validator checks the item as before and words the refusal: what is refused, and how, does
not change. It is built from the shipped schema itself, not from the record kinds, so the
two cannot drift apart; tests/bundle/test_acceptor.py checks it never says yes to a value
the validator refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from csa_desktop.bundle.schema import _CHARACTER_FORMATS, _is_date, shipped_schema

Test = Callable[[Any], bool]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "null": (type(None),), "boolean": (bool,), "integer": (int,),
    "number": (int, float), "array": (list,), "object": (dict,),
}
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default"})
_DOLLAR = re.compile(r"(?<!\\)\$")  # as fastjsonschema reads a pattern: "$" is the very end


class UnsupportedError(Exception):
    """A keyword (or form of one) this module does not test: the definition gets no test."""


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(_DOLLAR.sub(r"\\Z", text))


def _compile(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Test:
    if not isinstance(node, dict):
        raise UnsupportedError(repr(node)[:40])
    if "$ref" in node:
        if set(node) - _ANNOTATIONS != {"$ref"}:
            raise UnsupportedError("$ref beside other keywords")
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/$defs/") or ref in seen:
            raise UnsupportedError(str(ref))
        return _compile(defs[ref.removeprefix("#/$defs/")], defs, (*seen, ref))
    keys = set(node) - _ANNOTATIONS
    if "type" not in keys:
        if "const" in keys and keys == {"const"} and isinstance(node["const"], str):
            const = node["const"]
            return lambda value: type(value) is str and value == const
        if keys == {"enum"} and all(type(v) is str for v in node["enum"]):
            members = frozenset(node["enum"])
            return lambda value: type(value) is str and value in members
        raise UnsupportedError("no type")
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    allowed = frozenset(t for name in types for t in _TYPES[name])
    if "object" in types:
        return _object(node, keys, allowed, defs, seen)
    if "array" in types:
        return _array(node, keys, allowed, defs, seen)
    return _scalar(node, keys, allowed)


def _scalar(node: dict[str, Any], keys: set[str], allowed: frozenset[type]) -> Test:
    known = {"type", "maxLength", "minLength", "pattern", "not", "format", "enum", "minimum",
             "maximum"}
    if keys - known:
        raise UnsupportedError(str(sorted(keys - known)))
    longest = node.get("maxLength", float("inf"))
    shortest = node.get("minLength", 0)
    pattern = _pattern(node["pattern"]).search if "pattern" in node else None
    negated = node.get("not")
    forbidden = None
    if negated is not None:
        if not (isinstance(negated, dict) and set(negated) == {"type", "pattern"}
                and negated["type"] == "string"):
            raise UnsupportedError("not")
        forbidden = _pattern(negated["pattern"]).search
    formats: dict[str, Callable[[str], bool]] = {"date": _is_date, **_CHARACTER_FORMATS}
    form = formats[node["format"]] if "format" in node else None
    enum = node.get("enum")
    choices = None
    if enum is not None:
        if not all(v is None or type(v) is str for v in enum):
            raise UnsupportedError("enum")
        choices = frozenset(enum)
    low, high = node.get("minimum", -float("inf")), node.get("maximum", float("inf"))
    string = str in allowed

    def test(value: Any) -> bool:
        kind = type(value)
        if kind not in allowed:
            return False
        if kind is str:
            if not string:
                return False
            if not shortest <= len(value) <= longest:
                return False
            if pattern is not None and pattern(value) is None:
                return False
            if forbidden is not None and forbidden(value) is not None:
                return False
            if form is not None and not form(value):
                return False
        elif (kind is int or kind is float) and not low <= value <= high:
            return False
        if choices is not None:
            return (value is None or kind is str) and value in choices
        return True

    return test


def _array(node: dict[str, Any], keys: set[str], allowed: frozenset[type],
           defs: dict[str, Any], seen: tuple[str, ...]) -> Test:
    if keys - {"type", "items", "maxItems", "minItems"} or allowed - {list, type(None)}:
        raise UnsupportedError("array")
    item = _compile(node["items"], defs, seen) if "items" in node else None
    most, least = node.get("maxItems"), node.get("minItems", 0)

    def test(value: Any) -> bool:
        if value is None:
            return type(None) in allowed
        if type(value) is not list or len(value) < least or (
                most is not None and len(value) > most):
            return False
        return item is None or all(item(v) for v in value)

    return test


def _object(node: dict[str, Any], keys: set[str], allowed: frozenset[type],
            defs: dict[str, Any], seen: tuple[str, ...]) -> Test:
    if keys - {"type", "properties", "required", "additionalProperties", "minProperties",
               "maxProperties"} or allowed != {dict}:
        raise UnsupportedError("object")
    extra = node.get("additionalProperties", True)
    if extra not in (True, False):
        raise UnsupportedError("additionalProperties")
    tests = {name: _compile(schema, defs, seen)
             for name, schema in node.get("properties", {}).items()}
    required = frozenset(node.get("required", ()))
    least, most = node.get("minProperties", 0), node.get("maxProperties")
    closed = extra is False
    names = frozenset(tests)
    if closed and required == names and len(tests) == 2 and len(
            {repr(s) for s in node["properties"].values()}) == 1:
        # {"base": S, "new": S}, exactly: the pair of values of a changed field
        first, second = sorted(names)
        one = tests[first]

        def pair(value: Any) -> bool:
            return (type(value) is dict and len(value) == 2 and first in value
                    and second in value and one(value[first]) and one(value[second]))

        return pair

    def test(value: Any) -> bool:
        if type(value) is not dict:
            return False
        size = len(value)
        if size < least or (most is not None and size > most):
            return False
        if required and not required <= value.keys():
            return False
        for key, item in value.items():
            check = tests.get(key)
            if check is None:
                if closed:
                    return False
            elif not check(item):
                return False
        return True

    return test


@cache
def acceptor(definition: str) -> Test | None:
    """The quick test of $defs/`definition`, or None when the definition uses a keyword this
    module does not test (the general validator then checks every item)."""
    defs = shipped_schema()["$defs"]
    try:
        return _compile(defs[definition], defs)
    except (UnsupportedError, KeyError):
        return None


def accepts(definition: str, value: Any) -> bool:
    """True only when `value` certainly satisfies $defs/`definition`."""
    test = acceptor(definition)
    return test is not None and test(value)
