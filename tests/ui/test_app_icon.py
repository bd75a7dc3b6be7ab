"""The application icon ships at every size and loads from the package resources."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_app_icon_has_every_shipped_size(qapp):
    from csa_desktop.ui.icons import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == {16, 32, 48, 64, 128, 256}
