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
    ("title", "Safe\x1b[2Jstreets", r"What we will do contains a control character "
                                     r"\(U\+001B ESC at character 5\)"),
    ("title", "bell\x07", r"U\+0007 BEL"),
    ("title", "del\x7f", r"U\+007F DEL"),
    ("title", "csi\x9b", r"U\+009B CSI"),
    ("title", "carriage\rreturn", "single line"),
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


@pytest.mark.parametrize(("value", "message"), [
    ("two\nlines\x0bthen", r"Narrative contains a control character \(U\+000B VT at "
                            r"character 10\)"),
    ("windows\r\nline", r"U\+000D CR"),
    ("escape \x1b]0;title\x07", r"U\+001B ESC"),
])
def test_long_text_refuses_control_characters_with_the_field_named(value, message):
    with pytest.raises(InputError, match=message):
        check_value(KINDS["progress-update"].field("narrative"), value)


def test_text_may_hold_line_breaks_and_tabs_but_one_line_text_no_line_break():
    narrative = KINDS["progress-update"].field("narrative")
    assert check_value(narrative, "one\ttab\nnext line") == "one\ttab\nnext line"
    assert check_value(KINDS["action"].field("title"), "Tab\tseparated") == "Tab\tseparated"


def test_typed_long_text_takes_line_breaks_of_any_system():
    narrative = KINDS["progress-update"].field("narrative")
    assert parse_value(narrative, "one\r\ntwo\rthree") == "one\ntwo\nthree"
