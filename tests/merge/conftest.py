"""A lead copy that has published a baseline, and district identities it trusts, with small
builders for their contribution bundles (signed by real keys, made without district copies)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from csa_desktop import __version__
from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    CONTRIBUTION,
    DELETED,
    FORMAT_VERSION,
    FieldChange,
    Manifest,
    RecordChange,
)
from csa_desktop.bundle.writer import build_bundle, payload_bytes
from csa_desktop.domain.kinds import KINDS, Value, new_uid
from csa_desktop.domain.records import Record
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.conflicts import ConflictService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import ImportReport, SyncService
from tests.bundle.builders import copy_folder
from tests.bundle.conftest import exchange, exchange_template  # noqa: F401 (shared fixtures)

CLOCK = dt.datetime(2026, 3, 2, 9, 30)


@dataclass
class District:
    name: str
    key: keys.SigningKey
    replica: str
    seq: int = 0


@dataclass
class Lab:
    lead: Path
    baseline_id: str
    partnership: str
    plan: str
    baseline: dict[str, Record]  # the records as the baseline had them
    districts: list[District]
    tmp: Path
    counter: list[int] = field(default_factory=lambda: [0])

    @property
    def actions(self) -> list[str]:
        return sorted(uid for uid, r in self.baseline.items() if r.kind == "action")

    def update(self, uid: str, **values: Value) -> RecordChange:
        record = self.baseline[uid]
        return RecordChange(record.kind, uid, "update", record.rev,
                            {name: FieldChange(record.fields[name], value)
                             for name, value in values.items()})

    def delete(self, uid: str) -> RecordChange:
        record = self.baseline[uid]
        return RecordChange(record.kind, uid, "delete", record.rev,
                            {DELETED: FieldChange(False, True)})

    def create(self, uid: str | None = None, **values: Value) -> RecordChange:
        fields: dict[str, Value] = {f.name: [] if f.type.value == "ref-list" else None
                                    for f in KINDS["action"].fields}
        fields.update({"plan_uid": self.plan, "title": "A new action", "status": "not-started",
                       "rag": "not-rated"})
        fields.update(values)
        return RecordChange("action", uid or new_uid(), "create", None,
                            {name: FieldChange(None, value) for name, value in fields.items()})

    def bundle(self, district: District, changes: Iterable[RecordChange], *,
               seq: int | None = None, clock: dt.datetime = CLOCK,
               baseline_id: str | None = None, bundle_id: str | None = None) -> Path:
        if seq is None:
            district.seq += 1
            seq = district.seq
        manifest = Manifest(FORMAT_VERSION, bundle_id or new_uid(), CONTRIBUTION,
                            district.replica, district.name, "district", (self.partnership,),
                            baseline_id or self.baseline_id, seq, clock.isoformat(),
                            __version__, district.key.public_key)
        self.counter[0] += 1
        path = self.tmp / f"{district.name.split()[0].lower()}-{self.counter[0]}.csabundle"
        path.write_bytes(build_bundle(manifest, payload_bytes(changes=tuple(changes)),
                                      district.key))
        return path

    def fresh_lead(self, name: str) -> Path:
        return copy_folder(self.lead, self.tmp / name)


def import_files(folder: Path, *paths: Path, dry_run: bool = False) -> ImportReport:
    with Copy.open(folder) as copy:
        report = SyncService(copy).import_files(list(paths), dry_run=dry_run)
    assert not report.refused, [o.message for o in report.refused]
    return report


def master_state(folder: Path, kinds: Iterable[str] = ("action",)) -> dict[str, object]:
    """Every record's fields and tombstone (not revisions or stamps: those count steps)."""
    with Copy.open(folder) as copy:
        return {r.uid: (tuple(sorted((k, repr(v)) for k, v in r.fields.items())), r.deleted)
                for kind in kinds for r in copy.records.list_kind(kind, include_deleted=True)}


def open_conflicts(folder: Path) -> set[tuple[object, ...]]:
    with Copy.open(folder) as copy:
        return {(v.conflict.record_uid, v.conflict.field, repr(v.conflict.base),
                 repr(v.conflict.master),
                 frozenset((i.author, repr(i.value), i.bundle_id) for i in v.conflict.incoming))
                for v in ConflictService(copy).list()}


@pytest.fixture(scope="session")
def lab_template(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("lab")
    lead_dir = root / "lead"
    districts = [District(name, keys.SigningKey.generate(), new_uid())
                 for name in ("Ormskirk officer", "Skelmersdale officer", "Burscough officer")]
    with init_copy(lead_dir, name="County lead") as lead:
        west = next(r.uid for r in lead.records.list_kind("partnership")
                    if r.title == "West Lancashire CSP")
        plan = lead.records.list_kind("local-plan", partnership=west)[0].uid
        service = BundleService(lead)
        result = service.export(root / "baseline.csabundle")
        for district in districts:
            service.trust(district.key.public_key, name=district.name, partnerships=[west])
        baseline = {r.uid: r for kind in ("action", "local-priority", "progress-update")
                    for r in lead.records.list_kind(kind, partnership=west)}
    return Lab(lead_dir, result.bundle_id, west, plan, baseline, districts, root)


@pytest.fixture
def lab(lab_template: Lab, tmp_path: Path) -> Lab:
    t = lab_template
    districts = [District(d.name, d.key, d.replica) for d in t.districts]
    return Lab(copy_folder(t.lead, tmp_path / "lead"), t.baseline_id, t.partnership, t.plan,
               t.baseline, districts, tmp_path)



@pytest.fixture
def window(qtbot, lab: Lab, tmp_path: Path) -> Iterator[object]:
    """The main window on the lab's lead copy, shown (Qt imported only by the tests using it)."""
    from PySide6.QtCore import QSettings

    from csa_desktop.ui.main_window import MainWindow
    from csa_desktop.ui.settings import WindowSettings

    settings = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    copy = Copy.open(lab.lead)
    main = MainWindow(copy, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    copy.close()
