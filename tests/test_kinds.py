"""The kind registry, the models and the value rules agree with each other."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, Boolean, Date, Integer, String, Text

from csa_desktop.domain.kinds import (
    KINDS,
    FieldSpec,
    FieldType,
    check_value,
    kind,
    parse_value,
)
from csa_desktop.domain.numbers import is_normalised_decimal, to_decimal
from csa_desktop.errors import InputError
from csa_desktop.storage.models import ROW_CLASSES

COLUMN_TYPES = {
    FieldType.TEXT: String, FieldType.LONG_TEXT: Text, FieldType.BOOL: Boolean,
    FieldType.DATE: Date, FieldType.CHOICE: String, FieldType.REF: String,
    FieldType.REF_LIST: JSON, FieldType.POSITION: String, FieldType.DECIMAL: String,
    FieldType.INT: Integer,
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
    assert parse_value(KINDS["area"].field("in_footprint"), "Yes") is True
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


DECIMAL = FieldSpec("value", FieldType.DECIMAL, "Value")


@pytest.mark.parametrize(("typed", "stored"), [
    ("12.5", "12.5"), ("1,204", "1204"), ("1,204,000.25", "1204000.25"), ("  7 ", "7"),
    ("+3", "3"), ("-3.75", "-3.75"), ("007", "7"), (".5", "0.5"), ("5.", "5"),
    ("12.50", "12.50"), ("-0", "0"), ("-0.00", "0.00"), ("0", "0"), ("1 204", "1204"),
    ("0.1", "0.1"),
])
def test_a_decimal_is_kept_as_typed_text_without_separators(typed: str, stored: str):
    assert parse_value(DECIMAL, typed) == stored
    assert check_value(DECIMAL, typed) == stored
    assert is_normalised_decimal(stored)


def test_a_decimal_never_passes_through_a_float():
    # 0.1 + 0.2 as floats is 0.30000000000000004; kept as text and summed as Decimal it is 0.3
    total = to_decimal(check_value(DECIMAL, "0.1")) + to_decimal(check_value(DECIMAL, "0.2"))
    assert str(total) == "0.3"
    assert check_value(DECIMAL, "12.499999999999999999") == "12.499999999999999999"


@pytest.mark.parametrize(("typed", "message"), [
    ("NaN", "not a number"), ("nan", "not a number"), ("Infinity", "not a number"),
    ("-inf", "not a number"), ("1e3", "exponent"), ("1.2E-4", "exponent"),
    ("twelve", "not a number"), ("1,20", "not a number"), ("12,5", "not a number"),
    ("1.2.3", "not a number"), ("--1", "not a number"), ("-", "not a number"),
    (".", "not a number"), ("0x10", "not a number"), ("5%", "not a number"),
    ("1" * 41, "too many digits"),
])
def test_a_decimal_refuses_what_is_not_a_plain_number_naming_the_field(typed: str,
                                                                       message: str):
    with pytest.raises(InputError, match=f"^Value: .*{message}"):
        parse_value(DECIMAL, typed)
    with pytest.raises(InputError, match=message):
        check_value(DECIMAL, typed)


def test_a_decimal_refuses_floats_and_yes_no_but_takes_whole_numbers():
    with pytest.raises(InputError, match="number written as text"):
        check_value(DECIMAL, 12.5)
    with pytest.raises(InputError, match="number written as text"):
        check_value(DECIMAL, True)
    assert check_value(DECIMAL, 1204) == "1204"
    assert check_value(DECIMAL, None) is None
    assert parse_value(DECIMAL, "  ") is None
