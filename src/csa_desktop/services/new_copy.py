"""Make a new copy in one step: join a partnership from the lead's baseline, or start a
county agreement from a few facts. Nothing appears in the target folder unless the whole copy
was made: it is built in a sibling folder and moved into place at the end."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from csa_desktop import paths
from csa_desktop.bundle import keys
from csa_desktop.bundle.format import BASELINE, Bundle
from csa_desktop.bundle.reader import open_bundle, parse_bundle, read_file
from csa_desktop.domain.kinds import new_uid
from csa_desktop.domain.roles import Role
from csa_desktop.errors import BundleError, InputError
from csa_desktop.services.copy import Copy, copy_exists, init_copy
from csa_desktop.services.import_plan import Cancelled, Progress

LEFT_BY_OPENING = frozenset({"logs", "csa.lock"})  # what looking at a folder may leave in it


@dataclass(frozen=True)
class BaselinePartnership:
    uid: str
    name: str
    areas: tuple[str, ...]

    def describe(self) -> str:
        """The name with its areas (their count when there are many)."""
        if not self.areas:
            return self.name
        areas = ", ".join(self.areas) if len(self.areas) <= 4 else f"{len(self.areas)} areas"
        return f"{self.name} ({areas})"


@dataclass(frozen=True)
class BaselineSummary:
    """What a joining officer is shown before anything is written."""

    path: Path
    lead_name: str
    lead_fingerprint: str
    agreement_title: str
    published_at: str
    number: int
    partnerships: tuple[BaselinePartnership, ...]

    def partnership(self, name_or_uid: str) -> BaselinePartnership:
        wanted = name_or_uid.strip().casefold()
        for p in self.partnerships:
            if wanted in (p.uid.casefold(), p.name.casefold()):
                return p
        names = "; ".join(p.name for p in self.partnerships) or "none"
        raise InputError(f"'{name_or_uid}' is not a partnership in {self.path.name} "
                         f"(its partnerships: {names})")


def read_baseline(path: Path) -> BaselineSummary:
    """Check a baseline file as far as the file alone allows (size, container, hashes,
    signature, schema, version, completeness) and say what it holds. Reads it in memory."""
    opened = open_bundle(read_file(path), path.name)
    bundle = parse_bundle(opened, keep=True)  # joining from it next takes this parse
    if bundle.manifest.kind != BASELINE:
        raise BundleError("role", f"{path.name}: is a contribution from "
                                  f"{bundle.manifest.author}, not a baseline; ask the county "
                                  "team for the baseline they published")
    return _summary(path, bundle)


def _summary(path: Path, bundle: Bundle) -> BaselineSummary:
    live = [r for r in bundle.records if not r.deleted]
    areas = {r.uid: str(r.fields.get("name") or "") for r in live if r.kind == "area"}
    partnerships = sorted(
        (r for r in live if r.kind == "partnership"),
        key=lambda r: (r.fields.get("position") is None, str(r.fields.get("position") or ""),
                       str(r.fields.get("name") or "").casefold()))
    found: list[BaselinePartnership] = []
    for record in partnerships:
        raw = record.fields.get("area_uids")
        area_uids = raw if isinstance(raw, list) else []
        found.append(BaselinePartnership(
            record.uid, str(record.fields.get("name") or ""),
            tuple(areas[u] for u in area_uids if isinstance(u, str) and u in areas)))
    titles = [str(r.fields.get("title") or "") for r in live if r.kind == "agreement"]
    manifest = bundle.manifest
    return BaselineSummary(path, manifest.author, keys.fingerprint(manifest.signer_key),
                           titles[0] if titles else "", manifest.created_at[:10],
                           manifest.seq, tuple(found))


def join_partnership(data_dir: Path, baseline: Path, *, partnership: str,
                     role: Role = Role.DISTRICT, name: str = "",
                     summary: BaselineSummary | None = None, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> Copy:
    """A district or editor copy for `partnership` (a name or uid in the baseline), holding the
    lead's baseline, taken through the same gate as any import. `summary`: the baseline's, when
    the caller has read it already (it is not read twice). The copy is made aside and moved
    in place only when whole, so a cancel (ImportCancelledError) or a refusal leaves nothing."""
    if role is Role.LEAD:
        raise InputError("the lead's copy is the master; a lead starts a county agreement "
                         "instead of joining one")
    if summary is None or summary.path != baseline:
        summary = read_baseline(baseline)
    chosen = summary.partnership(partnership)

    def build(folder: Path) -> None:
        with init_copy(folder, role=role, name=name, partnerships=[chosen.uid],
                       empty=True) as copy, copy.store.bulk_load():
            from csa_desktop.services.sync import SyncService

            report = SyncService(copy).import_files([baseline], progress=progress,
                                                    cancelled=cancelled)
            if report.refused:
                raise BundleError("refused", report.refused[0].message)

    return _made_in_place(data_dir, build)


@dataclass(frozen=True)
class CountyFacts:
    """The few facts a blank county agreement starts from."""

    title: str
    period_start: dt.date
    period_end: dt.date
    areas: tuple[str, ...]
    partnerships: tuple[str, ...]
    unitary_areas: frozenset[str] = frozenset()
    chain: str = "two-tier"  # the approval chain preset (domain.cycle.PRESETS)


def start_county(data_dir: Path, facts: CountyFacts, *, name: str = "") -> Copy:
    """A blank lead copy: the agreement, its areas and its partnerships, ready to edit. A
    partnership whose name starts with an area's name ("Burnley CSP") covers that area."""
    title = facts.title.strip()
    if not title:
        raise InputError("give the agreement a title")
    if facts.period_end <= facts.period_start:
        raise InputError("the period must end after it starts")
    areas = _distinct(facts.areas, "area")
    partnerships = _distinct(facts.partnerships, "partnership")
    if not areas:
        raise InputError("name at least one area (a district or unitary council area)")
    from csa_desktop.services.approvals import preset_named, set_chain

    chain = preset_named(facts.chain)

    def build(folder: Path) -> None:
        with init_copy(folder, role=Role.LEAD, name=name or "County community safety team",
                       empty=True) as copy:
            records = copy.records
            records.create("agreement", {"title": title, "period_start": facts.period_start,
                                         "period_end": facts.period_end})
            set_chain(copy, chain)  # the county defines its steps once, here
            area_uids: dict[str, str] = {}
            for area in areas:
                uid = new_uid()
                kind = "unitary" if area in facts.unitary_areas else "district"
                records.create("area", {"name": area, "kind": kind}, uid=uid)
                area_uids[area] = uid
            for partnership in partnerships:
                named = [area for area in area_uids
                         if partnership.casefold().startswith(area.casefold())]
                kind = ("unitary-csp" if any(a in facts.unitary_areas for a in named)
                        else "district-csp" if named else "county-group")
                covered = [area_uids[a] for a in named] or list(area_uids.values())
                records.create("partnership", {"name": partnership, "kind": kind,
                                               "area_uids": covered})

    return _made_in_place(data_dir, build)


def _distinct(names: Sequence[str], what: str) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if name.casefold() in out:
            raise InputError(f"the {what} '{name}' is named twice")
        out[name.casefold()] = name
    return tuple(out.values())


def _made_in_place(data_dir: Path, build: Callable[[Path], None]) -> Copy:
    """Build a copy in a sibling folder with `build(folder)`, then move it to `data_dir`
    (which must not hold a copy or anything else); on any failure nothing is left behind."""
    if copy_exists(data_dir):
        raise InputError(f"a copy already exists in {data_dir}; choose another folder")
    if data_dir.exists() and any(p.name not in LEFT_BY_OPENING for p in data_dir.iterdir()):
        raise InputError(f"{data_dir} is not empty; choose an empty or new folder")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}-new-", dir=data_dir.parent))
    moved: list[Path] = []
    try:
        build(work)
        data_dir.mkdir(exist_ok=True)
        database = paths.database_path(work)
        for item in sorted(work.iterdir(), key=lambda p: p == database):  # the database last:
            if item.name not in LEFT_BY_OPENING:  # the copy exists only once it is whole
                os.replace(item, data_dir / item.name)
                moved.append(data_dir / item.name)
    except BaseException:
        for target in moved:
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Copy.open(data_dir)
