"""Alembic migrations shipped in the package; they alone create and upgrade the schema.

KNOWN_REVISIONS lists every revision in order (a test checks it against the scripts) so that
opening a copy needs no Alembic import unless an upgrade is due.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial", "0003_yearly_cycle", "0004_bundles", "0005_merge",
    "0006_local_changes", "0007_replica_keys", "0008_clean_control_characters",
    "0009_indicators", "0010_attachments", "0011_approval_chain",
    "0012_rolling_agreements", "0013_consultations", "0014_themes",
    "0015_reporting_calendar", "0016_restricted",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]
