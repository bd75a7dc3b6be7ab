"""Position keys: a key always fits between two neighbours, so moves merge like edits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csa_desktop.domain.ordering import check_key, key_between, spread_keys
from csa_desktop.errors import InputError


def test_spread_keys_increase():
    keys = spread_keys(50)
    assert keys == sorted(keys) and len(set(keys)) == 50


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=60))
def test_repeated_inserts_anywhere_keep_keys_strictly_ordered_and_valid(slots):
    keys: list[str] = []
    for slot in slots:
        index = slot % (len(keys) + 1)
        before = keys[index - 1] if index > 0 else None
        after = keys[index] if index < len(keys) else None
        new = key_between(before, after)
        assert (before is None or before < new) and (after is None or new < after)
        check_key(new)
        keys.insert(index, new)
    assert keys == sorted(keys)


def test_key_between_refuses_neighbours_in_the_wrong_order():
    with pytest.raises(InputError):
        key_between("b", "a")
