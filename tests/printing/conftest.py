"""Fixtures for printing tests: a fixed print date so output is comparable."""

from __future__ import annotations

import datetime as dt

import pytest

PRINT_DATE = dt.date(2025, 3, 5)


@pytest.fixture
def print_date() -> dt.date:
    return PRINT_DATE
