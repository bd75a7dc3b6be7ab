"""A lead copy and a district copy that have exchanged a baseline, built once per run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop.bundle import keys
from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from tests.bundle.builders import copy_folder


@dataclass
class Exchange:
    lead: Path
    district: Path
    baseline: bytes  # the lead's baseline, which the district took
    contribution: bytes  # the district's contribution: one action changed
    partnership: str  # the district's partnership (West Lancashire CSP)
    other_partnership: str  # another district's partnership (Pendle CSP)
    action: str  # the action the contribution changes
    tmp: Path

    @property
    def lead_key(self) -> keys.SigningKey:
        key = keys.load_key(self.lead)
        assert key is not None
        return key

    @property
    def district_key(self) -> keys.SigningKey:
        key = keys.load_key(self.district)
        assert key is not None
        return key

    def file(self, data: bytes, name: str = "attack.csabundle") -> Path:
        path = self.tmp / name
        path.write_bytes(data)
        return path


def uid_of(copy: Copy, kind: str, title: str) -> str:
    return next(r.uid for r in copy.records.list_kind(kind) if r.title == title)


@pytest.fixture(scope="session")
def exchange_template(tmp_path_factory: pytest.TempPathFactory) -> Exchange:
    root = tmp_path_factory.mktemp("exchange")
    lead_dir, district_dir = root / "lead", root / "district"
    with init_copy(lead_dir, name="County lead") as lead:
        west = uid_of(lead, "partnership", "West Lancashire CSP")
        pendle = uid_of(lead, "partnership", "Pendle CSP")
        BundleService(lead).export(root / "baseline.csabundle")
    with init_copy(district_dir, role=Role.DISTRICT, name="West Lancs officer",
                   partnerships=[west], empty=True) as district:
        report = SyncService(district).import_files([root / "baseline.csabundle"])
        assert not report.refused
        action = district.records.list_kind("action", partnership=west)[0].uid
        district.records.update(action, {"rag": "red"})
        BundleService(district).export(root / "contribution.csabundle")
    with Copy.open(lead_dir) as lead:
        BundleService(lead).trust(str(root / "contribution.csabundle"),
                                  partnerships=["West Lancashire CSP"])
    return Exchange(lead_dir, district_dir, (root / "baseline.csabundle").read_bytes(),
                    (root / "contribution.csabundle").read_bytes(), west, pendle, action, root)


@pytest.fixture
def exchange(exchange_template: Exchange, tmp_path: Path) -> Exchange:
    """Fresh file copies of the lead and the district for one test."""
    t = exchange_template
    return Exchange(copy_folder(t.lead, tmp_path / "lead"),
                    copy_folder(t.district, tmp_path / "district"), t.baseline,
                    t.contribution, t.partnership, t.other_partnership, t.action, tmp_path)
