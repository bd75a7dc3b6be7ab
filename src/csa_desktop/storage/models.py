"""SQLAlchemy 2 typed models of a local copy; columns mirror domain.kinds (a test checks it).

Schema changes happen only through Alembic migrations in storage/migrations.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from csa_desktop.storage.base import Base


def _ref(table: str) -> ForeignKey:
    # Deferred, so records arriving in any order (bundles) are checked at commit.
    return ForeignKey(f"{table}.uid", deferrable=True, initially="DEFERRED")


class RecordRow(Base):
    """Columns every record that travels in a bundle has."""

    __abstract__ = True
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AreaRow(RecordRow):
    __tablename__ = "areas"
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    in_footprint: Mapped[bool | None] = mapped_column(Boolean)
    place_group: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(64))


class OrganisationRow(RecordRow):
    __tablename__ = "organisations"
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    responsible_authority: Mapped[bool | None] = mapped_column(Boolean)


class PartnershipRow(RecordRow):
    __tablename__ = "partnerships"
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    area_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(String(64))


class AgreementRow(RecordRow):
    __tablename__ = "agreements"
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    rolling: Mapped[bool | None] = mapped_column(Boolean)
    refresh_label: Mapped[str | None] = mapped_column(String(40))
    footprint: Mapped[str | None] = mapped_column(String(300))
    strategy_group: Mapped[str | None] = mapped_column(String(300))
    strategic_assessment: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(40))
    sent_to_pcc_on: Mapped[dt.date | None] = mapped_column(Date)
    update_due_days: Mapped[int | None] = mapped_column(Integer)


class ApprovalRow(RecordRow):
    __tablename__ = "approvals"
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    body: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(500))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    minute_ref: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str | None] = mapped_column(String(40))
    refresh_label: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(64))


class SectionRow(RecordRow):
    __tablename__ = "sections"
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str | None] = mapped_column(Text)
    restricted: Mapped[bool | None] = mapped_column(Boolean)
    position: Mapped[str | None] = mapped_column(String(64))


class ThemeRow(RecordRow):
    __tablename__ = "themes"
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(String(64))


class KeyIssueRow(RecordRow):
    __tablename__ = "key_issues"
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    evidence_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[str | None] = mapped_column(String(64))


class PlanItemRow(RecordRow):
    __tablename__ = "plan_items"
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    column: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(1000))
    position: Mapped[str | None] = mapped_column(String(64))


class DeliveryFrameworkRowRow(RecordRow):
    __tablename__ = "delivery_framework_rows"
    key_issue_uid: Mapped[str] = mapped_column(_ref("key_issues"), index=True)
    lead_partnership_uid: Mapped[str | None] = mapped_column(_ref("partnerships"))
    lead_name: Mapped[str | None] = mapped_column(String(200))
    responsibility: Mapped[str | None] = mapped_column(String(40))
    delivery_mechanism: Mapped[str | None] = mapped_column(Text)
    reports_to: Mapped[str | None] = mapped_column(String(200))
    frequency: Mapped[str | None] = mapped_column(String(100))


class EvidenceItemRow(RecordRow):
    __tablename__ = "evidence_items"
    assessment: Mapped[str | None] = mapped_column(String(200))
    area_uid: Mapped[str | None] = mapped_column(_ref("areas"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    figure: Mapped[str | None] = mapped_column(String(100))
    period: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(300))
    restricted: Mapped[bool | None] = mapped_column(Boolean)


class ConsultationRow(RecordRow):
    __tablename__ = "consultations"
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    consultee: Mapped[str] = mapped_column(String(300))
    consultee_kind: Mapped[str] = mapped_column(String(40))
    method: Mapped[str | None] = mapped_column(String(300))
    opened: Mapped[dt.date | None] = mapped_column(Date)
    closed: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    section_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_issue_uids: Mapped[list[str]] = mapped_column(JSON, default=list)


class IndicatorRow(RecordRow):
    __tablename__ = "indicators"
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(80))
    polarity: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[str] = mapped_column(String(40))
    baseline_value: Mapped[str | None] = mapped_column(String(40))
    baseline_period: Mapped[str | None] = mapped_column(String(20))
    target_value: Mapped[str | None] = mapped_column(String(40))
    target_period: Mapped[str | None] = mapped_column(String(20))
    tolerance_percent: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(300))
    key_issue_uid: Mapped[str | None] = mapped_column(_ref("key_issues"), index=True)
    partnership_uid: Mapped[str | None] = mapped_column(_ref("partnerships"), index=True)
    position: Mapped[str | None] = mapped_column(String(64))


class IndicatorValueRow(RecordRow):
    __tablename__ = "indicator_values"
    indicator_uid: Mapped[str] = mapped_column(_ref("indicators"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    source_date: Mapped[dt.date | None] = mapped_column(Date)


class LocalPlanRow(RecordRow):
    __tablename__ = "local_plans"
    partnership_uid: Mapped[str] = mapped_column(_ref("partnerships"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(40))


class ApprovalStepRow(RecordRow):
    __tablename__ = "approval_steps"
    plan_uid: Mapped[str | None] = mapped_column(_ref("local_plans"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(String(200))
    minute_required: Mapped[bool | None] = mapped_column(Boolean)
    sends_to_pcc: Mapped[bool | None] = mapped_column(Boolean)
    position: Mapped[str | None] = mapped_column(String(64))


class PlanApprovalRow(RecordRow):
    __tablename__ = "plan_approvals"
    plan_uid: Mapped[str] = mapped_column(_ref("local_plans"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(500))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    minute_ref: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(64))


class MeetingRow(RecordRow):
    __tablename__ = "meetings"
    body: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date)
    partnership_uid: Mapped[str | None] = mapped_column(_ref("partnerships"), index=True)


class LocalPriorityRow(RecordRow):
    __tablename__ = "local_priorities"
    plan_uid: Mapped[str] = mapped_column(_ref("local_plans"), index=True)
    key_issue_uid: Mapped[str | None] = mapped_column(_ref("key_issues"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    indicator_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[str | None] = mapped_column(String(64))


class ActionRow(RecordRow):
    __tablename__ = "actions"
    plan_uid: Mapped[str] = mapped_column(_ref("local_plans"), index=True)
    priority_uid: Mapped[str | None] = mapped_column(_ref("local_priorities"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    lead_organisation_uid: Mapped[str | None] = mapped_column(_ref("organisations"))
    lead_role: Mapped[str | None] = mapped_column(String(200))
    partners: Mapped[str | None] = mapped_column(String(500))
    measure: Mapped[str | None] = mapped_column(String(500))
    indicator_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(40))
    rag: Mapped[str] = mapped_column(String(20))
    archived_in: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(64))


class ProgressUpdateRow(RecordRow):
    __tablename__ = "progress_updates"
    action_uid: Mapped[str] = mapped_column(_ref("actions"), index=True)
    period: Mapped[str] = mapped_column(String(60))
    reported_on: Mapped[dt.date] = mapped_column(Date)
    rag: Mapped[str] = mapped_column(String(20))
    narrative: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))


class AttachmentRow(RecordRow):
    __tablename__ = "attachments"
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str] = mapped_column(String(1000))
    restricted: Mapped[bool | None] = mapped_column(Boolean)


class AttachmentBlobRow(Base):
    """The bytes of attachments, keyed by their SHA-256 (not a record: never in history, and
    in bundles as members of their own)."""

    __tablename__ = "attachment_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


ROW_CLASSES: dict[str, type[RecordRow]] = {
    "area": AreaRow,
    "organisation": OrganisationRow,
    "partnership": PartnershipRow,
    "agreement": AgreementRow,
    "approval": ApprovalRow,
    "section": SectionRow,
    "theme": ThemeRow,
    "key-issue": KeyIssueRow,
    "plan-item": PlanItemRow,
    "delivery-framework-row": DeliveryFrameworkRowRow,
    "evidence-item": EvidenceItemRow,
    "consultation": ConsultationRow,
    "indicator": IndicatorRow,
    "indicator-value": IndicatorValueRow,
    "local-plan": LocalPlanRow,
    "approval-step": ApprovalStepRow,
    "plan-approval": PlanApprovalRow,
    "meeting": MeetingRow,
    "local-priority": LocalPriorityRow,
    "action": ActionRow,
    "progress-update": ProgressUpdateRow,
    "attachment": AttachmentRow,
}


class ReplicaRow(Base):
    """Who this copy is: exactly one row."""

    __tablename__ = "replica"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    replica_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    partnership_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    baseline_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ChangeRecordRow(Base):
    """History: one row per field value that was set, accepted from a bundle, or lost."""

    __tablename__ = "change_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_uid: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)  # JSON
    new: Mapped[str | None] = mapped_column(Text)  # JSON
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(20))

    __table_args__ = (Index("ix_change_records_record_uid", "record_uid"),)


class RefreshRow(Base):
    """One annual refresh of the agreement; the live tables hold the open one (services/refresh)."""

    __tablename__ = "refreshes"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    agreement_uid: Mapped[str] = mapped_column(_ref("agreements"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    based_on_uid: Mapped[str | None] = mapped_column(_ref("refreshes"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("agreement_uid", "label"),)


class RefreshRecordRow(Base):
    """A record as it stood when its refresh closed: every field as JSON."""

    __tablename__ = "refresh_records"
    refresh_uid: Mapped[str] = mapped_column(_ref("refreshes"), primary_key=True)
    record_uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    rev: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)


class RefreshNoteRow(Base):
    """The lead's one-line summary of one change in a refresh's version-control table."""

    __tablename__ = "refresh_notes"
    refresh_uid: Mapped[str] = mapped_column(_ref("refreshes"), primary_key=True)
    record_uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    summary: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(200))

