"""Open, create and describe a local copy; the entry point of every use case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from csa_desktop import paths
from csa_desktop.domain.kinds import KINDS, is_uid, new_uid
from csa_desktop.domain.roles import Identity, Role
from csa_desktop.errors import InputError, StoreError
from csa_desktop.services.demo import build_demo, holds_sample
from csa_desktop.services.records import RecordService
from csa_desktop.storage import checks, identity, records
from csa_desktop.storage.database import Session, Store, schema_revision


@dataclass(frozen=True)
class CopyInfo:
    data_dir: Path
    database: Path
    identity: Identity
    partnership_names: tuple[str, ...]
    schema_revision: str | None
    counts: dict[str, int]


class Copy:
    """An open local copy with its identity and its services."""

    def __init__(self, data_dir: Path, store: Store) -> None:
        self.data_dir = data_dir
        self.store = store
        with store.reader() as session:
            self.identity = identity.load(session)
        self.records = RecordService(store, self.identity)

    @classmethod
    def open(cls, data_dir: Path) -> Copy:
        return cls(data_dir, Store.open(paths.database_path(data_dir)))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Copy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def info(self) -> CopyInfo:
        with self.store.reader() as session:
            counts = {kind: records.count(session, kind) for kind in KINDS}
            names = records.titles(session, "partnership", self.identity.partnership_uids)
        return CopyInfo(
            self.data_dir, self.store.path, self.identity,
            tuple(names.get(uid, uid) for uid in self.identity.partnership_uids),
            schema_revision(self.store.path), counts,
        )

    def check(self) -> list[str]:
        return checks.problems(self.store.path)

    def is_sample(self) -> bool:
        """Whether the copy holds the demo's sample text (services.demo.holds_sample)."""
        with self.store.reader() as session:
            return holds_sample(session)


def copy_exists(data_dir: Path) -> bool:
    database = paths.database_path(data_dir)
    return database.exists() and database.stat().st_size > 0


def init_copy(
    data_dir: Path,
    *,
    role: Role = Role.LEAD,
    name: str = "",
    partnerships: Sequence[str] = (),
    empty: bool = False,
) -> Copy:
    """Create a copy: the demo agreement unless `empty`. Refuses to overwrite an existing copy."""
    if copy_exists(data_dir):
        raise InputError(f"a copy already exists in {data_dir}; choose another --data-dir")
    if role is Role.LEAD and partnerships:
        raise InputError("a lead copy covers everything; --partnership is for district and "
                         "editor copies")
    if role is not Role.LEAD and not partnerships:
        raise InputError(f"a {role.value} copy needs at least one --partnership")
    display_name = name.strip() or {"lead": "County lead", "editor": "Editorial group member",
                                    "district": "District officer"}[role.value]
    data_dir.mkdir(parents=True, exist_ok=True)
    database = paths.database_path(data_dir)
    store = Store.create(database)  # appears at `database` only when complete
    try:
        with store.transaction() as session:
            me = Identity(new_uid(), display_name, Role.LEAD, ())
            identity.save(session, me)
            if not empty:
                build_demo(session, who=display_name)
            scope = _resolve_partnerships(session, partnerships, allow_unknown_uids=empty)
            identity.save(session, Identity(me.replica_id, display_name, role, scope))
        store.finish_creation()
    except BaseException:
        store.discard()
        raise
    from csa_desktop.bundle.keys import ensure_key

    ensure_key(data_dir)  # the copy's signing identity (private key file, user-readable only)
    return Copy(data_dir, store)


def _resolve_partnerships(session: Session, wanted: Sequence[str], *,
                          allow_unknown_uids: bool) -> tuple[str, ...]:
    known = records.list_rows(session, "partnership")
    by_name = {r.title.casefold(): r.uid for r in known}
    by_uid = {r.uid for r in known}
    resolved: list[str] = []
    for item in wanted:
        if item in by_uid or (allow_unknown_uids and is_uid(item)):
            resolved.append(item)
        elif item.casefold() in by_name:
            resolved.append(by_name[item.casefold()])
        else:
            names = ", ".join(sorted(r.title for r in known)) or "none in this copy; give a uid"
            raise InputError(f"unknown partnership '{item}' (known: {names})")
    return tuple(dict.fromkeys(resolved))


def open_or_create_demo(data_dir: Path) -> Copy:
    """What the GUI does at start: open the copy, or make the demo copy on first start."""
    if copy_exists(data_dir):
        return Copy.open(data_dir)
    try:
        return init_copy(data_dir, role=Role.LEAD, name="Demo lead")
    except InputError as exc:  # raced with another process creating it
        raise StoreError(str(exc)) from None
