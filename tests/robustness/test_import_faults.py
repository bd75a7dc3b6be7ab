"""The real bundle import (SyncService.import_files) with a full disk at its Nth database write,
for every N: the copy is exactly as it was, the error is plain, and the import goes through
once there is room again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop.domain.roles import Role
from csa_desktop.errors import StoreError
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from tests.helpers import dump
from tests.robustness.faults import WriteCounter, injected


@dataclass(frozen=True)
class Bundles:
    lead: Path  # a lead copy that trusts the district
    district: Path  # an empty district copy that has not taken the baseline yet
    baseline: Path
    contribution: Path  # five actions changed by the district


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    root = tmp_path_factory.mktemp("import-faults")
    with init_copy(root / "lead", name="County lead") as lead:
        west = next(r.uid for r in lead.records.list_kind("partnership")
                    if r.title == "West Lancashire CSP")
        BundleService(lead).export(root / "baseline.csabundle")
    init_copy(root / "district", role=Role.DISTRICT, name="West Lancs officer",
              partnerships=[west], empty=True).close()
    shutil.copytree(root / "district", root / "district-work")
    with Copy.open(root / "district-work") as district:
        SyncService(district).import_files([root / "baseline.csabundle"])
        for action in district.records.list_kind("action", partnership=west)[:5]:
            district.records.update(action.uid, {"rag": "red"})
        BundleService(district).export(root / "contribution.csabundle")
    with Copy.open(root / "lead") as lead:
        BundleService(lead).trust(str(root / "contribution.csabundle"),
                                  partnerships=["West Lancashire CSP"])
    return Bundles(root / "lead", root / "district", root / "baseline.csabundle",
                   root / "contribution.csabundle")


def fresh(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("backups", "logs"))
    return target


def every_write_fails_once(template: Path, bundle: Path, tmp_path: Path) -> int:
    probe = fresh(template, tmp_path / "probe")
    with Copy.open(probe) as copy, injected(copy.store.engine, WriteCounter()) as counter:
        report = SyncService(copy).import_files([bundle])
    assert report.imported and not report.refused
    total = counter.count
    folder = fresh(template, tmp_path / "copy")
    before = dump(folder)
    for nth in range(1, total + 1):
        with Copy.open(folder) as copy:
            failing = WriteCounter(fail_at=nth)
            with injected(copy.store.engine, failing), pytest.raises(StoreError) as failed:
                SyncService(copy).import_files([bundle])
            assert failing.failed
            assert "not saved because the disk is full" in str(failed.value)
        assert dump(folder) == before, f"write {nth} of {total} left a change behind"
    with Copy.open(folder) as copy:
        assert SyncService(copy).import_files([bundle]).imported
        assert copy.check() == []
    assert dump(folder) != before
    return total


def test_a_full_disk_at_any_write_of_a_contribution_import_leaves_the_lead_copy_unchanged(
        bundles, tmp_path):
    assert every_write_fails_once(bundles.lead, bundles.contribution, tmp_path) >= 3


@pytest.mark.slow
def test_a_full_disk_at_any_write_of_a_baseline_import_leaves_the_district_copy_unchanged(
        bundles, tmp_path):
    assert every_write_fails_once(bundles.district, bundles.baseline, tmp_path) >= 10
