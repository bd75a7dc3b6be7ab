"""The action trackers of every local plan in one Core query: names resolved, the latest
progress update joined, archived actions left out (Excel export of a county copy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import String, Table, and_, func, select, type_coerce
from sqlalchemy.orm import Session

from csa_desktop.storage.models import (
    ActionRow,
    KeyIssueRow,
    LocalPlanRow,
    LocalPriorityRow,
    OrganisationRow,
    ProgressUpdateRow,
)

TRACKER_COLUMNS = (
    "plan_uid", "priority_title", "key_issue_name", "title", "lead_role",
    "lead_organisation_name", "partners", "measure", "start_on", "due_on", "status", "rag",
    "update_period", "update_reported_on", "update_narrative",
)
"""Dates come as ISO text (date.fromisoformat is fast on tens of thousands of rows)."""


def _table(cls: type[Any]) -> Table:
    table: Table = cls.__table__
    return table


def tracker_rows(session: Session, plan_uids: Sequence[str]) -> Sequence[tuple[Any, ...]]:
    """Open (not archived) live actions of the given plans, in priority and action order;
    each row has the fields of TRACKER_COLUMNS."""
    a = _table(ActionRow)
    plan = _table(LocalPlanRow)
    priority = _table(LocalPriorityRow)
    issue = _table(KeyIssueRow)
    organisation = _table(OrganisationRow)
    update = _table(ProgressUpdateRow)
    ranked = select(
        update.c.action_uid, update.c.period, update.c.narrative,
        type_coerce(update.c.reported_on, String).label("reported_on"),
        func.row_number().over(
            partition_by=update.c.action_uid,
            order_by=(update.c.reported_on.desc(), update.c.updated_at.desc(),
                      update.c.uid.desc()),
        ).label("rank"),
    ).where(update.c.deleted.is_(False)).subquery()
    latest = select(ranked).where(ranked.c.rank == 1).subquery()
    joined = (
        a.join(plan, plan.c.uid == a.c.plan_uid)
        .outerjoin(priority, and_(priority.c.uid == a.c.priority_uid,
                                  priority.c.deleted.is_(False)))
        .outerjoin(issue, and_(issue.c.uid == priority.c.key_issue_uid,
                               issue.c.deleted.is_(False)))
        .outerjoin(organisation, organisation.c.uid == a.c.lead_organisation_uid)
        .outerjoin(latest, latest.c.action_uid == a.c.uid)
    )
    query = (
        select(
            a.c.plan_uid, priority.c.title, issue.c.name, a.c.title, a.c.lead_role,
            organisation.c.name, a.c.partners, a.c.measure,
            type_coerce(a.c.start_on, String), type_coerce(a.c.due_on, String), a.c.status,
            a.c.rag, latest.c.period, latest.c.reported_on, latest.c.narrative,
        )
        .select_from(joined)
        .where(a.c.deleted.is_(False), a.c.archived_in.is_(None),
               a.c.plan_uid.in_(list(plan_uids)))
        .order_by(a.c.plan_uid, priority.c.uid.is_(None), priority.c.position, priority.c.uid,
                  a.c.position, a.c.uid)
    )
    return cast(Sequence[tuple[Any, ...]], session.execute(query).all())
