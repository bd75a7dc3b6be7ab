"""A baseline read for its summary and then joined from is opened and parsed once: the same
bytes are taken as they were opened and parsed; other bytes, another name or other limits are
opened and checked afresh."""

from __future__ import annotations

import dataclasses

import pytest

from csa_desktop.bundle.format import LIMITS
from csa_desktop.bundle.reader import open_bundle, parse_bundle
from csa_desktop.errors import BundleError
from tests.bundle.builders import flip_byte_in_member
from tests.bundle.conftest import Exchange


def test_the_same_bytes_are_taken_as_they_were_opened_and_parsed(exchange: Exchange):
    opened = open_bundle(exchange.baseline, "baseline.csabundle")
    bundle = parse_bundle(opened, keep=True)
    again = open_bundle(exchange.baseline, "baseline.csabundle")
    assert again is opened
    assert parse_bundle(again) is bundle
    fresh = open_bundle(exchange.baseline, "baseline.csabundle")  # taken once only
    assert fresh is not opened and fresh == opened
    assert parse_bundle(fresh) == bundle


def test_other_bytes_another_name_or_other_limits_are_opened_afresh(exchange: Exchange):
    opened = open_bundle(exchange.baseline, "baseline.csabundle")
    parse_bundle(opened, keep=True)
    assert open_bundle(exchange.baseline, "other.csabundle") is not opened
    parse_bundle(open_bundle(exchange.baseline, "baseline.csabundle"), keep=True)
    tight = dataclasses.replace(LIMITS, bundle_bytes=len(exchange.baseline) - 1)
    with pytest.raises(BundleError) as refused:
        open_bundle(exchange.baseline, "baseline.csabundle", tight)
    assert refused.value.code == "too-large"
    parse_bundle(open_bundle(exchange.baseline, "baseline.csabundle"), keep=True)
    with pytest.raises(BundleError) as damaged:
        open_bundle(flip_byte_in_member(exchange.baseline, "records.json"),
                    "baseline.csabundle")
    assert damaged.value.code in {"damaged", "hash-mismatch"}


def test_a_bundle_opened_within_other_limits_is_not_kept_for_the_usual_ones(
        exchange: Exchange):
    loose = dataclasses.replace(LIMITS, json_depth=LIMITS.json_depth + 1)
    opened = open_bundle(exchange.baseline, "baseline.csabundle", loose)
    parse_bundle(opened, loose, keep=True)
    assert open_bundle(exchange.baseline, "baseline.csabundle") is not opened
