"""The kind registry, the models and the value rules agree with each other."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, Boolean, Date, String, Text

from csa_desktop.domain.kinds import KINDS, FieldType, check_value, kind, parse_value
from csa_desktop.errors import InputError
from csa_desktop.storage.models import ROW_CLASSES

COLUMN_TYPES = {
    FieldType.TEXT: String, FieldType.LONG_TEXT: Text, FieldType.BOOL: Boolean,
    FieldType.DATE: Date, FieldType.CHOICE: String, FieldType.REF: String,
    FieldType.REF_LIST: JSON, FieldType.POSITION: String,
}


@pytest.mark.parametrize("name", list(KINDS))
def test_every_field_of_a_kind_has_a_column_of_the_matching_type(name: str):
    table = ROW_CLASSES[name].__table__
    spec = KINDS[name]
    assert table.name == spec.table
    record_columns = {c.name for c in table.columns} - {"uid", "rev", "updated_at",
                                                         "updated_by", "deleted"}
    assert record_columns == {f.name for f in spec.fields}
    for f in spec.fields:
        column = table.columns[f.name]
        assert isinstance(column.type, COLUMN_TYPES[f.type]), f.name
        never_null = f.required or f.type is FieldType.REF_LIST  # an empty list, not NULL
        assert column.nullable != never_null, f.name
        if f.type is FieldType.REF:
            (foreign_key,) = column.foreign_keys
            assert foreign_key.column.table.name == KINDS[str(f.ref_kind)].table


def test_unknown_kind_lists_the_known_kinds():
    with pytest.raises(InputError, match="kinds: area, organisation"):
        kind("spaceship")


def test_text_values_are_parsed_by_field_type():
    action = KINDS["action"]
    assert parse_value(action.field("due_on"), "2024-03-31") == dt.date(2024, 3, 31)
    assert parse_value(action.field("title"), "  Patrols  ") == "Patrols"
    assert parse_value(action.field("due_on"), "") is None
    assert parse_value(KINDS["area"].field("in_lancashire_12"), "Yes") is True
    assert parse_value(KINDS["partnership"].field("area_uids"), "a, b") == ["a", "b"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "line one\nline two", "single line"),
    ("title", "nul\x00byte", "NUL"),
    ("title", 42, "must be text"),
    ("due_on", dt.datetime(2024, 1, 1, 9, 0), "must be a date"),
    ("rag", "blue", "not one of"),
    ("plan_uid", "12345", "not a valid"),
    ("status", None, "required"),
    ("position", "ab0", "not a valid position key"),
])
def test_invalid_values_are_refused_with_the_field_named(field, value, message):
    with pytest.raises(InputError, match=message):
        check_value(KINDS["action"].field(field), value)
