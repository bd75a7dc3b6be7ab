"""Every printable document by name, and the one function that prints any of them: the CLI
(`csa print DOCUMENT`) and the print preview both go through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.errors import InputError
from csa_desktop.printing.model import PUBLIC_EDITION, RESTRICTED_MARKING
from csa_desktop.services import printing
from csa_desktop.services.copy import Copy
from csa_desktop.services.performance_report import performance_report_pdf

DOCUMENTS: dict[str, str] = {
    "plan-on-a-page": "Plan on a page",
    "agreement": "The agreement",
    "local-plan": "Local partnership plan / action tracker",
    "performance-report": "Quarterly performance report",
    "due-list": "What is due (for a partnership meeting)",
}
"""Printable documents by the name the CLI uses; plan-on-a-page with a partnership is the
partnership's local plan on a page."""


@dataclass(frozen=True)
class PrintedDocument:
    """A printed PDF, and what its reader should be told: the characters no font could
    print, which character and where ("" when everything printed)."""

    data: bytes
    message: str = ""


def print_document(copy: Copy, document: str, *, partnership: str | None = None,
                   printed_on: dt.date | None = None, invariant: bool = False,
                   period: str | None = None, edition: str | None = None) -> PrintedDocument:
    """document_pdf, with the message naming anything that could not be printed."""
    from csa_desktop.printing.fonts import noting_unprintable, unprintable_message

    with noting_unprintable() as notes:
        data = document_pdf(copy, document, partnership=partnership, printed_on=printed_on,
                            invariant=invariant, period=period, edition=edition)
    return PrintedDocument(data, unprintable_message(notes))


EDITION_DOCUMENTS = ("agreement",)
"""Documents with a public and a full edition (printing.model.EDITIONS)."""


def holds_restricted(copy: Copy) -> bool:
    """Whether any section, evidence item or attachment is restricted (so that the full
    edition of the agreement differs from the public one)."""
    from csa_desktop.domain.kinds import RESTRICTED_KINDS

    return any(record.fields.get("restricted") is True for kind in RESTRICTED_KINDS
               for record in copy.records.list_kind(kind))


def check_edition(document: str, edition: str | None) -> str:
    """The edition to print (public unless asked), or why `document` has no such edition."""
    if edition is None:
        return PUBLIC_EDITION
    printing.check_edition(edition)
    if edition != PUBLIC_EDITION and document not in EDITION_DOCUMENTS:
        raise InputError(f"only the agreement has a {edition} edition (it holds the "
                         f"restricted sections and evidence); print {document} without "
                         "--edition")
    return edition


def document_pdf(copy: Copy, document: str, *, partnership: str | None = None,
                 printed_on: dt.date | None = None, invariant: bool = False,
                 period: str | None = None, edition: str | None = None) -> bytes:
    """Any document of DOCUMENTS by name (the CLI and the preview dialog use this); `period`
    is the quarter of a performance report (default: the current one); `edition` the
    agreement's (public, the default, or full)."""
    edition = check_edition(document, edition)
    if document == "plan-on-a-page":
        return printing.plan_on_a_page_pdf(copy, partnership=partnership,
                                           printed_on=printed_on, invariant=invariant)
    if document == "agreement":
        if partnership:
            raise InputError("the agreement is the county's document; --partnership is for "
                             "plan-on-a-page, local-plan and performance-report")
        return printing.agreement_pdf(copy, printed_on=printed_on, invariant=invariant,
                                      edition=edition)
    if document == "local-plan":
        return printing.local_plan_pdf(copy, partnership, printed_on=printed_on,
                                       invariant=invariant)
    if document == "performance-report":
        return performance_report_pdf(copy, period, partnership=partnership,
                                      printed_on=printed_on, invariant=invariant)
    if document == "due-list":  # as on the day it is printed
        from csa_desktop.services.due import due_list_pdf

        return due_list_pdf(copy, partnership=partnership, today=printed_on,
                            invariant=invariant)
    raise InputError(f"unknown document '{document}' (documents: {', '.join(DOCUMENTS)})")


WEB_DOCUMENTS = ("agreement",)
"""Documents with a web edition (one accessible HTML file)."""


def document_html(copy: Copy, document: str, *, partnership: str | None = None,
                  printed_on: dt.date | None = None, invariant: bool = False,
                  edition: str | None = None) -> str:
    """The web edition of a document of WEB_DOCUMENTS: one self-contained HTML page, always
    the public edition (a web page is for publishing)."""
    if check_edition(document, edition) != PUBLIC_EDITION:
        raise InputError(f"the web edition is for publishing on the council's website, so it "
                         f"is always the public edition: restricted ({RESTRICTED_MARKING}) "
                         "content never goes into a web page. Print the full edition as "
                         "PDF or Word (--out FILE.pdf or FILE.docx)")
    if document not in WEB_DOCUMENTS:
        raise InputError(f"{DOCUMENTS.get(document, document)} has no web edition yet "
                         f"(web editions: {', '.join(WEB_DOCUMENTS)}); print it as a PDF")
    if partnership:
        raise InputError("the agreement is the county's document; --partnership is for "
                         "plan-on-a-page, local-plan and performance-report")
    from csa_desktop.printing.agreement_html import render_agreement_html

    return render_agreement_html(printing.agreement_data(copy, printed_on=printed_on,
                                                         invariant=invariant))
