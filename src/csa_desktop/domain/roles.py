"""Who a copy is (lead, editor, district) and what its scope lets it change."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from csa_desktop.domain.kinds import KindSpec, Scope


class Role(enum.Enum):
    LEAD = "lead"  # the master copy: everything
    EDITOR = "editor"  # editorial group: a district scope plus the county agreement's text
    DISTRICT = "district"  # its partnerships' local plans, and evidence for their areas


@dataclass(frozen=True)
class Identity:
    replica_id: str
    name: str
    role: Role
    partnership_uids: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.name} ({self.role.value})"


@dataclass(frozen=True)
class Owner:
    """What a record belongs to, for scope checks: its partnership and/or its area."""

    partnership_uid: str | None = None
    area_uid: str | None = None


def may_change(identity: Identity, spec: KindSpec, owner: Owner,
               scope_area_uids: frozenset[str] = frozenset()) -> bool:
    """Whether `identity` may create, edit or delete a record of `spec` owned by `owner`."""
    if identity.role is Role.LEAD:
        return True
    match spec.scope:
        case Scope.REFERENCE:
            return False
        case Scope.AGREEMENT_TEXT:
            return identity.role is Role.EDITOR
        case Scope.EVIDENCE:
            if identity.role is Role.EDITOR:
                return True
            return owner.area_uid is not None and owner.area_uid in scope_area_uids
        case Scope.LOCAL:
            return owner.partnership_uid in identity.partnership_uids
    return False  # pragma: no cover
