"""The payload of a bundle as typed content: the manifest, each change of a contribution and
each record of a baseline, every value checked by its field's rules (domain.kinds) — after the
JSON Schema (bundle.validation) has checked the shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from csa_desktop.bundle.format import (
    DELETED,
    FieldChange,
    Manifest,
    MemberEntry,
    RecordChange,
    RecordState,
)
from csa_desktop.bundle.quick import MISS
from csa_desktop.domain.kinds import (
    CONTROL_CHARACTERS,
    KINDS,
    FieldType,
    Value,
    from_json,
    is_uid,
)
from csa_desktop.errors import InputError


def manifest_from_json(data: dict[str, Any]) -> Manifest:
    return Manifest(
        format_version=data["format_version"], bundle_id=data["bundle_id"], kind=data["kind"],
        replica_id=data["replica_id"], author=data["author"], role=data["role"],
        scope=tuple(data["scope"]), baseline_id=data["baseline_id"], seq=data["seq"],
        created_at=data["created_at"], app_version=data["app_version"],
        signer_key=data["signer_key"],
        files={n: MemberEntry(e["size"], e["sha256"]) for n, e in data["files"].items()},
    )


def _value(kind_name: str, field_name: str, raw: object, *, required: bool) -> Value:
    spec = KINDS[kind_name].field(field_name)
    if raw is None and not required:
        return [] if spec.type is FieldType.REF_LIST else None
    try:
        return from_json(spec, raw)
    except InputError as exc:
        raise InputError(f"{kind_name} field '{field_name}': {exc}") from None


Converter = Callable[[object], Value]


@cache
def _converter(kind_name: str, field_name: str, required: bool) -> Converter:
    """`_value` for one field: the plain valid values most fields hold pass a few cheap tests
    of exactly what from_json would check (and come out as it would return them); anything
    else, errors included, goes through `_value` itself."""
    spec = KINDS[kind_name].field(field_name)

    is_list = spec.type is FieldType.REF_LIST

    def slow(raw: object) -> Value:
        if raw is None and not required:  # as _value: an empty field
            return [] if is_list else None
        return _value(kind_name, field_name, raw, required=required)

    limit = spec.max_length
    match spec.type:
        case FieldType.TEXT:
            def text(raw: object) -> Value:
                if type(raw) is str and raw and len(raw) <= limit and "\n" not in raw \
                        and CONTROL_CHARACTERS.search(raw) is None:
                    return raw
                return slow(raw)
            return text
        case FieldType.LONG_TEXT:
            def long_text(raw: object) -> Value:
                if type(raw) is str and raw and len(raw) <= limit and \
                        CONTROL_CHARACTERS.search(raw) is None:
                    return raw
                return slow(raw)
            return long_text
        case FieldType.CHOICE:
            choices = frozenset(spec.choices) - {""}

            def choice(raw: object) -> Value:
                if type(raw) is str and raw in choices:
                    return raw
                return slow(raw)
            return choice
        case FieldType.REF:
            def ref(raw: object) -> Value:
                if type(raw) is str and is_uid(raw):
                    return raw
                return slow(raw)
            return ref
        case FieldType.DATE:
            def date(raw: object) -> Value:
                if type(raw) is str:
                    try:
                        return dt.date.fromisoformat(raw)
                    except ValueError:
                        pass
                return slow(raw)
            return date
        case FieldType.INT:
            return lambda raw: raw if type(raw) is int else slow(raw)
        case FieldType.BOOL:
            return lambda raw: raw if type(raw) is bool else slow(raw)
    return slow


@cache
def _pair_converters(kind_name: str) -> dict[str, tuple[Converter, Converter]]:
    """The converters of a changed field's base and new value, for each field of the kind."""
    return {f.name: (_converter(kind_name, f.name, False), _converter(kind_name, f.name,
                                                                       f.required))
            for f in KINDS[kind_name].fields}


@cache
def _field_names(kind_name: str) -> frozenset[str]:
    return frozenset(f.name for f in KINDS[kind_name].fields)


def _bases_empty(fields: dict[str, FieldChange]) -> bool:
    """Whether every changed field but the tombstone has an empty base value."""
    for field_name, change in fields.items():
        base = change.base
        if base is not None and base != [] and field_name != DELETED:
            return False
    return True


def changes_from_json(items: list[dict[str, Any]], name: str,
                      read: Sequence[object] | None = None) -> tuple[RecordChange, ...]:
    """`read`: the items as bundle.quick.read_items read them (their typed fields; MISS for
    those it could not read, which are typed here)."""
    seen: set[str] = set()
    changes = []
    quick = read if read is not None and len(read) == len(items) else [MISS] * len(items)
    for index, item in enumerate(items):
        kind, uid = item["kind"], item["uid"]
        if uid in seen:
            raise InputError(f"{_where(index, item)}: the uid appears twice")
        seen.add(uid)
        op = item["op"]
        typed = quick[index]
        if typed is not MISS:
            assert isinstance(typed, dict)
            base_rev = item["base_rev"]
            _check_op(op, base_rev, typed, kind, index, item)
            changes.append(RecordChange(kind, uid, op, base_rev, typed))
            continue
        fields: dict[str, FieldChange] = {}
        converters = _pair_converters(kind)
        for field_name, pair in item["fields"].items():
            if field_name == DELETED:
                fields[DELETED] = FieldChange(pair["base"], pair["new"])
                continue
            pair_of = converters.get(field_name)
            if pair_of is None:  # not a field of the kind: field() says so
                KINDS[kind].field(field_name)
                raise AssertionError(field_name)  # pragma: no cover - field() raised
            fields[field_name] = FieldChange(pair_of[0](pair["base"]), pair_of[1](pair["new"]))
        base_rev = item["base_rev"]
        _check_op(op, base_rev, fields, kind, index, item)
        changes.append(RecordChange(kind, uid, op, base_rev, fields))
    return tuple(changes)


def _where(index: int, item: dict[str, Any]) -> str:
    return f"change {index + 1} ({item['kind']} {item['uid']})"


def _check_op(op: str, base_rev: int | None, fields: dict[str, FieldChange], kind_name: str,
              index: int, item: dict[str, Any]) -> None:
    deleted = fields.get(DELETED)
    if op == "create":
        if base_rev is not None or not fields.keys() >= _field_names(kind_name) or \
                not _bases_empty(fields):
            raise InputError(f"{_where(index, item)}: a new record must have every field, "
                             "with empty base values and no base revision")
        return
    problem = None
    if base_rev is None:
        problem = f"an {op} needs the base revision"
    elif op == "delete" and (deleted is None or deleted.new is not True):
        problem = f"a delete must set '{DELETED}' to true"
    elif op == "update" and deleted is not None and deleted.new is True:
        problem = "an update cannot delete the record"
    elif deleted is not None and deleted.base is None:
        problem = f"'{DELETED}' needs its base value"
    if problem is not None:
        raise InputError(f"{_where(index, item)}: {problem}")


def records_from_json(items: list[dict[str, Any]], name: str,
                      read: Sequence[object] | None = None) -> tuple[RecordState, ...]:
    """`read`: as for changes_from_json (RecordStates, or MISS)."""
    seen: set[str] = set()
    records = []
    quick = read if read is not None and len(read) == len(items) else [MISS] * len(items)
    for index, item in enumerate(items):
        if item["uid"] in seen:
            raise InputError(f"record {index + 1} ({item['uid']}): the uid appears twice")
        seen.add(item["uid"])
        state = quick[index]
        if state is not MISS:
            assert isinstance(state, RecordState)
            records.append(state)
            continue
        try:
            updated_at = dt.datetime.fromisoformat(item["updated_at"])
        except ValueError:
            raise InputError(f"record {index + 1}: '{item['updated_at']}' is not a date and "
                             "time") from None
        kind = KINDS[item["kind"]]
        values = {field_name: _converter(kind.name, field_name,
                                         kind.field(field_name).required)(raw)
                  for field_name, raw in item["fields"].items()}
        records.append(RecordState(item["kind"], item["uid"], item["rev"], updated_at,
                                   item["updated_by"], item[DELETED], values))
    return tuple(records)
