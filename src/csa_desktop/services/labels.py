"""Field values as people read them: choices by their labels, references by the titles of the
records they point to (looked up in one query per kind referred to)."""

from __future__ import annotations

from collections.abc import Iterable

from csa_desktop.bundle.format import DELETED
from csa_desktop.domain.kinds import KINDS, FieldType, value_text
from csa_desktop.storage import records as record_store
from csa_desktop.storage.database import Session


def referenced_titles(session: Session, kind_name: str,
                      values: Iterable[tuple[str, object]]) -> dict[str, str]:
    """uid → title of every record that the (field, value) pairs of `kind_name` refer to."""
    spec = KINDS[kind_name]
    wanted: dict[str, set[str]] = {}
    for name, value in values:
        if not spec.has_field(name):
            continue
        field = spec.field(name)
        if field.ref_kind is None:
            continue
        uids = [value] if field.type is FieldType.REF else (
            value if field.type is FieldType.REF_LIST and isinstance(value, list) else [])
        wanted.setdefault(field.ref_kind, set()).update(str(u) for u in uids if u)
    found: dict[str, str] = {}
    for ref_kind, wanted_uids in wanted.items():
        if wanted_uids:
            found.update(record_store.titles(session, ref_kind, sorted(wanted_uids)))
    return found


def field_value_text(kind_name: str, name: str, value: object,
                     titles: dict[str, str]) -> str:
    """One value of a field as people read it ("" when empty; a tombstone as deleted/kept)."""
    if name == DELETED:
        return "deleted" if value is True else "kept"
    spec = KINDS[kind_name]
    if not spec.has_field(name):
        return "" if value is None else str(value)
    return value_text(spec.field(name), value, titles)
