"""One small error hierarchy: a CsaError is the user's situation, anything else is our bug."""

from __future__ import annotations


class CsaError(Exception):
    """A problem the user can understand and act on; its message is shown as it is."""

    exit_code = 2


class InputError(CsaError):
    """A value, field, kind or uid given by the user is not acceptable."""


class NotFoundError(InputError):
    """No record has the uid the user named."""


class ScopeError(CsaError):
    """The copy's role and scope do not cover this change."""


class StoreError(CsaError):
    """The local copy cannot be opened or written (newer version, damaged, locked, read-only)."""

    exit_code = 1


class BundleError(CsaError):
    """A bundle file was refused; `code` names the check that failed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class MergeConflictError(CsaError):
    """A change cannot be applied without a decision by the lead."""


class PrintFitError(CsaError):
    """A document does not fit its page even at the smallest readable size."""

    exit_code = 3
