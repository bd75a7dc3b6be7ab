"""Every bundle member is written in one canonical byte form: that of the standard library's
`json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`, UTF-8."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from csa_desktop.bundle.format import canonical_json

# Text as users type or paste it: control characters, quotes, backslashes, accents, other
# scripts, characters outside the Basic Multilingual Plane (no lone surrogates: SQLite and
# UTF-8 cannot hold them).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30)


@given(VALUES)
def test_canonical_json_is_the_standard_librarys_sorted_compact_utf8_form(data):
    expected = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical_json(data) == expected.encode("utf-8")


def test_control_characters_quotes_and_other_scripts_are_escaped_only_as_json_requires():
    data = {"b": "tab\there \"quoted\" back\\slash \x01 é ے 𝄞", "a": [True, None, 3]}
    assert canonical_json(data) == (
        '{"a":[true,null,3],"b":"tab\\there \\"quoted\\" back\\\\slash \\u0001 é ے 𝄞"}'
    ).encode()
